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

from dataclasses import dataclass
from typing import Callable, Iterator

from symbackprop.notation import meaning as M
from symbackprop.grading.mutations import (
    _drop_transpose, _add_transpose, _move_transpose, _swap_factors, _product_for_hadamard,
    _hadamard_for_product, _drop_act_prime, _act_prime_at_activation, _act_prime_at_preactivation,
    _pre_for_act, _act_for_pre, Context
)
from symbackprop.grading.term_mutations import (
    _drop_batch_scale, _add_batch_scale, _negate, _flip_term_sign,
    _shift_up, _shift_down, _swap_indices, _drop_indicator, _flip_two_signs, _partial_sum_in_act,
    _shift_one, _act_prime_wrong_layer, _wrong_index, _wrong_number, _wrong_constant, _drop_kronecker,
    _drop_sum, _drop_ones, _include_excluded, _drop_input, _act_prime_for_act, _act_for_act_prime
)

__all__ = ["Mutation", "MUTATIONS", "PREMISE_REVERSED", "KNOWN", "Context", "context_of"]


@dataclass(frozen=True)
class Mutation:
    """A known mistake.  `forward(reference, free, answer)` yields the
    reference with the mistake made; `inverse(answer, free, reference)` yields
    the answer with it undone.  The third argument only supplies values the
    mistake could have introduced (the number a student wrote); a mistake is
    named only when the zero test proves a candidate equal."""
    name: str
    hint: str
    forward: Callable[..., Iterator[M.Sem]]
    inverse: Callable[..., Iterator[M.Sem]] | None = None

    def made(self, node, free, other=None, ctx: Context = Context()) -> Iterator[M.Sem]:
        """`node` with this mistake made, everywhere it could be."""
        return _run(self.forward, node, free, other, ctx)

    def undone(self, node, free, other=None, ctx: Context = Context()) -> Iterator[M.Sem]:
        return _run(self.inverse, node, free, other, ctx) if self.inverse is not None else iter(())


def _run(fn, node, free, other, ctx):
    return fn(node, free, other, ctx) if getattr(fn, "uses_context", False) else fn(node, free, other)


# The order matters only when two mistakes are proved for one answer (the
# first is named); it is fixed, and grading tries it within a budget of
# comparisons, so an answer always gets the same name.
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
    Mutation("φ' instead of φ", "this factor is the activation φ itself; φ' comes from differentiating through it",
             _act_prime_for_act, _act_for_act_prime),
    Mutation("missing 1/N", "the loss averages over the batch: its gradient keeps the factor 1/N",
             _drop_batch_scale, _add_batch_scale),
    Mutation("extra 1/N", "the 1/N is already inside δ (or the loss isn't averaged here)",
             _add_batch_scale, _drop_batch_scale),
    Mutation("sign flipped", "check the sign: the gradient of −log ŷ is ŷ − y, not y − ŷ", _negate, _negate),
    Mutation("sign error in a term", "one term has the wrong sign", _flip_term_sign, _flip_term_sign),
    Mutation("sign flipped", "check the sign of each term: −(a − b) is −a + b", _flip_two_signs, _flip_two_signs),
    Mutation("layer index off by one", "check every layer label against the definitions", _shift_up, _shift_down),
    Mutation("layer index off by one", "check every layer label against the definitions", _shift_down, _shift_up),
    Mutation("φ' at the wrong layer", "φ' is taken at the pre-activation of the layer the unit belongs to",
             _act_prime_wrong_layer, _act_prime_wrong_layer),
    Mutation("layer index off by one", "check every layer label against the definitions", _shift_one, _shift_one),
    Mutation("missing indicator", "only the terms whose hinge is active (margin violated) contribute",
             _drop_indicator),
    Mutation("missing Kronecker delta", "∂x_i/∂x_j is the Kronecker delta δ_ij: 1 only when i = j",
             _drop_kronecker),
    Mutation("partial sum inside φ'", "φ' takes the whole pre-activation Σ_m W_hm x_m + b_h, not one term of it",
             _partial_sum_in_act),
    Mutation("missing sum", "the chain rule sums over every path: keep the sum over the intermediate index",
             _drop_sum),
    Mutation("missing sum over the batch", "the gradient of a bias adds up the batch: multiply by the ones vector",
             _drop_ones),
    Mutation("excluded term included in the sum", "the sum skips the excluded index (l ≠ y_i)",
             _include_excluded),
    Mutation("missing input factor", "∂(W x)/∂W brings the layer's input x as a factor", _drop_input),
    Mutation("wrong index", "check each index against the one the formula sums or ranges over", _wrong_index),
    Mutation("wrong number", "recompute this entry: one printed number is not the exact value (nor its rounding)",
             _wrong_number),
    Mutation("wrong constant", "a constant factor or term is wrong", _wrong_constant),
)

PREMISE_REVERSED = Mutation("premise reversed", "the condition is the opposite one: check which case the "
                            "statement is about", lambda node, free, other=None: iter(()))

KNOWN = frozenset(m.name for m in MUTATIONS) | {PREMISE_REVERSED.name}


_CONTEXTS: dict = {}


def context_of(problem) -> Context:
    """The mistake context a problem's equations give (computed once per problem)."""
    arch = problem.arch
    found = _CONTEXTS.get(id(arch))
    if found is not None and found[0] is arch:
        return found[1]
    pairs = arch.activation_pairs()
    inputs = {act for _, act in pairs} | {x.family for x in arch.leaves if x.role == "input"}
    batch = {x.shape[1].name for x in arch.leaves if x.role in ("input", "target") and len(x.shape) == 2
             and x.shape[1].layer is None}
    ctx = Context(tuple(pairs), frozenset(inputs), frozenset(batch))
    _CONTEXTS[id(arch)] = (arch, ctx)
    return ctx
