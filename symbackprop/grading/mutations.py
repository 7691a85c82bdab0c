"""The rewrites behind the named mistakes (see `mistakes`).

Each function takes a meaning tree (the reference, or for an inverse the
student's answer), the free indices, and optionally the other side, and
yields every tree with one instance of the mistake made (or undone).  Pure
tree surgery: whether a rewrite explains an answer is for the zero test.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator

from symbackprop.notation import meaning as M
from symbackprop.notation.rewrite import rename_indices, replace_at, shift_layers, subtrees


def _at(node, kinds) -> Iterator[tuple]:
    for path, sub in subtrees(node):
        if isinstance(sub, kinds):
            yield path, sub


def _parent(node, path):
    """The node holding the subtree at `path` (None at the root)."""
    if not path:
        return None
    sub = node
    for name, i, j in path[:-1]:
        v = getattr(sub, name)
        sub = v if i is None else (v[i] if j is None else v[i][j])
    return sub


@dataclass(frozen=True)
class Context:
    """What a problem's own equations say, for the mistakes that depend on
    it: which names are a pre-activation and its activation (z̃ and z = φ(z̃)),
    which are a layer's input, which sizes count examples (the N of 1/N)."""
    pairs: tuple = ()                 # (pre-activation family, activation family)
    inputs: frozenset = frozenset()
    batch: frozenset = frozenset()


def uses_context(fn):
    fn.uses_context = True
    return fn


def _is_declared_fn(n, primes: int) -> bool:
    """The problem's own function (`@phi`) with `primes` primes."""
    return isinstance(n, M.Apply) and n.fn.startswith("@") and len(n.fn) - len(n.fn.rstrip("'")) == primes


def _is_deriv_of_act(n) -> bool:
    return _is_declared_fn(n, 1)


def _operands(n):
    return (n.left, n.right) if isinstance(n, (M.Mul, M.Hadamard)) else ()


def _in_wrt(path) -> bool:
    return any(step[0] == "wrt" for step in path)


# ------------------------------------------------------------ transposes
# A transpose of an indexed matrix, (W^T)_{ij}, is an index swap and is
# named as one; a transpose of a transpose is no transpose.  So these moves
# never touch a transpose under an entry, nor wrap a transpose's operand.
def _entry_base(node, path) -> bool:
    parent = _parent(node, path)
    return isinstance(parent, M.Entry) and path[-1][0] == "base"


def _drop_transpose(node, free, other=None):
    for path, t in _at(node, M.Transpose):
        if not _entry_base(node, path):
            yield replace_at(node, path, t.operand)


def _add_transpose(node, free, other=None):
    for path, sub in _at(node, (M.Quantity, M.DefRef, M.Deriv, M.Apply, M.Add, M.Hadamard)):
        if _in_wrt(path) or _entry_base(node, path) or isinstance(_parent(node, path), M.Transpose):
            continue  # what a derivative is taken with respect to stays as written
        yield replace_at(node, path, M.Transpose(sub))


def _move_transpose(node, free, other=None):
    for path, t in _at(node, M.Transpose):
        if _entry_base(node, path):
            continue
        without = replace_at(node, path, t.operand)
        for other_path, sub in _at(without, (M.Quantity, M.DefRef)):
            if other_path != path and not _in_wrt(other_path) and not _entry_base(without, other_path) \
                    and not isinstance(_parent(without, other_path), M.Transpose):
                yield replace_at(without, other_path, M.Transpose(sub))


# ------------------------------------------------------------ products
def _toggle(n):
    return n.operand if isinstance(n, M.Transpose) else M.Transpose(n)


def _swap_factors(node, free, other=None):
    """A B -> B A, and A B^T -> B A^T (the order swapped, transposes kept where they were)."""
    for path, m in _at(node, M.Mul):
        yield replace_at(node, path, replace(m, left=m.right, right=m.left))
        yield replace_at(node, path, replace(m, left=_toggle(m.right), right=_toggle(m.left)))


def _product_for_hadamard(node, free, other=None):
    for path, h in _at(node, M.Hadamard):
        yield replace_at(node, path, M.Mul(h.left, h.right, False))


def _hadamard_for_product(node, free, other=None):
    for path, m in _at(node, M.Mul):
        yield replace_at(node, path, M.Hadamard(m.left, m.right))


