"""Loading problem files: by id (the shipped catalogue, or a folder given
with --problems) or by path; the file is read here (the only module that
reads problem files), declared (`declare`), its claims, labels and worked
example read and checked, and the proof instance built once so a shape that
doesn't fit is reported at its forward line.
"""

from __future__ import annotations

import difflib
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np

from symbackprop import registry as R
from symbackprop.catalogue.declare import check_keys, declare
from symbackprop.catalogue.problem import Claim, Label, Problem
from symbackprop.errors import IllFormed, InputError, ProblemError
from symbackprop.notation import meaning as M
from symbackprop.notation.parser import parse
from symbackprop.notation.resolve import Notation, resolve

__all__ = ["load_problem", "load_catalogue", "problem_path", "problem_ids", "catalogue_dir"]


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
