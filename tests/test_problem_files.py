"""Problem files written by hand, as an outside instructor would (issue 11's
acceptance test played in the open).

Every file under tests/data/problems/*.toml uses the documented form (id,
title, [sizes], [[tensors]], [functions], [network] forward/loss) and lists
claims whose `expect` was derived by hand.  Two independent checks:

- the tool's verdict on each claim equals its `expect`, under every function
  choice the claim lists (a table `expect`) or the file offers (a string);
- PyTorch autograd (float64, random points) confirms each claim marked
  proved holds and each marked refuted fails, from a hand-written forward pass
  and right-hand side per claim (ORACLES below), never from the LaTeX, so a
  wrong hand-derived expectation is caught too.

The broken files under tests/data/problems/broken/ must be refused with a
ProblemError naming the key, the function or the line, and the command line
must exit 3 without a traceback.

Where the tool disagrees with a hand-derived verdict the case is marked
xfail(strict=True) in KNOWN_WRONG, with the reason: the engine is to be fixed,
never the expectation.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import IN_CI
from symbackprop.registry import parse_choice
from symbackprop.errors import ProblemError
from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

DATA = Path(__file__).resolve().parent / "data" / "problems"
FILES = sorted(DATA.glob("*.toml"))
BROKEN = DATA / "broken"

# (file stem, claim id, choice or "*") -> why the tool's verdict is wrong.
KNOWN_WRONG = {
}
# file stem -> why a file believed valid is refused
KNOWN_REFUSED = {
}


def _raw(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _choices(raw: dict) -> list[str]:
    """The function choices a claim with a string `expect` is checked under."""
    out = []
    for value in raw.get("functions", {}).values():
        if isinstance(value, list) and len(value) > 1:
            out += [v for v in value if v not in out]
    return out or ["*"]


def _cases():
    for path in FILES:
        raw = _raw(path)
        for claim in raw.get("claims", []):
            expect = claim.get("expect", "proved")
            pairs = expect.items() if isinstance(expect, dict) else [(c, expect) for c in _choices(raw)]
            for choice, verdict in pairs:
                key = next((k for k in [(path.stem, claim["id"], choice), (path.stem, claim["id"], "*")]
                            if k in KNOWN_WRONG), None)
                reason = KNOWN_WRONG.get(key) or KNOWN_REFUSED.get(path.stem)
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(path, claim, choice, verdict, marks=marks,
                                   id=f"{path.stem}:{claim['id']}:{choice}")


CASES = list(_cases())


@lru_cache(maxsize=None)
def _problem(path: Path):
    return load_problem(path)


def _label(choice: str) -> str | None:
    return None if choice == "*" else parse_choice(choice).label


def test_there_are_enough_files_and_claims():
    assert len(FILES) >= 5
    for path in FILES:
        raw = _raw(path)
        assert 10 <= len(raw["claims"]) <= 25, path.name
        assert {"id", "title", "sizes", "tensors", "network"} <= set(raw), path.name
        assert {"forward", "loss"} <= set(raw["network"]), path.name


def _files():
    return [pytest.param(p, id=p.stem, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_REFUSED[p.stem])]
                         if p.stem in KNOWN_REFUSED else []) for p in FILES]


@pytest.mark.parametrize("path", _files())
def test_file_loads(path):
    problem = _problem(path)
    raw = _raw(path)
    assert problem.id == raw["id"]
    assert [c.id for c in problem.claims] == [c["id"] for c in raw["claims"]]
    for choice in _choices(raw):
        if choice != "*":
            assert _label(choice) in problem.variants


def _loader_cases():
    for c in CASES:
        path, claim, choice, verdict = c.values
        why = KNOWN_REFUSED.get(path.stem) or KNOWN_EXPECT_READ.get((path.stem, claim["id"], choice))
        yield pytest.param(*c.values, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])


# (file, claim, choice) -> why the loader reads the file's `expect` wrongly
KNOWN_EXPECT_READ = {
}


@pytest.mark.parametrize("path, claim, choice, verdict", list(_loader_cases()))
def test_loader_reads_the_expectation(path, claim, choice, verdict):
    """What `symbackprop verify` compares against is what the file says."""
    loaded = {c.id: c for c in _problem(path).claims}[claim["id"]]
    assert loaded.expected(_label(choice) or _problem(path).activation) == verdict


@pytest.mark.parametrize("path, claim, choice, verdict", CASES)
def test_verdict_is_the_hand_derived_one(path, claim, choice, verdict):
    result = check(_problem(path), claim["latex"], _label(choice))
    assert result.verdict.value == verdict, f"{claim['latex']}\n{result.reason}"
    if verdict == "refuted":   # a refutation carries its witness
        assert result.witness is not None
    if verdict in ("ill-formed", "unparseable"):
        assert "internal error" not in result.reason


@pytest.mark.parametrize("path", _files())
def test_twins_are_not_proved(path):
    """A claim's wrong twin must not be proved under any choice."""
    raw = _raw(path)
    twins = [c for c in raw["claims"] if c.get("twin")]
    _problem(path)
    for claim in twins:
        for choice in _choices(raw):
            result = check(_problem(path), claim["twin"], _label(choice))
            assert result.verdict.value != "proved", (claim["id"], choice)