# ------------------------------------------------------------ φ'
def _drop_act_prime(node, free, other=None):
    for path, n in _at(node, (M.Mul, M.Hadamard)):
        left, right = _operands(n)
        if _is_deriv_of_act(right):
            yield replace_at(node, path, left)
        if _is_deriv_of_act(left):
            yield replace_at(node, path, right)


def _swap_family(node, inside_act_prime: bool, old: str, new: str):
    """Replace `old`-family quantities by `new` ones, inside φ' or outside it."""
    targets = []
    for path, n in subtrees(node):
        if isinstance(n, M.Quantity) and n.family == old:
            under = any(_is_deriv_of_act(a) for a in _ancestors(node, path))
            if under == inside_act_prime:
                targets.append((path, n))
    for path, q in targets:
        yield replace_at(node, path, replace(q, family=new))


def _ancestors(node, path):
    for k in range(len(path)):
        sub = node
        for step in path[:k]:
            name, i, j = step
            v = getattr(sub, name)
            sub = v if i is None else (v[i] if j is None else v[i][j])
        yield sub


@uses_context
def _act_prime_at_activation(node, free, other=None, ctx=Context()):
    for pre, act in ctx.pairs:
        yield from _swap_family(node, True, pre, act)


@uses_context
def _act_prime_at_preactivation(node, free, other=None, ctx=Context()):
    for pre, act in ctx.pairs:
        yield from _swap_family(node, True, act, pre)


@uses_context
def _pre_for_act(node, free, other=None, ctx=Context()):
    for pre, act in ctx.pairs:
        yield from _swap_family(node, False, act, pre)


@uses_context
def _act_for_pre(node, free, other=None, ctx=Context()):
    for pre, act in ctx.pairs:
        yield from _swap_family(node, False, pre, act)


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
    return any(isinstance(a, M.Cond) for a in _ancestors(node, path))


def _negate(node, free, other=None):
    yield M.Neg(node)


def _flip_term_sign(node, free, other=None):
    for path, a in _at(node, M.Add):
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
    for path, e in _at(node, M.Entry):
        if len(e.indices) == 2:
            yield replace_at(node, path, replace(e, indices=e.indices[::-1]))


def _is_zero(n) -> bool:
    return isinstance(n, M.Number) and n.value == 0


def _drop_indicator(node, free, other=None):
    """1{…} x written x; and cases {0 if …, x else} written x."""
    for path, n in _at(node, M.Mul):
        if isinstance(n.right, M.Cond):
            yield replace_at(node, path, n.left)
        if isinstance(n.left, M.Cond):
            yield replace_at(node, path, n.right)
    for path, n in _at(node, M.Piecewise):
        kept = [value for value, _ in n.rows if not _is_zero(value)]
        if len(kept) == 1 and len(n.rows) > 1:
            yield replace_at(node, path, kept[0])


def _flip_two_signs(node, free, other=None):
    """−(a − b) written −a + b's opposite: two terms of a sum with the wrong sign."""
    adds = [(p, a) for p, a in _at(node, M.Add) if not _in_condition(node, p)]
    for a in range(len(adds)):
        for b in range(a + 1, len(adds)):
            (pa, na), (pb, _) = adds[a], adds[b]  # b is re-read after the first flip
            once = replace_at(node, pa, replace(na, sign=-na.sign))
            inner = dict(subtrees(once)).get(pb)
            if isinstance(inner, M.Add):
                yield replace_at(once, pb, replace(inner, sign=-inner.sign))


def _partial_sum_in_act(node, free, other=None):
    """φ'(Σ_m W_hm x_m + b_h) written as φ'(W_hd x_d + b_h): one term of the sum kept."""
    for path, app in _at(node, M.Apply):
        if not (_is_declared_fn(app, 0) or _is_declared_fn(app, 1)):
            continue
        for sub_path, s in _at(app, M.SumOver):
            for v in sorted(free):
                term = rename_indices(s.body, {s.var: v})
                yield replace_at(node, path + sub_path, term)


# ------------------------------------------------------------ one label, one index, one number
def _layer_nodes(node):
    for path, n in subtrees(node):
        if isinstance(getattr(n, "layer", None), M.Lin) and not _in_wrt(path):
            yield path, n


