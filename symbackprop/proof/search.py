"""The counterexample search: concrete points where the two sides differ.

Points are small rationals (simple ones first, so a counterexample is easy
to read), targets drawn to satisfy the problem's side conditions (a
probability vector, one-hot), a polynomial for each generic activation.  A
premise solved for a leaf sets that leaf from the others; every other
premise must certainly hold at the point.  Both sides are evaluated from the
network's own expressions in certified arithmetic (`pointeval`): the point
counts only if they certainly differ.  Points where a step of a non-constant
argument is exactly 0 (a ReLU kink, where only the convention decides) are
skipped unless `kinks` is allowed — a last resort, and then said.  Among the
first few found, the shortest to write down is kept.
"""

from __future__ import annotations

import random
from fractions import Fraction

import symengine as se
from flint import fmpq

from symbackprop.engine.nonzero import nonzero_almost_everywhere
from symbackprop.proof.atoms import Atomizer
from symbackprop.engine.exact import PRECISIONS, Point, PointValues, Undetermined, differs, show_pair
from symbackprop.proof.premises import restrict
from symbackprop.proof.points import random_point
from symbackprop.verdict import Witness
from symbackprop.proof.zerotest import is_zero

__all__ = ["search", "WITNESS_TRIES", "QUICK_TRIES"]

WITNESS_TRIES = 200
QUICK_TRIES = 2      # the first look, before any proof is attempted
KINK_REDRAWS = 8
WITNESS_POLISH = 12  # further tries after the first counterexample, for a simpler one
QUICK_ENTRIES = 48   # spread over the claim's entries: a wrong formula is usually wrong in most


def _target_mode(problem) -> str:
    if "one-hot" in problem.side_conditions:
        return "one-hot"
    return "sum-to-one" if "sum-to-one" in problem.side_conditions else "any"


def _holds(v, rel: str) -> bool:
    """Does `v rel 0` certainly hold?"""
    if isinstance(v, fmpq):
        return {"=": v == 0, "!=": v != 0, "<": v < 0, "<=": v <= 0, ">": v > 0, ">=": v >= 0}[rel]
    if rel == "=":
        return False
    return {"!=": v > 0 or v < 0, "<": v < 0, "<=": v < 0, ">": v > 0, ">=": v > 0}[rel]


def _side_conditions_hold(problem, groups, values) -> bool:
    """Every target group (a vector, or a batch's column) satisfies the side condition."""
    mode = _target_mode(problem)
    for targets in groups if mode != "any" else ():
        ys = [values[t] for t in targets]
        if sum(ys) != 1 or (mode == "one-hot" and not all(y in (0, 1) for y in ys)):
            return False
    return True


def _side_conditions_hold_exactly(problem, groups, values, solved: dict) -> bool:
    """Σ y = 1 for targets some of which a premise set to irrational values:
    proved with the zero test on their expressions, not compared as balls."""
    mode = _target_mode(problem)
    for targets in groups if mode != "any" else ():
        if mode == "one-hot" and any(t in solved for t in targets):
            return False
        total = se.Add(*[solved[t] if t in solved else se.Rational(values[t].numerator, values[t].denominator)
                         for t in targets]) - 1
        if not is_zero(total, Atomizer()):
            return False
    return True


