"""The rewrites behind the named mistakes (see `mistakes`): transposes,
products and φ' here; constants, signs, layers, indices, numbers and sums in
`term_mutations`.

Each function takes a meaning tree (the reference, or for an inverse the
student's answer), the free indices, and optionally the other side, and
yields every tree with one instance of the mistake made (or undone).  Pure
tree surgery: whether a rewrite explains an answer is for the zero test.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator

from symbackprop.notation import meaning as M
from symbackprop.notation.rewrite import replace_at, subtrees


def at(node, kinds) -> Iterator[tuple]:
    for path, sub in subtrees(node):
        if isinstance(sub, kinds):
            yield path, sub


def parent_of(node, path):
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


def is_declared_fn(n, primes: int) -> bool:
    """The problem's own function (`@phi`) with `primes` primes."""
    return isinstance(n, M.Apply) and n.fn.startswith("@") and len(n.fn) - len(n.fn.rstrip("'")) == primes


def is_deriv_of_act(n) -> bool:
    return is_declared_fn(n, 1)


def operands(n):
    return (n.left, n.right) if isinstance(n, (M.Mul, M.Hadamard)) else ()


def in_wrt(path) -> bool:
    return any(step[0] == "wrt" for step in path)


# ------------------------------------------------------------ transposes
# A transpose of an indexed matrix, (W^T)_{ij}, is an index swap and is
# named as one; a transpose of a transpose is no transpose.  So these moves
# never touch a transpose under an entry, nor wrap a transpose's operand.
def _entry_base(node, path) -> bool:
    parent = parent_of(node, path)
    return isinstance(parent, M.Entry) and path[-1][0] == "base"


def _drop_transpose(node, free, other=None):
    for path, t in at(node, M.Transpose):
        if not _entry_base(node, path):
            yield replace_at(node, path, t.operand)


def _add_transpose(node, free, other=None):
    for path, sub in at(node, (M.Quantity, M.DefRef, M.Deriv, M.Apply, M.Add, M.Hadamard)):
        if in_wrt(path) or _entry_base(node, path) or isinstance(parent_of(node, path), M.Transpose):
            continue  # what a derivative is taken with respect to stays as written
        yield replace_at(node, path, M.Transpose(sub))


def _move_transpose(node, free, other=None):
    for path, t in at(node, M.Transpose):
        if _entry_base(node, path):
            continue
        without = replace_at(node, path, t.operand)
        for other_path, sub in at(without, (M.Quantity, M.DefRef)):
            if other_path != path and not in_wrt(other_path) and not _entry_base(without, other_path) \
                    and not isinstance(parent_of(without, other_path), M.Transpose):
                yield replace_at(without, other_path, M.Transpose(sub))


# ------------------------------------------------------------ products
def _toggle(n):
    return n.operand if isinstance(n, M.Transpose) else M.Transpose(n)


def _swap_factors(node, free, other=None):
    """A B -> B A, and A B^T -> B A^T (the order swapped, transposes kept where they were)."""
    for path, m in at(node, M.Mul):
        yield replace_at(node, path, replace(m, left=m.right, right=m.left))
        yield replace_at(node, path, replace(m, left=_toggle(m.right), right=_toggle(m.left)))


def _product_for_hadamard(node, free, other=None):
    for path, h in at(node, M.Hadamard):
        yield replace_at(node, path, M.Mul(h.left, h.right, False))


def _hadamard_for_product(node, free, other=None):
    for path, m in at(node, M.Mul):
        yield replace_at(node, path, M.Hadamard(m.left, m.right))


# ------------------------------------------------------------ φ'
def _drop_act_prime(node, free, other=None):
    for path, n in at(node, (M.Mul, M.Hadamard)):
        left, right = operands(n)
        if is_deriv_of_act(right):
            yield replace_at(node, path, left)
        if is_deriv_of_act(left):
            yield replace_at(node, path, right)


def _swap_family(node, inside_act_prime: bool, old: str, new: str):
    """Replace `old`-family quantities by `new` ones, inside φ' or outside it."""
    targets = []
    for path, n in subtrees(node):
        if isinstance(n, M.Quantity) and n.family == old:
            under = any(is_deriv_of_act(a) for a in ancestors(node, path))
            if under == inside_act_prime:
                targets.append((path, n))
    for path, q in targets:
        yield replace_at(node, path, replace(q, family=new))


def ancestors(node, path):
    for k in range(len(path)):
        sub = node
        for step in path[:k]:
            name, i, j = step
            v = getattr(sub, name)
            sub = v if i is None else (v[i] if j is None else v[i][j])
        yield sub


def _swapping(inside_act_prime: bool, to_activation: bool):
    """A mutation putting the activation z = φ(z̃) where the pre-activation z̃
    is (or back), inside φ' or outside it, for each such pair the problem has."""
    @uses_context
    def mutate(node, free, other=None, ctx=Context()):
        for pre, act in ctx.pairs:
            yield from _swap_family(node, inside_act_prime, *((pre, act) if to_activation else (act, pre)))
    return mutate


_act_prime_at_activation = _swapping(True, True)
_act_prime_at_preactivation = _swapping(True, False)
_pre_for_act = _swapping(False, False)
_act_for_pre = _swapping(False, True)
