"""Reading a problem file's names, layer labels, sizes and shapes with the
grammar (never by pattern-matching the text): the pieces `declare` builds
the architecture and the notation from.  Every mistake is a `ProblemError`
naming the key, with a suggestion where one helps.
"""

from __future__ import annotations

import difflib
import re

from symbackprop.engine.architecture import Layers, SizeRef
from symbackprop.errors import InputError, ProblemError
from symbackprop.notation import meaning as M
from symbackprop.notation import syntax as S
from symbackprop.notation.parser import parse
from symbackprop.notation.tables import NameRule, Notation, _word, read_layer

__all__ = ["check_keys", "suggest", "read_name", "layer_variable", "read_layers", "Reader", "read_sizes", "read_shape"]


def check_keys(table: dict, allowed, where: str) -> None:
    """A misspelt key is an error that suggests the key meant."""
    if not isinstance(table, dict):
        raise ProblemError(f"{where} must be a table")
    for key in table:
        if key not in allowed:
            near = suggest(key, list(allowed))
            hint = f" (did you mean {near[0]!r}?)" if near else f" (known keys: {', '.join(allowed)})"
            raise ProblemError(f"{where}: unknown key {key!r}{hint}")




def suggest(word: str, known: list) -> list:
    """Close matches, ignoring case (D for d, Forward for forward)."""
    lower = {k.lower(): k for k in known}
    found = difflib.get_close_matches(str(word).lower(), list(lower), n=1, cutoff=0.5)
    return [lower[f] for f in found]


def read_name(latex: str, what: str) -> tuple[str, list]:
    try:
        stmt = parse(latex)
    except InputError as err:
        raise ProblemError(f"{what}: {err.located(latex)}") from None
    seg = stmt.segments[0] if len(stmt.segments) == 1 else None
    node = seg.exprs[0] if seg is not None and len(seg.exprs) == 1 else None
    if isinstance(node, S.Name):
        return node.key, []
    if isinstance(node, S.Scripted) and isinstance(node.base, S.Name):
        return node.base.key, list(node.posts)
    raise ProblemError(f"{what}: {latex!r} is not a name (write a letter with its accents and scripts, as in "
                       "\\tilde{z}^{(l)} or W_1)")


def _lin(text: str, what: str, last: str) -> M.Lin:
    """`0`, `L`, `L-1`, `L+2` -> Lin over L."""
    t = text.replace(" ", "")
    m = re.fullmatch(rf"(?:(\d+)|({re.escape(last)})([+-]\d+)?)", t)
    if not m:
        raise ProblemError(f"{what}: can't read the layer {text!r} (write a number, {last}, or {last}-1)")
    if m.group(1):
        return M.Lin((), int(m.group(1)))
    return M.Lin((("L", 1),), int(m.group(3) or 0))


def layer_variable(layer: M.Lin | None) -> str | None:
    """The layer variable in a written label (None for 0, 2, L, L-1)."""
    free = sorted(layer.vars() - {"L"}) if layer is not None else []
    return free[0] if free else None


def read_layers(text, what: str, last: str) -> Layers:
    if not isinstance(text, str) or ".." not in text:
        raise ProblemError(f"{what}: layers are written as a range, as in \"1..{last}\" or \"0..{last}-1\"")
    lo, hi = text.split("..", 1)
    return Layers(_lin(lo, what, last), _lin(hi, what, last))


class Reader:
    def __init__(self, data: dict, path):
        self.data, self.path = data, path
        net = data.get("network", {})
        nota = data.get("notation", {})
        self.last = net.get("last_layer", nota.get("last_layer", "L"))
        layered = any(isinstance(x, dict) and "layers" in x for x in
                      list(data.get("tensors", [])) + list(net.get("forward", []) if isinstance(net, dict) else []))
        self.layer_vars = tuple(net.get("layer_vars", nota.get("layer_vars", ["l"] if layered else [])))
        self.notation = Notation({}, self.layer_vars, self.last)
        self.rules: dict = {}
        self.with_args: set = set()

    def err(self, msg: str) -> ProblemError:
        return ProblemError(f"{self.path}: {msg}")

    # ------------------------------------------------------------ names and layers
    def layer_of(self, script) -> M.Lin | None:
        return read_layer(script, self.notation)

    def name(self, latex: str, what: str, layered: dict) -> tuple[str, M.Lin | None, str]:
        """(family key, layer label or None, where it is written)."""
        key, posts = read_name(latex, f"{self.path}: {what}")
        for kind, script in posts:
            where = "sup" if kind == "sup" else "sub"
            lin = self.layer_of(script)
            labelled = where == "sup" and isinstance(script, S.Group) and script.kind in ("paren", "bracket")
            if lin is not None and (lin.vars() & set(self.layer_vars) or layered.get(key) == where or labelled):
                rest = [p for p in posts if p != (kind, script)]
                if rest:
                    raise self.err(f"{what}: {latex!r}: one layer label, and no other script, on a declared name")
                return key, lin, where
        if len(posts) == 1 and posts[0][0] == "sub" and _word(posts[0][1]):
            return f"{key}_{_word(posts[0][1])}", None, "none"   # W_1, Y_out, L_hinge: a name of its own
        if posts:
            raise self.err(f"{what}: {latex!r}: can't read its scripts as a layer label or a name")
        return key, None, "none"

    def layered_bases(self, entries) -> dict:
        """Names declared with a layer variable somewhere: key -> sup | sub."""
        out = {}
        for latex, what in entries:
            key, posts = read_name(latex, f"{self.path}: {what}")
            for kind, script in posts:
                lin = self.layer_of(script)
                if lin is not None and lin.vars() & set(self.layer_vars):
                    out[key] = "sup" if kind == "sup" else "sub"
        return out

    def rule(self, key: str, rule: NameRule, what: str) -> None:
        old = self.rules.get(key)
        if old is not None and old != rule:
            kinds = {"size": "a size in [sizes]", "quantity": "a tensor or a defined name",
                     "activation": "a function", "function": "a function", "definition": "a definition",
                     "label": "a class label"}
            raise self.err(f"{what}: {key} is declared twice with different meanings "
                           f"({kinds.get(old.kind, old.kind)}, and here {kinds.get(rule.kind, rule.kind)}): "
                           "rename one of them")
        self.rules[key] = rule


