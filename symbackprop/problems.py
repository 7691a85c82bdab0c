"""Problems and the catalogue: the course's mathematics, read from data files.

Each `derivations/<id>.toml` declares a network (kind, default sizes,
activation), its notation (what each written name means), its definitions
(in LaTeX, parsed with the same grammar as claims), its side conditions, and
its catalogue of claims copied from the seeds with the seed line each comes
from and the verdict expected under each activation.  This module is the
only one that reads files.
"""

from __future__ import annotations

import tomllib
from fractions import Fraction
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .errors import InputError, ProblemError, SizeError
from .network import KINDS, Network, Spec
from .notation.parser import parse
from .notation import meaning as M
from .notation.resolve import NameRule, Notation, resolve

__all__ = ["Claim", "Label", "Problem", "load_problem", "problem_path", "load_catalogue", "catalogue_dir", "problem_ids"]


@dataclass(frozen=True)
class Claim:
    id: str
    latex: str
    seed: str
    expect: dict          # activation -> expected verdict ("*" for any)
    twin: str = ""        # a wrong version of the claim
    twin_mistake: str = ""
    note: str = ""

    def expected(self, activation: str) -> str:
        return self.expect.get(activation, self.expect.get("*", "proved"))


@dataclass(frozen=True)
class Label:
    """A graded question: its points and the reference answer (optional)."""
    label: str
    points: float = 1.0
    reference: str = ""
    prompt: str = ""


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    source: str
    kind: str
    sizes: tuple[int, ...]
    activation: str                  # relu | generic | identity (hidden layers)
    generic_name: str                # "phi", or "f_{k}" for one function per layer
    output_activation: str
    batch: int | None
    side_conditions: tuple[str, ...]
    also_check: tuple[str, ...]
    notation: Notation
    definitions: dict = field(default_factory=dict)  # name -> (layer var, Sem)
    label_var: str | None = None
    claims: tuple[Claim, ...] = ()
    numeric: dict = field(default_factory=dict)      # worked example inputs
    labels: dict = field(default_factory=dict)       # label -> Label, for grading
    definition_sources: dict = field(default_factory=dict)  # name -> its LaTeX, for reports
    hints: dict = field(default_factory=dict)        # mistake name -> this course's hint for it

    def activations(self, activation: str | None, depth: int) -> tuple[str, ...]:
        """The activation of each layer 1..depth."""
        chosen = activation or self.activation
        out = []
        for k in range(1, depth + 1):
            if k == depth and self.output_activation != "same":
                out.append(self.output_activation)
            elif chosen == "generic":
                out.append("generic:" + self.generic_name.replace("{k}", str(k)))
            else:
                out.append(chosen)
        return tuple(out)

    def written_name(self, family: str, layer: int | None, index: tuple[int, ...], depth: int) -> str:
        """A network leaf as this problem writes it: W^{(1)}_{13} in one
        course is W_2[1,3] in another.  Plain text, 1-based indices."""
        suffix = "[" + ",".join(str(i + 1) for i in index) + "]" if index else ""
        best = None
        for key, rule in self.notation.names.items():
            if rule.kind != "quantity" or rule.family != family:
                continue
            if rule.fixed_layer is not None and rule.fixed_layer != layer:
                continue
            if rule.layer == "last" and layer != depth:
                continue
            score = (rule.fixed_layer is not None or rule.layer == "last", -len(key))
            if best is None or score > best[0]:
                best = (score, key, rule)
        if best is None:
            return f"{family}{'' if layer is None else layer}{suffix}"
        _, key, rule = best
        base = _plain(key)  # "tilde z" -> z̃
        if rule.fixed_layer is not None or rule.layer in ("none", "last") or layer is None:
            return base + suffix
        written = layer - rule.offset
        return f"{base}^({written}){suffix}" if rule.layer == "sup" else f"{base}_{written}{suffix}"

    def leaf_names(self, net: Network) -> dict:
        """Each leaf symbol of `net` -> its written name (W^(1)[1,3])."""
        names = {}
        for node in net.all_leaves():
            syms = net.leaf_symbols(node)
            for idx in np.ndindex(*syms.shape):
                names[syms[idx]] = self.written_name(node[0], node[1], idx, net.L)
        return names

    def numeric_inputs(self, net: Network) -> dict:
        """A worked example's given values: leaf symbol -> Fraction."""
        out = {}
        for (family, layer), rows in self.numeric.get("inputs", {}).items():
            syms = net.leaf_symbols((family, layer))
            vals = np.array(rows, dtype=object).reshape(syms.shape)
            for idx in np.ndindex(*syms.shape):
                out[syms[idx]] = Fraction(str(vals[idx]))
        return out

    def check_sizes(self, sizes=None, batch=None) -> tuple[tuple[int, ...], int | None]:
        """(widths, batch) this problem can be built at, or SizeError."""
        if self.numeric and (sizes or batch) and (tuple(sizes or self.sizes), batch or self.batch) != \
                (tuple(self.sizes), self.batch):
            raise SizeError(f"{self.id} is a worked example with fixed sizes "
                            f"({self.describe_sizes(self.sizes, self.batch)}); --sizes and --batch can't change them")
        sizes = tuple(sizes or self.sizes)
        if batch is not None and self.kind != "mlp-mse-batch":
            raise SizeError(f"{self.id} has no batch: --batch applies to batched problems only")
        batch = batch or self.batch
        if self.kind == "softmax-hinge" and len(sizes) != 1:
            raise SizeError("this problem takes one size: the number of classes C (e.g. --sizes 4)")
        if len(sizes) < 2 and self.kind != "softmax-hinge":
            raise SizeError("--sizes needs at least two layer widths d_0,...,d_L (the batch is --batch N)")
        if any(s < 1 or s > 256 for s in sizes) or (batch is not None and not 1 <= batch <= 256):
            raise SizeError("sizes must be between 1 and 256")
        return sizes, batch

    def instances(self, sizes=None, batch=None) -> list[tuple[tuple[int, ...], int | None]]:
        """The instances a claim is checked on: the given (or default) sizes,
        and a second one whose every width and batch differs, so a literal
        that equals one instance's size can't make a claim true.  The second
        keeps the pattern of equal and unequal sizes (a square weight stays
        square): each size + 1 when all are small, else the distinct sizes
        mapped in order onto 2, 3, 4, ... (cheap, so checked first)."""
        first = self.check_sizes(sizes, batch)
        if self.numeric:
            return [first]
        widths, n = first
        values = widths + ((n,) if n else ())
        if max(values) <= 8:
            new = {v: v + 1 for v in values}
        else:
            new = {v: k + 2 for k, v in enumerate(sorted(set(values)))}
            if any(new[v] == v for v in values):
                new = {v: v + 1 for v in values}
        second = (tuple(new[w] for w in widths), new[n] if n else None)
        return [first, self.check_sizes(*second)]

    def describe_sizes(self, sizes, batch=None) -> str:
        text = ("C = " if self.kind == "softmax-hinge" else "widths ") + ",".join(map(str, sizes))
        return text + (f", N = {batch}" if batch else "")

    def default_activation(self, activation: str | None) -> str:
        chosen = activation or self.activation
        return "generic:" + self.generic_name.replace("{k}", "1") if chosen == "generic" else chosen

    def network(self, activation: str | None = None, sizes: tuple[int, ...] | None = None,
                batch: int | None = None) -> Network:
        sizes, batch = self.check_sizes(sizes, batch)
        acts = self.activations(activation, len(sizes) - 1)
        spec = Spec(self.kind, sizes, acts, batch)
        if spec not in _NETWORKS:  # a network is a pure function of its spec; its memo stays warm
            if len(_NETWORKS) >= 16:
                _NETWORKS.pop(next(iter(_NETWORKS)))
            _NETWORKS[spec] = Network(spec)
        return _NETWORKS[spec]