def _shift_one(node, free, other=None):
    """One layer label moved by one, the rest kept (Z_i = f_i(S_{i-1}))."""
    for path, n in _layer_nodes(node):
        for delta in (1, -1):
            yield replace_at(node, path, replace(n, layer=M.Lin(n.layer.terms, n.layer.const + delta)))


def _act_prime_wrong_layer(node, free, other=None):
    """φ'_l(S_l) written φ'_{l±1}(S_{l±1}), entry indices kept or one of them
    renamed to a free index (the row index of the other layer)."""
    for path, n in _at(node, M.Entry):
        if _is_deriv_of_act(n.base):
            for delta in (1, -1):
                moved = shift_layers(n.base, delta)
                yield replace_at(node, path, replace(n, base=moved))
                for k, idx in enumerate(n.indices):
                    for v in sorted(free):
                        if idx.var and idx.var != v:
                            indices = n.indices[:k] + (replace(idx, var=v),) + n.indices[k + 1:]
                            yield replace_at(node, path, M.Entry(moved, indices))
    for path, n in _at(node, M.Apply):
        if _is_deriv_of_act(n) and not isinstance(_parent(node, path), M.Entry):
            for delta in (1, -1):
                yield replace_at(node, path, shift_layers(n, delta))


def _bound_vars(node) -> list[str]:
    return sorted({n.var for _, n in _at(node, M.SumOver)})


def _wrong_index(node, free, other=None):
    """One index of one entry replaced by another index in scope."""
    names = sorted(set(free) | set(_bound_vars(node)))
    for path, e in _at(node, M.Entry):
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
    values = sorted({n.value for _, n in _at(other, M.Number)} | {0, 1}) if other is not None else [0, 1]
    for path, n in _at(node, M.Number):
        mine = theirs.get(path)
        if isinstance(mine, M.Number) and mine.value != n.value:
            yield path, n, (mine,)
    for path, n in _at(node, M.Number):
        yield path, n, tuple(M.Number(v) for v in values if v != n.value)


def _wrong_number(node, free, other=None):
    if not _is_worked(node):
        return
    seen = set()
    for path, n, options in _other_numbers(node, other):
        if len(options) > 1 and sum(1 for _ in _at(node, M.Number)) > 12:
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
    for path, k in _at(node, M.Kron):
        parent = _parent(node, path)
        if isinstance(parent, M.Mul):
            yield replace_at(node, path[:-1], parent.right if path[-1][0] == "left" else parent.left)
        else:
            yield replace_at(node, path, M.Number(1))


def _drop_sum(node, free, other=None):
    """Σ_i f(i) written as the one term f(j) for a free index j."""
    for path, s in _at(node, M.SumOver):
        for v in sorted(free):
            yield replace_at(node, path, rename_indices(s.body, {s.var: v}))


def _drop_ones(node, free, other=None):
    """(…) 1_N written as (…): the sum over the batch left out."""
    for path, m in _at(node, M.Mul):
        if isinstance(m.right, M.Ones):
            yield replace_at(node, path, m.left)
        if isinstance(m.left, M.Ones):
            yield replace_at(node, path, m.right)


def _include_excluded(node, free, other=None):
    for path, s in _at(node, M.SumOver):
        if s.exclude is not None:
            yield replace_at(node, path, replace(s, exclude=None))


def _is_input(n, ctx) -> bool:
    inner = n.base if isinstance(n, M.Entry) else n
    inner = inner.operand if isinstance(inner, M.Transpose) else inner
    return isinstance(inner, M.Quantity) and inner.family in ctx.inputs


@uses_context
def _drop_input(node, free, other=None, ctx=Context()):
    for path, m in _at(node, M.Mul):
        if _is_input(m.right, ctx):
            yield replace_at(node, path, m.left)
        if _is_input(m.left, ctx):
            yield replace_at(node, path, m.right)


def _act_prime_for_act(node, free, other=None):
    for path, a in _at(node, M.Apply):
        if _is_declared_fn(a, 0):
            yield replace_at(node, path, replace(a, fn=a.fn + "'"))


def _act_for_act_prime(node, free, other=None):
    for path, a in _at(node, M.Apply):
        if _is_deriv_of_act(a):
            yield replace_at(node, path, replace(a, fn=a.fn[:-1]))