def read_sizes(r: Reader) -> dict:
    raw = r.data.get("sizes")
    if not isinstance(raw, dict) or not raw:
        raise r.err("[sizes] is missing: give every size symbol its value, as in d = 3")
    sizes, lists = {}, []
    for name, value in raw.items():
        key, posts = read_name(name, f"{r.path}: [sizes] {name}")
        if posts:
            raise r.err(f"[sizes] {name}: a size is a plain letter (a per-layer size is a list: d = [2, 3, 4])")
        if isinstance(value, bool) or not isinstance(value, (int, list, str)):
            raise r.err(f"[sizes] {name}: a size is a whole number, a list (one per layer) or another size (\"d_L\")")
        if isinstance(value, list):
            if not value or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
                raise r.err(f"[sizes] {name}: a per-layer size is a list of whole numbers")
            lists.append(len(value))
            value = tuple(value)
        if isinstance(value, int) or isinstance(value, tuple):
            if any(not 1 <= v <= 256 for v in (value if isinstance(value, tuple) else (value,))):
                raise r.err(f"[sizes] {name}: sizes are between 1 and 256")
            sizes[key] = value
            r.rule(key, NameRule("size", key, "sub" if isinstance(value, tuple) else "none"), f"[sizes] {name}")
    if len(set(lists)) > 1:
        raise r.err("[sizes]: per-layer sizes must all have one entry per layer (the same length)")
    for name, value in raw.items():
        if isinstance(value, str):
            key, _ = read_name(name, f"{r.path}: [sizes] {name}")
            of, posts = read_name(value, f"{r.path}: [sizes] {name}")
            if of not in sizes:
                raise r.err(f"[sizes] {name} = {value!r}: {of} is not a size given a value here")
            if not posts:
                r.rule(key, r.rules[of], f"[sizes] {name}")
                continue
            lin = r.layer_of(posts[0][1]) if len(posts) == 1 and posts[0][0] == "sub" else None
            if lin is None or lin.vars() - {"L"}:
                raise r.err(f"[sizes] {name} = {value!r}: write a size at a fixed layer, as in d_L or d_0")
            rule = NameRule("size", of, "last") if lin == M.Lin((("L", 1),), 0) else \
                NameRule("size", of, "none", fixed_layer=lin.const) if not lin.vars() else None
            if rule is None:
                raise r.err(f"[sizes] {name} = {value!r}: write d_L or a layer number")
            r.rule(key, rule, f"[sizes] {name}")
    return sizes


def read_shape(r: Reader, shape, what: str, sizes: dict, layer_var) -> tuple[SizeRef, ...]:
    if not isinstance(shape, list):
        raise r.err(f"{what}: shape is a list of size symbols ([] for a scalar)")
    if len(shape) > 2:
        raise r.err(f"{what}: at most two axes (a vector or a matrix)")
    out = []
    for text in shape:
        if isinstance(text, int) and not isinstance(text, bool) or (isinstance(text, str) and text.strip().isdigit()):
            if int(text) != 1:
                raise r.err(f"{what}: an axis of fixed length {text}: declare a size for it in [sizes]")
            out.append(SizeRef("#1"))   # a row or column axis, ["1", "N"]
            continue
        key, posts = read_name(str(text), f"{r.path}: {what}")
        rule = r.rules.get(key)
        if rule is None or rule.kind != "size":
            near = suggest(key, [k for k, v in r.rules.items() if v.kind == "size"])
            raise r.err(f"{what}: {text!r} is not a size declared in [sizes]" +
                        (f" (did you mean {near[0]!r}?)" if near else ""))
        lin = None
        if posts:
            lin = r.layer_of(posts[0][1]) if len(posts) == 1 and posts[0][0] == "sub" else None
            if lin is None or lin.vars() - {"L", layer_var}:
                raise r.err(f"{what}: can't read the layer of {text!r}")
            if rule.layer != "sub":
                raise r.err(f"{what}: {key} has no layer: it is one number in [sizes]")
        elif rule.layer == "sub":
            raise r.err(f"{what}: {key} is a per-layer size: write {key}_l, {key}_{{l+1}} or {key}_L")
        elif rule.layer == "last":
            lin = M.Lin((("L", 1),), 0)
        elif rule.fixed_layer is not None:
            lin = M.Lin((), rule.fixed_layer)
        out.append(SizeRef(rule.family, lin))
    return tuple(out)
