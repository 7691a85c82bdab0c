"""Problems and the catalogue: the course's mathematics, read from data files.

Each `derivations/<id>.toml` declares a network (kind, default sizes,
activation), its notation (what each written name means), its definitions
(in LaTeX, parsed with the same grammar as claims), its side conditions, and
its catalogue of claims copied from the seeds with the seed line each comes
from and the verdict expected under each activation.  This module is the
only one that reads files.
"""

from __future__ import annotations

import difflib
import tomllib
from fractions import Fraction
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from symbackprop.catalogue.declare import check_keys, declare
from symbackprop import registry as R
from symbackprop.engine.graph import Architecture, Network, Spec
from symbackprop.errors import IllFormed, InputError, ProblemError, SizeError
from symbackprop.notation.parser import parse
from symbackprop.notation import meaning as M
from symbackprop.notation.resolve import Notation, resolve

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
    arch: Architecture
    sizes: dict                      # size name -> value (a tuple per layer) on the proof instance
    side_conditions: tuple[str, ...]
    notation: Notation
    definitions: dict = field(default_factory=dict)  # name -> (layer var, Sem)
    claims: tuple[Claim, ...] = ()
    numeric: dict = field(default_factory=dict)      # worked example inputs
    labels: dict = field(default_factory=dict)       # label -> Label, for grading
    definition_sources: dict = field(default_factory=dict)  # name -> its LaTeX, for reports
    hints: dict = field(default_factory=dict)        # mistake name -> this course's hint for it
    path: str = ""
    aliases: dict = field(default_factory=dict)      # alias LaTeX -> the declared name's LaTeX
    definition_written: dict = field(default_factory=dict)   # definition name -> how it is written

    @property
    def label_var(self) -> str | None:
        return self.arch.label_var

    @property
    def variants(self) -> tuple[str, ...]:
        """The function choices a claim is checked under: the default first."""
        out = []
        for decl in self.arch.functions.values():
            for c in decl.choices if len(decl.choices) > 1 else ():
                if c.label not in out:
                    out.append(c.label)
        if not out:
            decl = next(iter(self.arch.functions.values()), None)
            out = [decl.choices[0].label if decl is not None and decl.choices else "default"]
        return tuple(out)

    @property
    def activation(self) -> str:
        return self.variants[0]

    @property
    def also_check(self) -> tuple[str, ...]:
        return self.variants[1:]

    def choices(self, activation: str | None) -> tuple:
        """Each listed function's choice under `activation` (its default where it isn't listed)."""
        if activation is not None and activation not in self.variants:
            try:
                activation = R.parse_choice(activation).label   # leaky-relu(0.2) is leaky-relu(1/5)
            except ValueError:
                pass
        if activation is not None and activation not in self.variants:
            raise SizeError(f"{self.id} has no function choice {activation!r}; its choices: {', '.join(self.variants)}")
        out = []
        for key, decl in sorted(self.arch.functions.items()):
            if not decl.choices:
                continue
            pick = next((c for c in decl.choices if c.label == activation), decl.choices[0])
            out.append((key, pick))
        return tuple(out)

    def written_name(self, family: str, layer: int | None, index: tuple[int, ...], depth: int = 0) -> str:
        """A network leaf as this problem writes it: W^{(1)}_{13} in one
        course is W_2[1,3] in another.  Plain text, 1-based indices."""
        suffix = "[" + ",".join(str(i + 1) for i in index) + "]" if index else ""
        rule = self.notation.names.get(family)
        base = _plain(family)
        if rule is None or layer is None or rule.layer in ("none", "last"):
            return base + suffix
        return f"{base}^({layer}){suffix}" if rule.layer == "sup" else f"{base}_{layer}{suffix}"

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

    # ------------------------------------------------------------ sizes
    def check_sizes(self, sizes=None, batch=None) -> tuple:
        """The sizes this problem is built at (a tuple of (name, value)),
        from the defaults with `sizes` (widths, or name=value pairs) and
        `batch` (the size N) applied; SizeError if it can't take them."""
        values = dict(self.sizes)
        if (sizes or batch) and self.numeric:
            raise SizeError(f"{self.id} is a worked example with fixed sizes "
                            f"({self.describe_sizes(tuple(values.items()))}); --sizes and --batch can't change them")
        if sizes:
            if isinstance(sizes, dict):
                unknown = [k for k in sizes if k not in values]
                if unknown:
                    raise SizeError(f"{self.id} has no size {unknown[0]}; its sizes: {', '.join(values)}")
                values.update(sizes)
            else:
                sizes = tuple(sizes)
                lists = [k for k, v in values.items() if isinstance(v, tuple)]
                scalars = [k for k, v in values.items() if not isinstance(v, tuple)]
                if lists:
                    if len(sizes) < 2:
                        raise SizeError("--sizes needs at least two layer widths d_0,...,d_L (the batch is --batch N)")
                    for k in lists:
                        values[k] = sizes
                elif len(sizes) == len(scalars):
                    values.update(zip(scalars, sizes))
                else:
                    raise SizeError(f"this problem takes {len(scalars)} size{'s' * (len(scalars) != 1)}: "
                                    f"{', '.join(scalars)} (e.g. --sizes {','.join(str(values[k]) for k in scalars)})")
        if batch is not None:
            if "N" not in values or isinstance(values["N"], tuple):
                raise SizeError(f"{self.id} has no batch: --batch applies to problems with a size N")
            values["N"] = batch
        for v in values.values():
            if any(not 1 <= x <= 256 for x in (v if isinstance(v, tuple) else (v,))):
                raise SizeError("sizes must be between 1 and 256")
        return tuple(values.items())

    def instances(self, sizes=None, batch=None) -> list[tuple]:
        """The instances a claim is checked on: the given (or default) sizes,
        and a second one whose every size differs, so a literal that equals
        one instance's size can't make a claim true.  The second keeps the
        pattern of equal and unequal sizes (a square weight stays square):
        each size + 1 when all are small, else the distinct sizes mapped in
        order onto 2, 3, 4, ... (cheap, so checked first)."""
        first = self.check_sizes(sizes, batch)
        if self.numeric:
            return [first]
        flat = [x for _, v in first for x in (v if isinstance(v, tuple) else (v,))]
        if max(flat) <= 8:
            new = {v: v + 1 for v in flat}
        else:
            new = {v: k + 2 for k, v in enumerate(sorted(set(flat)))}
            if any(new[v] == v for v in flat):
                new = {v: v + 1 for v in flat}
        second = {k: tuple(new[x] for x in v) if isinstance(v, tuple) else new[v] for k, v in first}
        return [first, self.check_sizes(second)]

    def describe_sizes(self, sizes) -> str:
        return ", ".join(f"{k} = {','.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in sizes)

    def network(self, activation: str | None = None, sizes=None, batch: int | None = None) -> Network:
        if sizes is None or not (isinstance(sizes, tuple) and sizes and isinstance(sizes[0], tuple)):
            sizes = self.check_sizes(sizes, batch)
        spec = Spec(sizes, self.choices(activation))
        key = (id(self.arch), spec)
        found = _NETWORKS.get(key)
        # a network is a pure function of its architecture and spec; its memo
        # stays warm.  The id of a freed architecture can be reused: check it is this one
        if found is None or found[0] is not self.arch:
            if len(_NETWORKS) >= 16:
                _NETWORKS.pop(next(iter(_NETWORKS)))
            found = _NETWORKS[key] = (self.arch, Network(self.arch, spec))
        return found[1]


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
    return Path(__file__).resolve().parent.parent.parent / "derivations"


def problem_ids(dirs=()) -> list[str]:
    """The ids of the shipped problems (and of those in `dirs`)."""
    found = {p.stem for d in list(dirs) + [catalogue_dir()] for p in Path(d).glob("*.toml")}
    return sorted(found)


def problem_path(ref: str | Path, dirs=()) -> Path:
    """The file of a problem given by id (`mle-sheet4`, looked up in `dirs`
    first, then the shipped catalogue) or by path."""
    path = Path(ref)
    if path.suffix:
        return path
    for d in list(dirs) + [catalogue_dir()]:
        candidate = Path(d) / f"{ref}.toml"
        if candidate.is_file():
            return candidate
    return catalogue_dir() / f"{ref}.toml"


def load_problem(ref: str | Path, dirs=()) -> Problem:
    """Load by id (`mle-sheet4`) or by path to a .toml file."""
    path = problem_path(ref, dirs)
    if not path.is_file():
        if Path(ref).suffix:
            raise ProblemError(f"no problem file {str(ref)!r}")
        ids = problem_ids(dirs)
        near = difflib.get_close_matches(str(ref), ids, n=1)
        raise ProblemError(f"no problem {str(ref)!r}" + (f" (did you mean {near[0]}?)" if near else "")
                           + f"; known: {', '.join(ids)}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ProblemError(f"{path}: {err}") from None
    try:
        return _build(data, path)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ProblemError(f"{path}: bad problem file: {type(err).__name__}: {err}") from None
    except RecursionError:
        raise ProblemError(f"{path}: an equation is nested too deeply") from None


def load_catalogue(refs=None) -> list[Problem]:
    refs = list(refs) if refs else problem_ids()
    return [load_problem(r) for r in refs]


TOP_KEYS = ("id", "title", "source", "sizes", "tensors", "functions", "network", "notation", "definitions",
            "claims", "labels", "hints", "numeric")


def _build(data: dict, path: Path) -> Problem:
    check_keys(data, TOP_KEYS, str(path))
    if "id" not in data:
        raise ProblemError(f"{path}: missing key 'id'")
    declared = declare(data, path)
    notation = declared.notation
    definitions = {}
    for d in data.get("definitions", []):
        check_keys(d, ("name", "layer_var", "latex", "written"), f"{path}: [[definitions]]")
        try:
            stmt = parse(d["latex"])
            body = resolve(stmt.segments[0].exprs[0], notation, d["latex"])
        except InputError as err:
            raise ProblemError(f"{path}: definition {d['name']}: {err.located(d['latex'])}") from None
        definitions[d["name"]] = (d.get("layer_var"), body)
    claims = []
    for c in data.get("claims", []):
        where = f"{path}: [[claims]] {c.get('id', '(no id)')}"
        check_keys(c, ("id", "latex", "expect", "seed", "twin", "twin_mistake", "note"), where)
        for need in ("id", "latex"):
            if need not in c:
                raise ProblemError(f"{where}: missing key {need!r}")
        claims.append(Claim(c["id"], c["latex"], c.get("seed", ""), _expect(c.get("expect", "proved"), declared, where),
                            c.get("twin", ""), c.get("twin_mistake", ""), c.get("note", "")))
    problem = Problem(
        id=data["id"], title=data.get("title", data["id"]), source=data.get("source", ""),
        arch=declared.arch, sizes=declared.sizes, side_conditions=declared.side_conditions,
        notation=notation, definitions=definitions, claims=tuple(claims),
        numeric=_numeric(data.get("numeric", {}), notation, path),
        labels={g["label"]: Label(g["label"], float(g.get("points", 1)), g.get("reference", ""), g.get("prompt", ""))
                for g in data.get("labels", [])},
        definition_sources={d["name"]: d["latex"] for d in data.get("definitions", [])},
        hints={str(k): str(v) for k, v in data.get("hints", {}).items()}, path=str(path),
        aliases=dict(data.get("notation", {}).get("aliases", {})),
        definition_written={d["name"]: d.get("written", d["name"]) for d in data.get("definitions", [])})
    net = problem.network()
    for k, eq in enumerate(problem.arch.equations, 1):   # the proof instance, line by line: a shape that
        try:                                              # doesn't match is the author's error, at its line
            for layer in [None] if eq.layers is None else list(eq.layers.span(net.L)):
                net.value((eq.family, layer), None, 0 if problem.label_var else None)
        except IllFormed as err:
            raise ProblemError(f"{path}: [network] forward line {_line_of(data, eq)}: {eq.latex!r}: {err.message}"
                               + (f" (in {err.fragment!r})" if getattr(err, "fragment", "") else "")) from None
    problem.arch.shapes.update(net.infer_shapes())
    if problem.numeric:
        _check_inputs(problem, path)
    return problem


VERDICTS = ("proved", "refuted", "ill-formed", "unparseable", "undecided")


def _expect(expect, declared, where: str) -> dict:
    """A claim's expected verdict, by function choice ("*": any), checked:
    a misspelt verdict or choice is an error, not a silently failing claim."""
    table = expect if isinstance(expect, dict) else {"*": expect}
    labels = [c.label for d in declared.arch.functions.values() for c in d.choices]
    out = {}
    for key, verdict in table.items():
        if verdict not in VERDICTS:
            near = difflib.get_close_matches(str(verdict), VERDICTS, n=1)
            raise ProblemError(f"{where}: expect: unknown verdict {verdict!r}" +
                               (f" (did you mean {near[0]!r}?)" if near else f" (verdicts: {', '.join(VERDICTS)})"))
        if key != "*":
            try:
                key = R.parse_choice(key).label   # leaky-relu(0.1) is leaky-relu(1/10)
            except ValueError:
                pass
            if key not in labels:
                near = difflib.get_close_matches(str(key), labels, n=1)
                raise ProblemError(f"{where}: expect: {key!r} is not a choice of any function" +
                                   (f" (did you mean {near[0]!r}?)" if near else
                                    f" (choices: {', '.join(labels) or 'none'})"))
        out[key] = verdict
    return out


def _line_of(data: dict, eq) -> int:
    """The 1-based position of an equation in the file's forward list."""
    for k, item in enumerate(data["network"]["forward"], 1):
        if (item.get("latex") if isinstance(item, dict) else item) == eq.latex:
            return k
    return 0


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
