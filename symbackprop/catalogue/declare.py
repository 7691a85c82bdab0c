"""A problem file's declarations -> the architecture and the notation.

The instructor writes sizes, tensors (the leaves), functions and the forward
equations in LaTeX.  With `reader` (names read with the grammar; how a layer
label is written: `W^{(l)}`, `S_l`, or none, when `W_1` is a name of its own)
this module builds the
`NameRule`s a student's formulas are resolved with, the `Architecture` the
engine builds networks from, and the function choices.  Every mistake is a
`ProblemError` naming the key or the line, with a suggestion where one helps.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from symbackprop import registry as R
from symbackprop.catalogue.reader import (Reader, check_keys, layer_variable, read_layers, read_name,
                                          read_shape, read_sizes)
from symbackprop.engine.architecture import Architecture, EquationDecl, FunctionDecl, Layers, LeafDecl, SizeRef
from symbackprop.errors import InputError
from symbackprop.notation import meaning as M
from symbackprop.notation import syntax as S
from symbackprop.notation.parser import parse
from symbackprop.notation.tables import NameRule, Notation

__all__ = ["Declared", "declare", "check_keys", "ROLES"]

ROLES = ("input", "target", "parameter", "constant", "label")
TENSOR_KEYS = ("latex", "shape", "role", "layers", "positive", "classes", "note")
NETWORK_KEYS = ("forward", "loss", "side_conditions", "layer_vars", "last_layer")
NOTATION_KEYS = ("aliases", "options", "layer_vars", "last_layer")
OPTION_KEYS = ("takes_args", "example")
SIDE_CONDITIONS = ("sum-to-one", "one-hot")


@dataclass
class Declared:
    arch: Architecture
    notation: Notation
    sizes: dict                 # size name -> int | tuple (per layer)
    side_conditions: tuple[str, ...]


def _functions(r: Reader, layered: dict) -> dict:
    out: dict = {}
    raw = r.data.get("functions", {})
    if not isinstance(raw, dict):
        raise r.err("[functions] must be a table: '\\phi' = \"relu\"")
    for latex, value in raw.items():
        what = f"[functions] {latex}"
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) for v in values):
            raise r.err(f"{what}: give a function name or a list of them, as in [\"relu\", \"generic\"]")
        choices = []
        for v in values:
            try:
                choices.append(R.parse_choice(v))
            except ValueError as err:
                known = sorted(R.BUILTINS) + [R.GENERIC]
                near = difflib.get_close_matches(v.lower(), known, n=1, cutoff=0.5)
                raise r.err(f"{what}: {err}" + (f" (did you mean {near[0]!r}?)" if near else
                                                 f" (known: {', '.join(known)})")) from None
        base, _ = read_name(latex, f"{r.path}: {what}")
        key, layer, where = r.name(latex, what, {base: "sub"})   # f_1, f_l: a function's subscript is its layer
        decl = out.get(key)
        if layer is not None and not layer.vars():         # f_1 = "relu", f_2 = "identity"
            if len(choices) != 1:
                raise r.err(f"{what}: a function at one layer takes one choice")
            base = decl or FunctionDecl(key, (), True, latex)
            out[key] = FunctionDecl(key, base.choices, True, base.latex,
                                    {**dict(base.by_layer), layer.const: choices[0]})
            r.rule(key, NameRule("activation", key, where), what)
            continue
        if decl is not None:
            raise r.err(f"{what}: {key} is declared twice")
        per_layer = layer is not None
        out[key] = FunctionDecl(key, tuple(choices), per_layer, latex)
        single = choices[0].entry
        if len(choices) == 1 and single is not None and not per_layer and choices[0].parameter is None:
            r.rule(key, NameRule("function", single.name), what)   # \sigma = softmax: read as the built-in
        else:
            r.rule(key, NameRule("activation", key, where if per_layer else "none"), what)
    for key, decl in out.items():
        if not decl.choices and decl.by_layer:
            continue
    return out


def _tensors(r: Reader, sizes: dict, layered: dict) -> tuple[tuple[LeafDecl, ...], str | None, SizeRef | None]:
    raw = r.data.get("tensors")
    if not isinstance(raw, list) or not raw:
        raise r.err("[[tensors]] is missing: declare every leaf (inputs, targets, parameters, constants)")
    leaves, label_var, label_size = [], None, None
    for k, t in enumerate(raw, 1):
        what = f"[[tensors]] #{k}" + (f" ({t.get('latex')})" if isinstance(t, dict) and "latex" in t else "")
        check_keys(t, TENSOR_KEYS, f"{r.path}: {what}")
        for need in ("latex", "role"):
            if need not in t:
                raise r.err(f"{what}: missing key {need!r}")
        role = t["role"]
        if role not in ROLES:
            near = difflib.get_close_matches(str(role), ROLES, n=1)
            raise r.err(f"{what}: unknown role {role!r}" + (f" (did you mean {near[0]!r}?)" if near else
                                                            f" (roles: {', '.join(ROLES)})"))
        if role == "label":   # y_i: a class index, every value checked
            key, posts = read_name(t["latex"], f"{r.path}: {what}")
            if "classes" not in t:
                raise r.err(f"{what}: a label needs classes = \"C\" (the size it ranges over)")
            label_var = t["latex"].replace(" ", "")
            label_size = read_shape(r, [t["classes"]], what, sizes, None)[0]
            r.rule(key, NameRule("label", label_var), what)
            continue
        key, layer, where = r.name(t["latex"], what, layered)
        layers = None
        var = layer_variable(layer)
        if "layers" in t:
            if var is None:
                raise r.err(f"{what}: layers = ... needs the layer variable in the name, as in W^{{(l)}}")
            layers = read_layers(t["layers"], what, r.last)
        elif var is not None:
            raise r.err(f"{what}: {t['latex']!r} has a layer variable: say which layers, as in layers = \"1..{r.last}\"")
        if var is not None and layer != M.Lin(((var, 1),), 0):
            raise r.err(f"{what}: write the layer label as the plain variable ({var}), not {layer}")
        if layer is not None and var is None:
            layers = Layers(layer, layer)
        shape = read_shape(r, t.get("shape", []), what, sizes, var)
        if r.data.get("_family_roles", {}).get(key) not in (None, role):
            raise r.err(f"{what}: {key} is declared with two roles")
        leaves.append(LeafDecl(key, shape, role, layers, var, bool(t.get("positive", False)), t["latex"]))
        r.rule(key, NameRule("quantity", key, where), what)
    return tuple(leaves), label_var, label_size


def _equations(r: Reader, layered: dict) -> list:
    """(family, layer label, where, body syntax, layers, latex, what) per forward equation."""
    net = r.data.get("network")
    if not isinstance(net, dict):
        raise r.err("[network] is missing: give the forward equations, forward = ['z = W x + b', ...]")
    check_keys(net, NETWORK_KEYS, f"{r.path}: [network]")
    raw = net.get("forward")
    if not isinstance(raw, list) or not raw:
        raise r.err("[network] forward = [...] is missing: the equations of the forward pass, in order")
    out = []
    for k, item in enumerate(raw, 1):
        what = f"[network] forward line {k}"
        if isinstance(item, dict):
            check_keys(item, ("latex", "layers"), f"{r.path}: {what}")
            latex, layers = item.get("latex"), item.get("layers")
        else:
            latex, layers = item, None
        if not isinstance(latex, str):
            raise r.err(f"{what}: an equation is a LaTeX string, or {{ latex = '...', layers = \"1..L\" }}")
        try:
            stmt = parse(latex)
        except InputError as err:
            raise r.err(f"{what}: {err.located(latex)}") from None
        seg = stmt.segments[0] if len(stmt.segments) == 1 else None
        if seg is None or seg.rels != ("=",):
            raise r.err(f"{what}: write one equation, name = expression: {latex!r}")
        lhs, args = _without_arguments(seg.exprs[0])
        lhs_text = latex[lhs.pos:lhs.end]
        key, layer, where = r.name(lhs_text, what, layered)
        if args:
            r.with_args.add(key)   # \mathcal{L}(y, \hat{y}) = ...: written with its inputs, here and in claims
        var = layer_variable(layer)
        if layers is not None:
            if var is None:
                raise r.err(f"{what}: layers = ... needs the layer variable on the left side")
            span = read_layers(layers, what, r.last)
        elif var is not None:
            raise r.err(f"{what}: the left side has a layer variable: write "
                        f"{{ latex = '...', layers = \"1..{r.last}\" }}")
        else:
            span = None if layer is None else Layers(layer, layer)
        if var is not None and layer != M.Lin(((var, 1),), 0):
            raise r.err(f"{what}: write the left side's layer as the plain variable ({var})")
        out.append((key, span, var, where, seg.exprs[1], latex, what))
    return out


def _aliases(r: Reader, layered: dict) -> None:
    nota = r.data.get("notation", {})
    for alias, target in nota.get("aliases", {}).items():
        what = f"[notation.aliases] {alias}"
        if not isinstance(target, str):
            raise r.err(f"{what}: an alias names another declared name, as in 'Z^{{(l)}}' = 'z^{{(l)}}'")
        tkey, tlayer, twhere = r.name(target, what, layered)
        rule = r.rules.get(tkey)
        if rule is None:
            near = difflib.get_close_matches(tkey, list(r.rules), n=1)
            raise r.err(f"{what}: {target!r} is not declared" + (f" (did you mean {near[0]!r}?)" if near else ""))
        akey, alayer, awhere = r.name(alias, what, {})
        if tlayer is not None and not tlayer.vars() - {"L"}:      # X = Z_0, Y_out = Z_L
            lin = tlayer
            if lin == M.Lin((("L", 1),), 0):
                new = NameRule(rule.kind, rule.family, "last")
            elif lin.vars():
                raise r.err(f"{what}: an alias of a fixed layer is a number or {r.last}")
            else:
                new = NameRule(rule.kind, rule.family, "none", fixed_layer=lin.const)
        elif tlayer is not None:
            if alayer is None or alayer != tlayer:
                raise r.err(f"{what}: write the alias with the same layer label as {target!r}")
            new = NameRule(rule.kind, rule.family, awhere, rule.offset, rule.fixed_layer)
        else:
            new = rule
        r.rule(akey, new, what)


def _options(r: Reader) -> None:
    nota = r.data.get("notation", {})
    for latex, opts in nota.get("options", {}).items():
        what = f"[notation.options] {latex}"
        check_keys(opts, OPTION_KEYS, f"{r.path}: {what}")
        key, _, _ = r.name(latex, what, {})
        if key not in r.rules:
            raise r.err(f"{what}: {latex!r} is not declared")
        rule = r.rules[key]
        r.rules[key] = NameRule(rule.kind, rule.family, rule.layer, rule.offset, rule.fixed_layer,
                                bool(opts.get("takes_args", rule.takes_args)), opts.get("example", rule.example))


def _check_order(r: Reader, eqs: list, bodies: list, leaves: set) -> None:
    """Each equation uses only leaves and names defined before it (itself only at other layers)."""
    defined: dict = {}
    for (key, span, var, _, _, latex, what), body in zip(eqs, bodies):
        defined.setdefault(key, [])
        for q in M.walk(body):
            if not isinstance(q, M.Quantity) or q.family in leaves:
                continue
            if q.family == key and (var is not None and q.layer is not None and q.layer != M.Lin(((var, 1),), 0)):
                continue
            if q.family == key and var is None and span is not None and q.layer is not None \
                    and q.layer != span.lo and not q.layer.vars() - {"L"}:
                continue
            if q.family not in defined or q.family == key and not defined[key]:
                later = next((e for e in eqs if e[0] == q.family), None)
                if q.family == key:
                    why = " (an equation can't use its own left side: a cycle)"
                elif later is not None and _uses(later, key, bodies, eqs):
                    why = f" (and {later[6]} defines it from {key}: a cycle)"
                elif later is not None:
                    why = f" ({later[6]} defines it: move that equation up)"
                else:
                    why = " (it is not declared: add it to [[tensors]] or define it)"
                raise r.err(f"{what}: {q.label or q.family} is used before it is defined{why}")
        defined[key].append(span)


def _without_arguments(node):
    """`\\mathcal{L}(y, \\hat{y})` -> (the name, True); anything else -> (node, False)."""
    if isinstance(node, S.Product) and len(node.items) == 2 and isinstance(node.items[1], S.Group) \
            and node.items[1].kind in ("paren", "bracket") and isinstance(node.items[0], (S.Name, S.Scripted)):
        return node.items[0], True
    return node, False


def _left_sides(items) -> list[str]:
    """The left sides of the forward equations, as written (errors are reported later, line by line)."""
    out = []
    for item in items if isinstance(items, list) else []:
        latex = item.get("latex") if isinstance(item, dict) else item
        try:
            seg = parse(latex).segments[0]
        except (InputError, TypeError, AttributeError, IndexError):
            continue
        if len(seg.exprs) == 2:
            lhs, _ = _without_arguments(seg.exprs[0])
            out.append(latex[lhs.pos:lhs.end])
    return out


def _uses(eq, family: str, bodies: list, eqs: list) -> bool:
    """Does the equation `eq` use `family` (once resolved)?  Bodies after the
    failing one aren't resolved yet: read its syntax tree's names instead."""
    k = eqs.index(eq)
    if k < len(bodies):
        return any(isinstance(q, M.Quantity) and q.family == family for q in M.walk(bodies[k]))
    return family in eq[5]


def declare(data: dict, path) -> Declared:
    r = Reader(data, path)
    check_keys(data.get("notation", {}), NOTATION_KEYS, f"{path}: [notation]")
    sizes = read_sizes(r)
    eq_items = (data.get("network") or {}).get("forward") or []
    names = [(t["latex"], "[[tensors]]") for t in data.get("tensors", []) if isinstance(t, dict)
             and isinstance(t.get("latex"), str) and t.get("role") != "label"]
    names += [(k, "[functions]") for k in data.get("functions", {})]
    names += [(lhs, "[network] forward") for lhs in _left_sides(eq_items)]
    layered = r.layered_bases(names)
    functions = _functions(r, layered)
    leaves, label_var, label_size = _tensors(r, sizes, layered)
    eqs = _equations(r, layered)
    leaf_keys = {x.family for x in leaves}
    for key, span, var, where, _, latex, what in eqs:
        if key in leaf_keys:
            raise r.err(f"{what}: {key} is a leaf in [[tensors]]: it can't also be defined by an equation")
        r.rule(key, NameRule("quantity", key, where if span is not None else "none"), what)
    _aliases(r, layered)
    _options(r)
    if "D" not in r.rules and any(v.kind == "activation" for v in r.rules.values()):
        r.rules["D"] = NameRule("derivative-op")   # \mathbf{D}\phi = φ'
    for d in data.get("definitions", []):
        written = d.get("written", d.get("name", ""))
        key, layer, where = r.name(written, f"[[definitions]] {d.get('name')}", {})
        r.rule(key, NameRule("definition", d["name"], where if layer is not None else "none"),
               f"[[definitions]] {d.get('name')}")
    loss = data["network"].get("loss")
    loss_key = r.name(loss, "[network] loss", layered)[0] if isinstance(loss, str) else None
    takes_args = {rule.family for rule in r.rules.values() if rule.takes_args} | ({loss_key} if loss_key else set()) \
        | r.with_args
    notation = Notation(dict(r.rules), r.layer_vars, r.last, frozenset(takes_args))
    from symbackprop.notation.resolve import resolve   # the notation is complete only now
    bodies = []
    for key, span, var, where, body, latex, what in eqs:
        try:
            bodies.append(resolve(body, notation, latex))
        except InputError as err:
            raise r.err(f"{what}: {err.located(latex)}") from None
    _check_order(r, eqs, bodies, leaf_keys)
    equations = tuple(EquationDecl(key, b, span, var, latex) for (key, span, var, _, _, latex, _), b in zip(eqs, bodies))
    if loss is not None:
        if loss_key not in {e.family for e in equations}:
            raise r.err(f"[network] loss = {loss!r}: not defined by a forward equation")
    conds = data["network"].get("side_conditions", [])
    for c in conds:
        if c not in SIDE_CONDITIONS:
            near = difflib.get_close_matches(str(c), SIDE_CONDITIONS, n=1)
            raise r.err(f"[network] side_conditions: unknown {c!r}" +
                        (f" (did you mean {near[0]!r}?)" if near else f" (known: {', '.join(SIDE_CONDITIONS)})"))
    arch = Architecture(leaves, equations, functions, loss_key, label_var, label_size)
    return Declared(arch, notation, sizes, tuple(conds))
