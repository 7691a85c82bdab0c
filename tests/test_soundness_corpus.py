"""An independent soundness corpus for `check`: claims written for this test
(not taken from derivations/), each with the verdict derived by hand.

tests/data/soundness/<problem>.toml holds the claims.  `expect` is one of
"proved" (an exact identity), "proved-ae" (only almost everywhere),
"proved-vacuous", "refuted", "ill-formed", or a table per activation.
Hard assertions, one per claim and activation (claims marked `unsure` left
out): a claim the corpus calls false is never proved, and a claim that fails
at a kink is never proved exactly.
Softer: overall agreement with the corpus >= 98% (claims marked `unsure` left
out); the disagreements are listed in the message.  Entries marked `oracle`
are re-derived numerically by tests/oracle_fd.py (PyTorch float64 autograd,
finite differences) so the corpus itself is checked by a second method.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import pytest

from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

CORPUS = Path(__file__).resolve().parent / "data" / "soundness"
KINDS = {"proved", "proved-ae", "proved-vacuous", "refuted", "ill-formed"}
FALSE = {"refuted", "ill-formed"}
TIMEOUT = 30.0          # per claim; undecided counts as a disagreement, never as a pass
AGREEMENT = 0.98


def load_corpus() -> list[dict]:
    """Every (claim, activation) case of every corpus file."""
    cases = []
    for path in sorted(CORPUS.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for claim in data["claim"]:
            expect = claim["expect"]
            if isinstance(expect, str):
                table = {act: expect for act in claim.get("activations", data["activations"])}
            else:
                table = dict(expect)
            for activation, want in table.items():
                assert want in KINDS, (claim["id"], want)
                cases.append({"problem": data["problem"], "id": claim["id"], "latex": claim["latex"],
                              "activation": activation, "expect": want,
                              "unsure": bool(claim.get("unsure", False)),
                              "oracle": bool(claim.get("oracle", False))})
    return cases


ALL_CASES = CASES = load_corpus()


def _label(case) -> str:
    return f"{case['problem']}:{case['id']}:{case['activation']}"


@lru_cache(maxsize=None)
def _problem(problem_id: str):
    return load_problem(problem_id)


@lru_cache(maxsize=None)
def verdict_of(problem_id: str, latex: str, activation: str) -> tuple[str, str]:
    """The engine's verdict as one of KINDS (or unparseable/undecided), and its reason."""
    problem = _problem(problem_id)
    act = None if activation == "identity" else activation
    result = check(problem, latex, act, timeout=TIMEOUT)
    kind = result.verdict.value
    if kind == "proved":
        if result.vacuous:
            kind = "proved-vacuous"
        elif result.almost_everywhere:
            kind = "proved-ae"
    return kind, result.reason


def test_corpus_is_well_formed():
    ids = [(c["problem"], c["id"]) for c in ALL_CASES]
    assert len({i for i in ids}) >= 250, "at least 250 claims"
    wants = [c["expect"] for c in ALL_CASES]
    true, false = sum(w.startswith("proved") for w in wants), sum(w in FALSE for w in wants)
    assert 0.35 <= true / (true + false) <= 0.65, (true, false)


@pytest.mark.parametrize("case", CASES, ids=[_label(c) for c in CASES])
def test_no_false_claim_is_proved(case):
    if case["unsure"]:
        pytest.skip("the corpus is unsure of this verdict")
    got, reason = verdict_of(case["problem"], case["latex"], case["activation"])
    if case["expect"] in FALSE:
        assert not got.startswith("proved"), f"{_label(case)}: a false claim was {got}: {reason}\n{case['latex']}"
    elif case["expect"] == "proved-ae":
        # it fails at a kink: an exact proof would be a wrong promise
        assert got not in ("proved", "proved-vacuous"), f"{_label(case)}: fails at a kink but {got}: {reason}"


def test_agreement_with_the_corpus():
    counted, disagreements = 0, []
    for case in CASES:
        if case["unsure"]:
            continue
        counted += 1
        got, reason = verdict_of(case["problem"], case["latex"], case["activation"])
        if got != case["expect"]:
            disagreements.append(f"{_label(case)}: expected {case['expect']}, got {got} ({reason[:160]})")
    rate = 1 - len(disagreements) / counted
    assert rate >= AGREEMENT, f"agreement {rate:.3f} over {counted} cases; disagreements:\n" + "\n".join(disagreements)


# ------------------------------------------------------------ the corpus against a second method
ORACLE_CASES = [c for c in ALL_CASES if c["oracle"]]


@pytest.mark.parametrize("case", ORACLE_CASES, ids=[_label(c) for c in ORACLE_CASES])
def test_corpus_expectation_matches_the_torch_oracle(case):
    """The hand-derived verdict agrees with PyTorch float64 at random points:
    a claim called proved matches at every point, one called refuted misses
    at some point.  (This checks the corpus, not symbackprop.)"""
    pytest.importorskip("torch")
    import oracle_fd

    matches = oracle_fd.agrees(case["id"], case["problem"], case["activation"])
    if case["expect"].startswith("proved"):
        assert all(matches), f"{_label(case)}: expected proved, torch differs at points {matches}"
    else:
        assert not all(matches), f"{_label(case)}: expected {case['expect']}, torch agrees at every point"


def test_enough_entries_are_double_checked():
    assert len({c["id"] for c in ORACLE_CASES}) >= 40


@pytest.mark.parametrize("problem_id, activation", [
    ("mle-sheet4", "relu"), ("mle-sheet4", "generic"), ("assignment1", "relu"), ("assignment1", "generic"),
    ("cs446-hw0", "relu"), ("cs446-hw0", "generic"), ("assignment1-hinge", "identity")])
def test_oracle_autograd_matches_finite_differences(problem_id, activation):
    pytest.importorskip("torch")
    import oracle_fd

    assert oracle_fd.fd_check(problem_id, activation) < 1e-6