class _Searcher:
    def __init__(self, problem, net):
        self.problem, self.net = problem, net
        self.leaves = []
        for node in net.all_leaves():
            self.leaves += list(net.leaf_symbols(node).flat)
        self.targets = net.symbols_with_role("target")
        self.groups = net.target_groups()
        self.positive = net.positive_symbols()
        self.generics = sorted(net.generic_names())
        self.names = problem.leaf_names(net)
        self.relu_pre = net.kink_arguments()
        fixed = frozenset(self.targets)
        self.nonzero_ae = lambda arg: nonzero_almost_everywhere(arg, fixed)

    def point(self, rng, simple: bool) -> Point:
        """A random point, redrawn (a few times) while a hidden ReLU
        pre-activation is exactly 0 there: such a kink would spoil every entry."""
        for _ in range(KINK_REDRAWS):
            point = random_point(self.leaves, rng, self.generics, self.groups, _target_mode(self.problem),
                                 self.positive, simple=simple)
            if not self._kinked(point):
                return point
        return point

    def _kinked(self, point: Point) -> bool:
        if not self.relu_pre:
            return False
        pv = PointValues(point)
        try:
            return any(pv(e) == 0 for e in self.relu_pre)
        except (Undetermined, ZeroDivisionError):
            return True

    def restricted(self, point: Point, restriction, cache: dict):
        """PointValues where the premise's solved leaves follow the others, or None."""
        key = tuple(sorted(restriction.leaf_subs.items(), key=lambda kv: str(kv[0])))
        if key in cache:
            return cache[key]
        values = dict(point.values)
        if key:
            base = PointValues(point, nonzero_ae=self.nonzero_ae)
            irrational = False
            for s, expr in key:
                v = base(expr)
                if base.at_kink(expr):
                    cache[key] = None
                    return None
                if isinstance(v, fmpq):
                    values[s] = Fraction(int(v.p), int(v.q))
                else:  # e.g. y := ŷ: a certified ball, the side condition checked symbolically
                    values[s], irrational = v, True
            holds = _side_conditions_hold_exactly(self.problem, self.groups, values, dict(key)) if irrational \
                else _side_conditions_hold(self.problem, self.groups, values)
            if not holds:
                cache[key] = None
                return None
        cache[key] = PointValues(Point(values, point.functions), nonzero_ae=self.nonzero_ae)
        return cache[key]

    def try_entry(self, point: Point, entry, cache: dict, kinks: bool):
        a, b, binds, idx, prem = entry
        restriction = restrict(prem)
        if restriction.vacuous:
            return None
        pv = self.restricted(point, restriction, cache)
        if pv is None:
            return None
        try:
            for u, rel in restriction.conditions:
                if not _holds(pv(u), rel) or (not kinks and pv.at_kink(u)):
                    return None
            a_sub = a.subs(restriction.leaf_subs) if restriction.leaf_subs else a
            b_sub = b.subs(restriction.leaf_subs) if restriction.leaf_subs else b
            va, vb = pv(a_sub), pv(b_sub)
        except (Undetermined, ZeroDivisionError):
            return None
        at_kink = pv.at_kink(a_sub) or pv.at_kink(b_sub)
        if at_kink and not kinks:
            return None
        if not differs(va, vb) and not (isinstance(va, fmpq) and isinstance(vb, fmpq)):
            # balls that overlap at 128 bits: once more at 1024 before giving up the point
            fine = PointValues(pv.point, PRECISIONS[-1], nonzero_ae=self.nonzero_ae)
            try:
                va, vb = fine(a_sub), fine(b_sub)
            except (Undetermined, ZeroDivisionError):
                return None
            pv = fine
        if not differs(va, vb):
            return None
        return self.witness(pv, entry, (a_sub, b_sub, restriction), va, vb, at_kink)

    def witness(self, pv: PointValues, entry, used, va, vb, at_kink: bool) -> Witness:
        _, _, binds, idx, _ = entry
        a_sub, b_sub, restriction = used
        at = dict(binds)
        if idx:
            at["entry"] = "(" + ", ".join(str(i + 1) for i in idx) + ")"
        if at_kink:
            at["note"] = "at a kink: a step's argument is exactly 0, where the convention relu'(0) = 0 decides"
        relevant = a_sub.free_symbols | b_sub.free_symbols | set(restriction.leaf_subs)
        for u, _ in restriction.conditions:
            relevant |= u.free_symbols
        shown = {}
        for s in self.leaves:  # in the network's order
            if s in relevant:
                v = pv.point.values[s]
                shown[self.names.get(s, str(s))] = str(v) if isinstance(v, Fraction) else "≈" + v.str(12, radius=False)
        funcs = {name: _poly_str(name, c) for name, c in pv.point.functions.items()
                 if name in _functions_in(a_sub, b_sub)}
        lhs, rhs = show_pair(va, vb)
        return Witness(shown, funcs, at, lhs, rhs)


def _functions_in(*exprs) -> set:
    out = set()
    for e in exprs:
        for f in e.atoms(se.FunctionSymbol):
            out.add(f.get_name().rstrip("'"))
    return out


def search(problem, net, entries, tries: int = WITNESS_TRIES, kinks: bool = False, quick: bool = False):
    """A certified counterexample among `entries` [(a, b, bindings, index,
    premises)], or None.  `quick`: every entry at each of a few points."""
    if not entries:
        return None
    searcher = _Searcher(problem, net)
    rng = random.Random(20261122)
    best, found_at = None, None
    for attempt in range(tries):
        if found_at is not None and attempt > found_at + WITNESS_POLISH:
            break
        point = searcher.point(rng, simple=attempt < max(1, tries // 2))
        cache: dict = {}
        batch = _spread(entries, QUICK_ENTRIES) if quick else [entries[attempt % len(entries)]]
        for entry in batch:
            w = searcher.try_entry(point, entry, cache, kinks)
            if w is not None:
                if best is None or _size(w) < _size(best):
                    best = w  # keep the easiest counterexample to read (values far apart read short)
                found_at = attempt if found_at is None else found_at
                if not quick:
                    break
        if quick and best is not None:
            break
    return best


def _spread(entries: list, k: int) -> list:
    """At most k entries, evenly spaced (first and last included)."""
    if len(entries) <= k:
        return entries
    step = (len(entries) - 1) / (k - 1)
    return [entries[round(i * step)] for i in range(k)]


def _size(w: Witness) -> int:
    return len(w.lhs) + len(w.rhs) + sum(len(v) for v in w.values.values()) + sum(map(len, w.functions.values()))


def _poly_str(name: str, coeffs) -> str:
    """φ(t) = t - t^2 + 1/3*t^3, as a person would write it."""
    text = ""
    for k, c in enumerate(coeffs):
        if c == 0:
            continue
        mono = "" if k == 0 else ("t" if k == 1 else f"t^{k}")
        mag = abs(c)
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}*{mono}")
        text += (" - " if c < 0 else " + ") + body if text else ("-" if c < 0 else "") + body
    shown = {"phi": "φ", "varphi": "φ", "sigma": "σ"}.get(name, name)
    return f"{shown}(t) = {text or '0'}"
