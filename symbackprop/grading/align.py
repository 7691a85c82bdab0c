"""Lining an answer up with the reference answer it is graded against.

Two answers to "the gradient with respect to W^{(L-1)}" may be written
`\\nabla_{W^{(L-1)}} L = …`, `\\frac{\\partial L}{\\partial W^{(L-1)}_{ij}} = …` (an
entry, with its own index letters), `\\nabla_{W^{(l)}} L = …` (a free layer),
or with the sides swapped.  `focus` finds the side of the answer that names
the same thing as the reference's left side — *proved* equal by the zero
test, not matched as text — and returns how to line the two up: which
layer to put for a free l, which index letters to rename, and whether to
compare entries.  Grading uses it to tell "true, but not what was asked"
apart from "about the right thing", and to compare closed forms when it
names a mistake.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from symbackprop.errors import ENGINE_FAULTS, InputError
from symbackprop.notation import meaning as M
from symbackprop.notation.parser import parse_display
from symbackprop.notation.rewrite import map_tree, rename_indices, substitute_layer
from symbackprop.verdict import Verdict
from symbackprop.proof.check import compare, split_premises

__all__ = ["Equation", "equations", "Alignment", "focus", "proved_equal", "Budget"]



@dataclass(frozen=True)
class Equation:
    sides: tuple
    premises: tuple = ()


def equations(problem, latex: str) -> list[Equation]:
    """The equations of a display, resolved, each with the premises it is
    claimed under (the same reading as `check`: in P ⇒ Q ⇒ R, P is only
    assumed, Q is claimed under P and R under both)."""
    out = []
    for stmt in parse_display(latex):
        for premises, links in split_premises(problem, stmt, latex, updates=True):
            sides = (links[0][0],) + tuple(link[1] for link in links)
            out.append(Equation(tuple(_freshen_bound(s) for s in sides), tuple(premises)))
    return out


def _freshen_bound(node):
    """Give every summation variable a name no answer uses, so renaming the
    free indices can never capture one."""
    counter = itertools.count()

    def visit(n):
        if isinstance(n, M.SumOver) and not n.var.startswith("_"):
            return rename_indices(n, {n.var: f"_s{next(counter)}"})
        return n
    return map_tree(node, visit)


def entry_indices(side) -> tuple[M.Idx, ...]:
    """The indices a side picks an entry by: (∇L)_{ij}, ∂L/∂W_{ij}, ∂z_k/∂(b_2)_k, δ_j."""
    if isinstance(side, M.Entry):
        return entry_indices(side.base) + tuple(side.indices)
    if isinstance(side, M.Deriv):
        out = ()
        if isinstance(side.num, M.Entry):
            out += tuple(side.num.indices)
        if isinstance(side.wrt, M.Entry):
            out += tuple(side.wrt.indices)
        return out
    return ()


def _names_something(side) -> bool:
    inner = side
    while isinstance(inner, (M.Entry, M.Transpose)):
        inner = inner.base if isinstance(inner, M.Entry) else inner.operand
    return isinstance(inner, (M.Deriv, M.DefRef, M.Quantity))


@dataclass(frozen=True)
class Alignment:
    layers: dict = field(default_factory=dict)    # free layer variable of the answer -> Lin
    renames: dict = field(default_factory=dict)   # answer's index letter -> reference's
    wrap: str = ""                                # "answer" | "reference": compare entries
    indices: tuple = ()

    def answer(self, node):
        for var, lin in self.layers.items():
            node = substitute_layer(node, var, lin)
        node = rename_indices(node, self.renames)
        return M.Entry(node, self.indices) if self.wrap == "answer" else node

    def reference(self, node):
        return M.Entry(node, self.indices) if self.wrap == "reference" else node


class Budget:
    """How many comparisons (zero tests) naming a mistake may make.  Work,
    not seconds: the same answer always gets the same name, however busy the
    machine is.  `spent` is True once a comparison was refused."""

    def __init__(self, comparisons: int | None = None):
        self.left = comparisons
        self.used = 0
        self.spent = False

    def take(self) -> bool:
        if self.left is not None and self.used >= self.left:
            self.spent = True
            return False
        self.used += 1
        return True


def proved_equal(problem, a, b, premises=(), budget: Budget | None = None) -> bool:
    if budget is not None and not budget.take():
        return False
    try:
        return compare(problem, a, b, premises).verdict is Verdict.PROVED
    except (InputError, *ENGINE_FAULTS):   # NotImplementedError is a RuntimeError
        return False  # a rewritten tree that can't be evaluated proves nothing


def _layer_choices(problem, answer_side, ref_side) -> list[dict]:
    """Layer substitutions to try for the answer's free layer variables: none;
    the reference's variable shifted (δ_{l-1} written for δ_l, δ_k for δ_l);
    and each concrete layer for a variable the reference doesn't have."""
    mine, theirs = sorted(M.layer_vars(answer_side)), sorted(M.layer_vars(ref_side))
    choices: list[dict] = [{}] if set(mine) <= set(theirs) else []
    if len(mine) == 1 and len(theirs) == 1:
        for k in (0, 1, -1, 2, -2):
            if k or mine != theirs:
                choices.append({mine[0]: M.Lin(((theirs[0], 1),), k)})
    free = [v for v in mine if v not in theirs]
    if free:
        depth = problem.network().L
        choices += [dict(zip(free, (M.Lin((), v) for v in values)))
                    for values in itertools.product(range(depth + 1), repeat=len(free))][:64]
    return choices


def align(problem, answer_side, ref_side, budget: Budget | None = None) -> Alignment | None:
    """How `answer_side` is proved to name what `ref_side` names, or None."""
    s_idx, r_idx = entry_indices(answer_side), entry_indices(ref_side)
    for layers in _layer_choices(problem, answer_side, ref_side):
        if len(s_idx) == len(r_idx):
            renames = {a.var: b.var for a, b in zip(s_idx, r_idx) if a.var and b.var and a.var != b.var}
            al = Alignment(layers, renames)
        elif s_idx and not r_idx:
            al = Alignment(layers, {}, "reference", s_idx)
        elif r_idx and not s_idx:
            al = Alignment(layers, {}, "answer", r_idx)
        else:
            return None
        if proved_equal(problem, al.answer(answer_side), al.reference(ref_side), (), budget):
            return al
    return None


def focus(problem, answer: Equation, ref: Equation, budget: Budget | None = None):
    """(alignment, the answer's closed form) for the side of `answer` that
    names what the reference's left side names; None if no side does."""
    target = ref.sides[0]
    for k, side in enumerate(answer.sides):
        if side == target:  # written exactly as the reference's (ln ŷ_i, a forward formula's left side)
            al = Alignment()
        elif not _names_something(side):
            continue
        else:
            al = align(problem, side, target, budget)
        if al is not None:
            closed = answer.sides[-1] if k != len(answer.sides) - 1 else answer.sides[0]
            return al, closed
    return None