# ------------------------------------------------------------------ the PyTorch oracle
def _load_oracles() -> dict:
    """Hand-written forward passes and right-hand sides (data/problems/oracles*.py)."""
    import importlib
    import sys
    sys.path.insert(0, str(DATA))
    try:
        return importlib.import_module("oracles_more").ORACLES
    finally:
        sys.path.remove(str(DATA))


ORACLES = _load_oracles()


def _torch():
    return pytest.importorskip("torch") if not IN_CI else __import__("torch")


class Env:
    """One random point of one problem: every named value, and the gradients
    and Jacobians autograd gives at it."""

    def __init__(self, torch, oracle, raw, choice, rng):
        self.torch = torch
        sizes = raw["sizes"]
        self.v = {}
        for name, shape, kind in oracle["leaves"]:
            dims = [_size(sizes, s) for s in shape]
            if kind == "one-hot":
                t = torch.zeros(dims, dtype=torch.float64)
                t[rng.randrange(dims[0])] = 1.0
            elif kind == "simplex":   # a probability vector: sum = 1
                t = torch.tensor([rng.uniform(0.05, 1.0) for _ in range(math.prod(dims))], dtype=torch.float64)
                t = (t / t.sum()).reshape(dims)
            elif kind == "prob":
                t = torch.tensor([rng.uniform(0.05, 0.95) for _ in range(math.prod(dims))],
                                 dtype=torch.float64).reshape(dims)
            elif kind == "positive":
                t = torch.tensor([rng.uniform(0.2, 2.0) for _ in range(math.prod(dims))],
                                 dtype=torch.float64).reshape(dims)
            else:
                t = torch.tensor([rng.uniform(-1.5, 1.5) for _ in range(math.prod(dims))],
                                 dtype=torch.float64).reshape(dims)
            self.v[name] = t.requires_grad_(True)
        self.f, self.df = _function(torch, choice, rng)
        self.v.update(oracle["forward"](torch, self.v, self.f))
        self.loss = self.v["L"]

    def g(self, name):
        """dL/d name, shaped like name."""
        (out,) = self.torch.autograd.grad(self.loss, self.v[name], retain_graph=True, allow_unused=True)
        return out if out is not None else self.torch.zeros_like(self.v[name])

    def jac(self, out, wrt):
        """The Jacobian d out / d wrt (numerator layout: rows follow out)."""
        out, x = self.v[out], self.v[wrt]
        rows = []
        for k in range(out.numel()):
            (gk,) = self.torch.autograd.grad(out.reshape(-1)[k], x, retain_graph=True, allow_unused=True)
            rows.append((gk if gk is not None else self.torch.zeros_like(x)).reshape(-1))
        return self.torch.stack(rows).reshape(tuple(out.shape) + tuple(x.shape))


def _size(sizes: dict, name: str) -> int:
    """d -> sizes["d"]; d_1 -> the per-layer list's entry 1."""
    base, _, layer = name.partition("_")
    return sizes[base][int(layer)] if layer else sizes[base]


def _function(torch, choice, rng):
    """The activation a choice stands for, and its derivative."""
    if choice in ("relu",):
        return torch.relu, lambda u: (u > 0).to(u.dtype)
    if choice.startswith("leaky-relu"):
        a = float(parse_choice(choice).parameter)
        return (lambda u: torch.where(u > 0, u, a * u)), (lambda u: (u > 0).to(u.dtype) * (1 - a) + a)
    if choice in ("generic", "*"):   # a random cubic stands for "any function"
        c = [rng.uniform(-1, 1) for _ in range(4)]
        return (lambda u: c[0] + c[1] * u + c[2] * u ** 2 + c[3] * u ** 3,
                lambda u: c[1] + 2 * c[2] * u + 3 * c[3] * u ** 2)
    raise AssertionError(f"no torch form for {choice}")


ORACLE_CASES = [c for c in CASES if c.values[3] in ("proved", "refuted")]


def test_every_proved_or_refuted_claim_has_an_oracle():
    missing = [c.id for c in ORACLE_CASES
               if c.values[1]["id"] not in ORACLES.get(c.values[0].stem, {}).get("claims", {})]
    assert not missing


@pytest.mark.parametrize("path, claim, choice, verdict",
                         [pytest.param(*c.values, id=c.id) for c in ORACLE_CASES])
