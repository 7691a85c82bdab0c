"""Rewriting meaning trees: the moves behind named mistakes and answer alignment.

Meaning nodes are frozen dataclasses, so every rewrite builds a new tree.
`subtrees` lists every node with its path and `replace_at` swaps one out, so
a mistake such as "the transpose left out" can be tried at each place it
could have happened; `rename_indices`, `substitute_layer` and `shift_layers`
align an answer written with other letters (k, m for i, j; a free l for L-1)
with the reference before the two are compared.
"""

from __future__ import annotations

from dataclasses import fields, replace

from symbackprop.notation import meaning as M

__all__ = ["subtrees", "replace_at", "map_tree", "rename_indices", "substitute_layer", "shift_layers"]


def _children(node):
    """(path step, child) for every Sem child, in field order."""
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, M.Sem):
            yield (f.name, None, None), v
        elif isinstance(v, tuple):
            for i, x in enumerate(v):
                if isinstance(x, M.Sem):
                    yield (f.name, i, None), x
                elif isinstance(x, tuple):
                    for j, y in enumerate(x):
                        if isinstance(y, M.Sem):
                            yield (f.name, i, j), y


def subtrees(node, path=()):
    """Every (path, node) under `node`, pre-order, `node` itself first."""
    yield path, node
    for step, child in _children(node):
        yield from subtrees(child, path + (step,))


def _set(node, step, new):
    name, i, j = step
    if i is None:
        return replace(node, **{name: new})
    seq = list(getattr(node, name))
    if j is None:
        seq[i] = new
    else:
        inner = list(seq[i])
        inner[j] = new
        seq[i] = tuple(inner)
    return replace(node, **{name: tuple(seq)})


def _get(node, step):
    name, i, j = step
    v = getattr(node, name)
    return v if i is None else (v[i] if j is None else v[i][j])


def replace_at(node, path, new):
    if not path:
        return new
    step, rest = path[0], path[1:]
    return _set(node, step, replace_at(_get(node, step), rest, new))


def map_tree(node, fn):
    """Rebuild bottom-up, applying `fn` to every node after its children."""
    out = node
    for step, child in _children(node):
        new = map_tree(child, fn)
        if new is not child:
            out = _set(out, step, new)
    return fn(out)


def _map_idx(node, fn):
    def visit(n):
        if isinstance(n, M.Entry):
            return replace(n, indices=tuple(fn(i) for i in n.indices))
        if isinstance(n, M.Kron):
            return replace(n, a=fn(n.a), b=fn(n.b))
        if isinstance(n, M.SumOver):
            var = fn(M.Idx(var=n.var)).var
            return replace(n, var=var, exclude=fn(n.exclude) if n.exclude is not None else None)
        return n
    return map_tree(node, visit)


def rename_indices(node, mapping: dict):
    """Rename index variables everywhere (bound ones too, consistently)."""
    if not mapping:
        return node
    return _map_idx(node, lambda i: replace(i, var=mapping.get(i.var, i.var)) if i.var else i)


def _map_layers(node, fn):
    def visit(n):
        lin = getattr(n, "layer", None)
        if isinstance(lin, M.Lin):
            return replace(n, layer=fn(lin))
        return n
    return map_tree(node, visit)


def substitute_layer(node, var: str, value: M.Lin):
    """Replace a free layer variable by a layer form (l -> L-1)."""
    def sub(lin: M.Lin) -> M.Lin:
        coef = dict(lin.terms).get(var)
        if coef is None:
            return lin
        terms = {v: c for v, c in lin.terms if v != var}
        for v, c in value.terms:
            terms[v] = terms.get(v, 0) + coef * c
        return M.Lin(tuple(sorted((v, c) for v, c in terms.items() if c)), lin.const + coef * value.const)
    return _map_layers(node, sub)


def shift_layers(node, delta: int):
    """Every layer label moved by `delta` (a layer index off by one)."""
    return _map_layers(node, lambda lin: M.Lin(lin.terms, lin.const + delta))
