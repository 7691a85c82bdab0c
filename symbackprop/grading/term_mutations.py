"""The rewrites behind the named mistakes about terms: constants and signs,
layers and indices, printed numbers, sums, indicators and dropped factors
(the structural ones — transposes, products, φ' — are in `mutations`).
Same contract: a tree in, every tree with one instance of the mistake out.
"""

from __future__ import annotations

from dataclasses import replace

from symbackprop.grading.mutations import (Context, ancestors, at, in_wrt, is_declared_fn, is_deriv_of_act,
                                            parent_of, uses_context)
from symbackprop.notation import meaning as M
from symbackprop.notation.rewrite import rename_indices, replace_at, shift_layers, subtrees


# ------------------------------------------------------------ constants, signs, layers, indices
def _is_batch(n, ctx) -> bool:
    return isinstance(n, M.Size) and n.kind in ctx.batch


@uses_context
def _drop_batch_scale(node, free, other=None, ctx=Context()):
    for path, n in subtrees(node):
        if isinstance(n, M.Div) and any(_is_batch(x, ctx) for x in M.walk(n.den)):
            yield replace_at(node, path, n.num)
        if isinstance(n, M.Mul):
            for keep, drop in ((n.left, n.right), (n.right, n.left)):
                if isinstance(drop, M.Div) and any(_is_batch(x, ctx) for x in M.walk(drop.den)) \
                        and isinstance(drop.num, M.Number):
                    yield replace_at(node, path, keep)


@uses_context
def _add_batch_scale(node, free, other=None, ctx=Context()):
    for name in sorted(ctx.batch):
        yield M.Div(node, M.Size(name))


def _in_condition(node, path) -> bool:
    """Inside the test of a case or an indicator, where a sign is no term's."""
    if any(step[0] == "rows" and step[2] == 1 for step in path):
        return True
    return any(isinstance(a, M.Cond) for a in ancestors(node, path))


def _negate(node, free, other=None):
    yield M.Neg(node)


def _flip_term_sign(node, free, other=None):
    for path, a in at(node, M.Add):
        if not _in_condition(node, path):
            yield replace_at(node, path, replace(a, sign=-a.sign))


def _shift_up(node, free, other=None):
    yield shift_layers(node, 1)


def _shift_down(node, free, other=None):
    yield shift_layers(node, -1)


def _swap_indices(node, free, other=None):
    names = sorted(free)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            yield rename_indices(node, {names[a]: names[b], names[b]: names[a]})
    for path, e in at(node, M.Entry):
        if len(e.indices) == 2:
            yield replace_at(node, path, replace(e, indices=e.indices[::-1]))


def _is_zero(n) -> bool:
    return isinstance(n, M.Number) and n.value == 0


def _drop_indicator(node, free, other=None):
    """1{…} x written x; and cases {0 if …, x else} written x."""
    for path, n in at(node, M.Mul):
        if isinstance(n.right, M.Cond):
            yield replace_at(node, path, n.left)
        if isinstance(n.left, M.Cond):
            yield replace_at(node, path, n.right)
    for path, n in at(node, M.Piecewise):
        kept = [value for value, _ in n.rows if not _is_zero(value)]
        if len(kept) == 1 and len(n.rows) > 1:
            yield replace_at(node, path, kept[0])


def _flip_two_signs(node, free, other=None):
    """−(a − b) written −a + b's opposite: two terms of a sum with the wrong sign."""
    adds = [(p, a) for p, a in at(node, M.Add) if not _in_condition(node, p)]
    for a in range(len(adds)):
        for b in range(a + 1, len(adds)):
            (pa, na), (pb, _) = adds[a], adds[b]  # b is re-read after the first flip
            once = replace_at(node, pa, replace(na, sign=-na.sign))
            inner = dict(subtrees(once)).get(pb)
            if isinstance(inner, M.Add):
                yield replace_at(once, pb, replace(inner, sign=-inner.sign))


def _partial_sum_in_act(node, free, other=None):
    """φ'(Σ_m W_hm x_m + b_h) written as φ'(W_hd x_d + b_h): one term of the sum kept."""
    for path, app in at(node, M.Apply):
        if not (is_declared_fn(app, 0) or is_declared_fn(app, 1)):
            continue
        for sub_path, s in at(app, M.SumOver):
            for v in sorted(free):
                term = rename_indices(s.body, {s.var: v})
                yield replace_at(node, path + sub_path, term)


# ------------------------------------------------------------ one label, one index, one number
def _layer_nodes(node):
    for path, n in subtrees(node):
        if isinstance(getattr(n, "layer", None), M.Lin) and not in_wrt(path):
            yield path, n


def _shift_one(node, free, other=None):
    """One layer label moved by one, the rest kept (Z_i = f_i(S_{i-1}))."""
    for path, n in _layer_nodes(node):
        for delta in (1, -1):
            yield replace_at(node, path, replace(n, layer=M.Lin(n.layer.terms, n.layer.const + delta)))