def test_expectation_agrees_with_autograd(path, claim, choice, verdict):
    torch = _torch()
    oracle = ORACLES[path.stem]
    raw = _raw(path)
    gaps = []
    for seed in range(6):
        env = Env(torch, oracle, raw, choice, random.Random(1000 * seed + 7))
        lhs, rhs = oracle["claims"][claim["id"]](env, torch)
        lhs = torch.as_tensor(lhs, dtype=torch.float64).detach()
        rhs = torch.as_tensor(rhs, dtype=torch.float64).detach()
        assert lhs.shape == rhs.shape, (claim["id"], lhs.shape, rhs.shape)
        gaps.append(float((lhs - rhs).abs().max()) / (1.0 + float(lhs.abs().max())))
    if verdict == "proved":
        assert max(gaps) < 1e-9, (claim["id"], gaps)
    else:
        assert max(gaps) > 1e-6, (claim["id"], gaps)


# ------------------------------------------------------------------ broken files
# file -> words the error message must contain (the key, the function or the line, and a suggestion)
BROKEN_MESSAGES = {
    "misspelt-forward.toml": ["fowrard", "did you mean", "'forward'"],
    "misspelt-tensor-key.toml": ["shpae", "did you mean", "'shape'"],
    "shape-mismatch.toml": ["3×2", "3×1"],
    "cycle.toml": ["forward line 1", "\\hat{y}"],
    "undeclared-size.toml": ["[[tensors]] #1", "'D'", "[sizes]"],
    "misspelt-top-key.toml": ["netwrok", "did you mean", "'network'"],
    "unknown-function.toml": ["sigmod", "\\sigma", "did you mean", "'sigmoid'"],
    "used-before-defined.toml": ["forward line 1", "z is used before it is defined"],
    "cycle-self.toml": ["forward line 1", "cycle"],
    "loss-not-defined.toml": ["loss", "\\mathcal{L}", "not defined"],
    "expect-unknown-choice.toml": ["rleu", "did you mean", "relu"],
    "expect-unknown-verdict.toml": ["prooved", "did you mean", "proved"],
}
# broken files the loader accepts today: xfail(strict) until it refuses them
KNOWN_ACCEPTED = {
}
# further words a good message must hold
BROKEN_WISHES = {
    "shape-mismatch.toml": (["forward line 1"], ""),
    "cycle.toml": (["cycle"], ""),
    "undeclared-size.toml": (["did you mean 'd'"], ""),
    "misspelt-forward.toml": (["misspelt-forward.toml"], ""),
    "misspelt-tensor-key.toml": (["misspelt-tensor-key.toml"], ""),
}


def _without_path(message: str, name: str) -> str:
    """The message without the file's path, so that a word of the file name (cycle) can't count."""
    return message.replace(str(BROKEN / name), "<file>").replace(f"tests/data/problems/broken/{name}", "<file>")


def test_every_broken_file_is_listed():
    assert sorted(p.name for p in BROKEN.glob("*.toml")) == sorted(BROKEN_MESSAGES)


def _broken(names):
    return [pytest.param(n, id=n, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_ACCEPTED[n])]
                         if n in KNOWN_ACCEPTED else []) for n in names]


@pytest.mark.parametrize("name", _broken(sorted(BROKEN_MESSAGES)))
def test_broken_file_is_refused_with_a_clear_message(name):
    with pytest.raises(ProblemError) as info:
        load_problem(BROKEN / name)
    message = _without_path(str(info.value), name)
    for word in BROKEN_MESSAGES[name]:
        assert word.lower() in message.lower(), (word, message)
    assert "Traceback" not in message and "KeyError" not in message and "TypeError" not in message


@pytest.mark.parametrize("name", _broken(sorted(BROKEN_MESSAGES)))
def test_broken_file_exits_3_on_the_command_line(name):
    proc = subprocess.run([sys.executable, "-m", "symbackprop", "check", "--problem", str(BROKEN / name), "x = x"],
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 3, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert BROKEN_MESSAGES[name][0].lower() in proc.stderr.lower()


def _wish_cases():
    for name in sorted(BROKEN_MESSAGES):
        words, why = BROKEN_WISHES.get(name, ([name], ""))   # at least: the file is named
        why = why or KNOWN_ACCEPTED.get(name, "")
        yield pytest.param(name, words, id=name,
                           marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])


@pytest.mark.parametrize("name, words", list(_wish_cases()))
def test_broken_message_is_as_good_as_wished(name, words):
    with pytest.raises(ProblemError) as info:
        load_problem(BROKEN / name)
    message = str(info.value) if words == [name] or name in words else _without_path(str(info.value), name)
    for word in words:
        assert word.lower() in message.lower(), (word, str(info.value))
