"""Premises: what `A rel B ⇒ claim` lets a proof assume and a witness must satisfy.

A premise restricts the domain; it is never itself checked.  Per compared
entry, each premise is a scalar `u rel 0` (u = A - B over the network's
leaves, index values already bound):

- a number: it holds (drop it) or it can't (the entry holds vacuously);
- `u = 0` affine in a free leaf s with a numeric coefficient (`y_k = 1`,
  `W = 0`, `ŷ = y` solved for y): s is replaced by its solution everywhere,
  so the proof is over exactly the premise's set and a witness satisfies it
  by construction;
- anything else becomes facts on the exact step indicators P_u = 1{u > 0},
  N_u = 1{u < 0} (`z~ <= 0` gives P = 0); a premise the facts can't express
  is still checked at every witness point, and dropping it from a proof only
  proves more.
Contradictory facts (P = 1 and N = 1, 1 = 0) mean the premise never holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import symengine as se

from symbackprop.engine.nonzero import inside_functions

__all__ = ["Restriction", "restrict", "facts_for", "solve_for_leaf", "REL_TEXT"]

REL_TEXT = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


@dataclass(frozen=True)
class Restriction:
    leaf_subs: dict = field(default_factory=dict)   # leaf Symbol -> its value on the premise's set
    conditions: tuple = ()                          # (u, rel) left for facts and witness checks
    vacuous: str = ""                               # why the premise never holds, or ""


def _holds(value, rel: str) -> bool:
    return {"=": value == 0, "!=": value != 0, "<": value < 0, "<=": value <= 0,
            ">": value > 0, ">=": value >= 0}[rel]


def solve_for_leaf(u, protected: frozenset):
    """(s, value) with u = 0 ⇔ s = value, or None."""
    for s in sorted(u.free_symbols - inside_functions(u) - protected, key=str):
        c = se.expand(se.diff(u, s))
        if c.is_Number and c != 0:
            rest = se.expand(u - c * s)
            if s not in rest.free_symbols:
                return s, se.expand(-rest / c)
    return None


def restrict(premises, base_subs: dict | None = None, protected: frozenset = frozenset()) -> Restriction:
    """Premises [(u, rel)] on top of `base_subs` (a side condition's
    substitution), as leaf substitutions and remaining conditions."""
    subs = dict(base_subs or {})
    conditions = []
    for u, rel in premises:
        v = u.subs(subs) if subs else u  # not expanded: z~·H(z~) keeps its indicator factor
        flat = se.expand(v)
        if flat.is_Number:
            if not _holds(flat, rel):
                return Restriction(subs, (), f"the premise can never hold (it reads {flat} {REL_TEXT[rel]} 0)")
            continue
        if rel == "=":
            solved = solve_for_leaf(flat, protected)
            if solved is not None:
                s, value = solved
                subs = {k: se.expand(x.subs({s: value})) for k, x in subs.items()}
                subs[s] = value
                continue
        conditions.append((v, rel))
    # earlier conditions may mention a leaf solved later
    conditions = [(u.subs(subs) if subs else u, rel) for u, rel in conditions]
    kept = []
    for u, rel in conditions:
        flat = se.expand(u)
        if flat.is_Number:
            if not _holds(flat, rel):
                return Restriction(subs, (), f"the premise can never hold (it reads {flat} {REL_TEXT[rel]} 0)")
            continue
        kept.append((u, rel))
    return Restriction(subs, tuple(kept))


def facts_for(restriction: Restriction, atomizer):
    """The indicator facts the conditions give, as {atom: value}, or a
    string saying why they contradict each other."""
    facts: dict = {}

    def fix(expr, value) -> str:
        if isinstance(expr, se.Pow) and expr.args[0] in atomizer.meaning and expr.args[1].is_integer \
                and expr.args[1] > 0:
            expr = expr.args[0]  # an indicator's power is itself
        if expr.is_Number:
            return "" if expr == value else "the premises contradict each other"
        if expr in atomizer.meaning:
            old = facts.get(expr)
            if old is not None and old != value:
                return "the premises contradict each other"
            facts[expr] = value
            partner = atomizer.partner(expr)
            if value == 1:
                if facts.get(partner) == 1:
                    return "the premises contradict each other"
                facts[partner] = se.Integer(0)
            return ""
        if isinstance(expr, se.Mul) and value == 1 and all(a in atomizer.meaning for a in expr.args):
            for a in expr.args:
                why = fix(a, se.Integer(1))
                if why:
                    return why
            return ""
        if isinstance(expr, se.Add) and len(expr.args) == 2 and se.Integer(1) in expr.args:
            other = -[x for x in expr.args if x != 1][0]
            if other in atomizer.meaning:
                return fix(other, 1 - value)
        return ""  # a fact we can't use: the proof just doesn't assume it

    one, zero = se.Integer(1), se.Integer(0)
    for u, rel in restriction.conditions:
        a = atomizer(u)
        pos, neg = atomizer.step(a), atomizer.step(-a)
        if rel == "!=":
            if pos in atomizer.meaning and neg in atomizer.meaning and pos not in facts and neg not in facts:
                facts[neg] = 1 - pos
                continue
            wanted = []
        else:
            wanted = {">": [(pos, one), (neg, zero)], "<": [(pos, zero), (neg, one)],
                      ">=": [(neg, zero)], "<=": [(pos, zero)], "=": [(pos, zero), (neg, zero)]}[rel]
        for expr, value in wanted:
            why = fix(expr, value)
            if why:
                return why
    return facts