def _act_prime_wrong_layer(node, free, other=None):
    """φ'_l(S_l) written φ'_{l±1}(S_{l±1}), entry indices kept or one of them
    renamed to a free index (the row index of the other layer)."""
    for path, n in at(node, M.Entry):
        if is_deriv_of_act(n.base):
            for delta in (1, -1):
                moved = shift_layers(n.base, delta)
                yield replace_at(node, path, replace(n, base=moved))
                for k, idx in enumerate(n.indices):
                    for v in sorted(free):
                        if idx.var and idx.var != v:
                            indices = n.indices[:k] + (replace(idx, var=v),) + n.indices[k + 1:]
                            yield replace_at(node, path, M.Entry(moved, indices))
    for path, n in at(node, M.Apply):
        if is_deriv_of_act(n) and not isinstance(parent_of(node, path), M.Entry):
            for delta in (1, -1):
                yield replace_at(node, path, shift_layers(n, delta))


def _bound_vars(node) -> list[str]:
    return sorted({n.var for _, n in at(node, M.SumOver)})


def _wrong_index(node, free, other=None):
    """One index of one entry replaced by another index in scope."""
    names = sorted(set(free) | set(_bound_vars(node)))
    for path, e in at(node, M.Entry):
        for k, idx in enumerate(e.indices):
            for v in names:
                if idx.var and idx.var != v:
                    yield replace_at(node, path, replace(e, indices=e.indices[:k] + (replace(idx, var=v),)
                                                         + e.indices[k + 1:]))


def _is_worked(node) -> bool:
    """A worked example's result: a printed number or a written matrix."""
    while isinstance(node, (M.Transpose, M.Neg)):
        node = node.operand
    return isinstance(node, (M.Number, M.Literal))


def _other_numbers(node, other):
    """Numbers the answer has at the same place, else its numbers (and 0, 1)."""
    theirs = dict(subtrees(other)) if other is not None else {}
    values = sorted({n.value for _, n in at(other, M.Number)} | {0, 1}) if other is not None else [0, 1]
    for path, n in at(node, M.Number):
        mine = theirs.get(path)
        if isinstance(mine, M.Number) and mine.value != n.value:
            yield path, n, (mine,)
    for path, n in at(node, M.Number):
        yield path, n, tuple(M.Number(v) for v in values if v != n.value)


def _wrong_number(node, free, other=None):
    if not _is_worked(node):
        return
    seen = set()
    for path, n, options in _other_numbers(node, other):
        if len(options) > 1 and sum(1 for _ in at(node, M.Number)) > 12:
            continue  # a big matrix: only the entry at the same place
        for o in options:
            if (path, o.value) not in seen:
                seen.add((path, o.value))
                yield replace_at(node, path, o)


def _wrong_constant(node, free, other=None):
    if _is_worked(node):
        return
    for path, n, options in _other_numbers(node, other):
        for o in options:
            yield replace_at(node, path, o)


# ------------------------------------------------------------ sums, indicators, factors, φ
def _drop_kronecker(node, free, other=None):
    for path, k in at(node, M.Kron):
        parent = parent_of(node, path)
        if isinstance(parent, M.Mul):
            yield replace_at(node, path[:-1], parent.right if path[-1][0] == "left" else parent.left)
        else:
            yield replace_at(node, path, M.Number(1))


def _drop_sum(node, free, other=None):
    """Σ_i f(i) written as the one term f(j) for a free index j."""
    for path, s in at(node, M.SumOver):
        for v in sorted(free):
            yield replace_at(node, path, rename_indices(s.body, {s.var: v}))


def _drop_ones(node, free, other=None):
    """(…) 1_N written as (…): the sum over the batch left out."""
    for path, m in at(node, M.Mul):
        if isinstance(m.right, M.Ones):
            yield replace_at(node, path, m.left)
        if isinstance(m.left, M.Ones):
            yield replace_at(node, path, m.right)


def _include_excluded(node, free, other=None):
    for path, s in at(node, M.SumOver):
        if s.exclude is not None:
            yield replace_at(node, path, replace(s, exclude=None))


def _is_input(n, ctx) -> bool:
    inner = n.base if isinstance(n, M.Entry) else n
    inner = inner.operand if isinstance(inner, M.Transpose) else inner
    return isinstance(inner, M.Quantity) and inner.family in ctx.inputs


@uses_context
def _drop_input(node, free, other=None, ctx=Context()):
    for path, m in at(node, M.Mul):
        if _is_input(m.right, ctx):
            yield replace_at(node, path, m.left)
        if _is_input(m.left, ctx):
            yield replace_at(node, path, m.right)


def _act_prime_for_act(node, free, other=None):
    for path, a in at(node, M.Apply):
        if is_declared_fn(a, 0):
            yield replace_at(node, path, replace(a, fn=a.fn + "'"))


def _act_for_act_prime(node, free, other=None):
    for path, a in at(node, M.Apply):
        if is_deriv_of_act(a):
            yield replace_at(node, path, replace(a, fn=a.fn[:-1]))