_NETWORKS: dict = {}

_ACCENTS = {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304"}


def _plain(key: str) -> str:
    """A notation key as plain text: "tilde z" -> z̃, "cal L" -> L."""
    words = key.split(" ")
    base = words[-1]
    for w in words[:-1]:
        base = base[:1] + _ACCENTS.get(w, "") + base[1:]
    return base


def catalogue_dir() -> Path:
    """The shipped `derivations/` folder (inside the installed package, or
    beside the source tree when running from a checkout)."""
    try:
        root = resources.files("symbackprop.derivations")
        path = Path(str(root))
        if path.is_dir() and any(path.glob("*.toml")):
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "derivations"


def problem_ids() -> list[str]:
    return sorted(p.stem for p in catalogue_dir().glob("*.toml"))


def problem_path(ref: str | Path) -> Path:
    """The file of a problem given by id (`mle-sheet4`) or by path."""
    path = Path(ref)
    return path if path.suffix else catalogue_dir() / f"{ref}.toml"


def load_problem(ref: str | Path) -> Problem:
    """Load by id (`mle-sheet4`) or by path to a .toml file."""
    path = problem_path(ref)
    if not Path(ref).suffix and not path.exists():
        raise ProblemError(f"no problem {ref!r}; known: {', '.join(problem_ids())}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ProblemError(f"{path}: {err}") from None
    try:
        return _build(data, path)
    except (KeyError, TypeError, ValueError) as err:
        raise ProblemError(f"{path}: bad problem file: {err!r}") from None


def load_catalogue(refs=None) -> list[Problem]:
    refs = list(refs) if refs else problem_ids()
    return [load_problem(r) for r in refs]


SIDE_CONDITIONS = ("sum-to-one", "one-hot", "margin-positive")


def _side_conditions(names) -> tuple[str, ...]:
    unknown = [n for n in names if n not in SIDE_CONDITIONS]
    if unknown:
        raise ValueError(f"unknown side condition {unknown[0]!r} (known: {', '.join(SIDE_CONDITIONS)})")
    return tuple(names)


def _build(data: dict, path: Path) -> Problem:
    net = data["network"]
    if net["kind"] not in KINDS:
        raise ProblemError(f"{path}: unknown network kind {net['kind']!r}")
    nota = data.get("notation", {})
    names = {key: NameRule(**rule) for key, rule in nota.get("names", {}).items()}
    notation = Notation(names, tuple(nota.get("layer_vars", ["l"])), nota.get("last_layer", "L"))
    definitions = {}
    for d in data.get("definitions", []):
        try:
            stmt = parse(d["latex"])
            body = resolve(stmt.segments[0].exprs[0], notation, d["latex"])
        except InputError as err:
            raise ProblemError(f"{path}: definition {d['name']}: {err.located(d['latex'])}") from None
        definitions[d["name"]] = (d.get("layer_var"), body)
    claims = []
    for c in data.get("claims", []):
        expect = c.get("expect", "proved")
        claims.append(Claim(c["id"], c["latex"], c.get("seed", ""),
                            expect if isinstance(expect, dict) else {"*": expect},
                            c.get("twin", ""), c.get("twin_mistake", ""), c.get("note", "")))
    label = next((r.family for r in names.values() if r.kind == "label"), None)
    problem = Problem(
        id=data["id"], title=data.get("title", data["id"]), source=data.get("source", ""),
        kind=net["kind"], sizes=tuple(net["sizes"]), activation=net.get("activation", "relu"),
        generic_name=net.get("generic_name", "phi"), output_activation=net.get("output_activation", "identity"),
        batch=net.get("batch"), side_conditions=_side_conditions(net.get("side_conditions", [])),
        also_check=tuple(net.get("also_check", [])), notation=notation, definitions=definitions,
        label_var=label, claims=tuple(claims), numeric=_numeric(data.get("numeric", {}), notation, path),
        labels={g["label"]: Label(g["label"], float(g.get("points", 1)), g.get("reference", ""), g.get("prompt", ""))
                for g in data.get("labels", [])},
        definition_sources={d["name"]: d["latex"] for d in data.get("definitions", [])},
        hints={str(k): str(v) for k, v in data.get("hints", {}).items()})
    if problem.numeric:
        _check_inputs(problem, path)
    return problem


def _numeric(section: dict, notation: Notation, path: Path) -> dict:
    """`[numeric.inputs]` keyed by written names (`W_1`, `Y_{gt}`) -> keyed by node."""
    if not section:
        return {}
    inputs = {}
    for written, rows in section.get("inputs", {}).items():
        try:
            q = resolve(parse(written).segments[0].exprs[0], notation, written)
        except InputError as err:
            raise ProblemError(f"{path}: numeric input {written!r}: {err.message}") from None
        if not isinstance(q, M.Quantity) or (q.layer is not None and q.layer.vars() - {"L"}):
            raise ProblemError(f"{path}: numeric input {written!r} must name one quantity at a fixed layer")
        inputs[(q.family, q.layer)] = rows
    return {**section, "inputs": inputs}


def _check_inputs(problem: Problem, path: Path) -> None:
    net = problem.network()
    given = {}
    for (family, lin), rows in problem.numeric["inputs"].items():
        node = (family, None if lin is None else lin.value({"L": net.L}))
        if not net.is_leaf(node):
            raise ProblemError(f"{path}: numeric input {family} at layer {node[1]} is computed, not given")
        if np.array(rows, dtype=object).size != net.leaf_symbols(node).size:
            raise ProblemError(f"{path}: numeric input for {node} has the wrong number of entries")
        given[node] = rows
    missing = [n for n in net.all_leaves() if n not in given]
    if missing:
        raise ProblemError(f"{path}: the worked example gives no values for {missing}")
    problem.numeric["inputs"] = given
