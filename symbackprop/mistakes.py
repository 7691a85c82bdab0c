"""Named mistakes: known ways to get a backprop formula wrong, as rewrites.

Each `Mutation` rewrites the reference answer's closed form the way a
student might have got it wrong (the transpose left out, φ' taken at the
activation, 1/N dropped, ...) and yields every place it could have
happened.  Some also have an *inverse*, applied to the student's answer
instead: an answer that is ill-formed (a missing transpose usually is) can't
be compared with anything, but adding a transpose back can make it equal to
the reference.  Grading names a mistake only when the zero test *proves* the
student's answer equal to a mutated reference (or the repaired answer equal
to the reference) — never by comparing text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterator

from .notation import meaning as M
from .notation.rewrite import rename_indices, replace_at, shift_layers, subtrees

__all__ = ["Mutation", "MUTATIONS"]


@dataclass(frozen=True)
class Mutation:
    name: str
    hint: str
    forward: Callable[[M.Sem, frozenset], Iterator[M.Sem]]              # on the reference
    inverse: Callable[[M.Sem, frozenset], Iterator[M.Sem]] | None = None  # on the answer


def _at(node, kinds) -> Iterator[tuple]:
    for path, sub in subtrees(node):
        if isinstance(sub, kinds):
            yield path, sub


def _is_deriv_of_act(n) -> bool:
    return isinstance(n, M.Apply) and n.fn == "act'"


def _operands(n):
    return (n.left, n.right) if isinstance(n, (M.Mul, M.Hadamard)) else ()


# ------------------------------------------------------------ transposes
def _drop_transpose(node, free):
    for path, t in _at(node, M.Transpose):
        yield replace_at(node, path, t.operand)


def _add_transpose(node, free):
    for path, sub in _at(node, (M.Quantity, M.DefRef, M.Deriv, M.Apply, M.Add, M.Hadamard)):
        if any(step[0] == "wrt" for step in path):
            continue  # what a derivative is taken with respect to stays as written
        yield replace_at(node, path, M.Transpose(sub))


def _move_transpose(node, free):
    for path, t in _at(node, M.Transpose):
        without = replace_at(node, path, t.operand)
        for other_path, sub in _at(without, (M.Quantity, M.DefRef)):
            if other_path != path and not any(step[0] == "wrt" for step in other_path):
                yield replace_at(without, other_path, M.Transpose(sub))


# ------------------------------------------------------------ products
def _toggle(n):
    return n.operand if isinstance(n, M.Transpose) else M.Transpose(n)


def _swap_factors(node, free):
    """A B -> B A, and A B^T -> B A^T (the order swapped, transposes kept where they were)."""
    for path, m in _at(node, M.Mul):
        yield replace_at(node, path, replace(m, left=m.right, right=m.left))
        yield replace_at(node, path, replace(m, left=_toggle(m.right), right=_toggle(m.left)))


def _product_for_hadamard(node, free):
    for path, h in _at(node, M.Hadamard):
        yield replace_at(node, path, M.Mul(h.left, h.right, False))


def _hadamard_for_product(node, free):
    for path, m in _at(node, M.Mul):
        yield replace_at(node, path, M.Hadamard(m.left, m.right))


# ------------------------------------------------------------ φ'
def _drop_act_prime(node, free):
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


def _act_prime_at_activation(node, free):
    yield from _swap_family(node, True, "pre", "act")


def _act_prime_at_preactivation(node, free):
    yield from _swap_family(node, True, "act", "pre")


def _pre_for_act(node, free):
    yield from _swap_family(node, False, "act", "pre")


def _act_for_pre(node, free):
    yield from _swap_family(node, False, "pre", "act")


# ------------------------------------------------------------ constants, signs, layers, indices
def _is_batch(n) -> bool:
    return isinstance(n, M.Size) and n.kind == "batch"


def _drop_batch_scale(node, free):
    for path, n in subtrees(node):
        if isinstance(n, M.Div) and any(_is_batch(x) for x in M.walk(n.den)):
            yield replace_at(node, path, n.num)
        if isinstance(n, M.Mul):
            for keep, drop in ((n.left, n.right), (n.right, n.left)):
                if isinstance(drop, M.Div) and any(_is_batch(x) for x in M.walk(drop.den)) \
                        and isinstance(drop.num, M.Number):
                    yield replace_at(node, path, keep)


def _add_batch_scale(node, free):
    yield M.Div(node, M.Size("batch"))


def _negate(node, free):
    yield M.Neg(node)


def _flip_term_sign(node, free):
    for path, a in _at(node, M.Add):
        yield replace_at(node, path, replace(a, sign=-a.sign))


def _shift_up(node, free):
    yield shift_layers(node, 1)


def _shift_down(node, free):
    yield shift_layers(node, -1)


def _swap_indices(node, free):
    names = sorted(free)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            yield rename_indices(node, {names[a]: names[b], names[b]: names[a]})
    for path, e in _at(node, M.Entry):
        if len(e.indices) == 2:
            yield replace_at(node, path, replace(e, indices=e.indices[::-1]))


def _drop_indicator(node, free):
    for path, n in _at(node, M.Mul):
        if isinstance(n.right, M.Cond):
            yield replace_at(node, path, n.left)
        if isinstance(n.left, M.Cond):
            yield replace_at(node, path, n.right)


def _partial_sum_in_act(node, free):
    """φ'(Σ_m W_hm x_m + b_h) written as φ'(W_hd x_d + b_h): one term of the sum kept."""
    for path, app in _at(node, M.Apply):
        if app.fn not in ("act'", "act"):
            continue
        for sub_path, s in _at(app, M.SumOver):
            for v in sorted(free):
                term = rename_indices(s.body, {s.var: v})
                yield replace_at(node, path + sub_path, term)


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("missing transpose", "check the shapes: which factor has to be transposed so the product is defined?",
             _drop_transpose, _add_transpose),
    Mutation("extra transpose", "one transpose too many: compare the shape of each factor with the result's",
             _add_transpose, _drop_transpose),
    Mutation("misplaced transpose", "the transpose is on the wrong factor", _move_transpose, _move_transpose),
    Mutation("row and column index swapped", "entry (i, j) of W connects input j to output i",
             _swap_indices, _swap_indices),
    Mutation("factors swapped", "matrix products don't commute: check the order of the factors",
             _swap_factors, _swap_factors),
    Mutation("matrix product instead of ⊙", "this factor multiplies entry by entry (⊙), not as matrices",
             _product_for_hadamard, _hadamard_for_product),
    Mutation("⊙ instead of matrix product", "this factor is a matrix product, not an entrywise one",
             _hadamard_for_product, _product_for_hadamard),
    Mutation("missing φ'", "the chain rule through the activation contributes a factor φ'(pre-activation)",
             _drop_act_prime),
    Mutation("φ' at the activation instead of the pre-activation",
             "φ' is evaluated at the pre-activation z̃ (the argument of φ), not at the activation z = φ(z̃)",
             _act_prime_at_activation, _act_prime_at_preactivation),
    Mutation("pre-activation used for the activation", "this factor is the activation z = φ(z̃), not z̃",
             _pre_for_act, _act_for_pre),
    Mutation("activation used for the pre-activation", "this factor is the pre-activation z̃, not z = φ(z̃)",
             _act_for_pre, _pre_for_act),
    Mutation("missing 1/N", "the loss averages over the batch: its gradient keeps the factor 1/N",
             _drop_batch_scale, _add_batch_scale),
    Mutation("extra 1/N", "the 1/N is already inside δ (or the loss isn't averaged here)",
             _add_batch_scale, _drop_batch_scale),
    Mutation("sign flipped", "check the sign: the gradient of −log ŷ is ŷ − y, not y − ŷ", _negate, _negate),
    Mutation("sign error in a term", "one term has the wrong sign", _flip_term_sign, _flip_term_sign),
    Mutation("layer index off by one", "W^{(l)} feeds layer l+1: check every layer label against the definitions",
             _shift_up, _shift_down),
    Mutation("layer index off by one", "W^{(l)} feeds layer l+1: check every layer label against the definitions",
             _shift_down, _shift_up),
    Mutation("missing indicator", "only the terms whose hinge is active (margin violated) contribute",
             _drop_indicator),
    Mutation("partial sum inside φ'", "φ' takes the whole pre-activation Σ_m W_hm x_m + b_h, not one term of it",
             _partial_sum_in_act),
)
