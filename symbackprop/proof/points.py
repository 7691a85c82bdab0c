"""Witnesses and the points they are found at.

`Witness` is what a refutation shows: the inputs and parameters (exact
rationals), a concrete polynomial for each generic activation, the bindings
of free indices and layers, and both sides' values.  `random_point` draws
the points the search tries (simple values first, targets satisfying the
side conditions).  `evaluate` is the worked examples' evaluator (numeric.py):
exact rationals, or mpmath intervals (256 bits) where printed decimals carry
an uncertainty; refutations use the certified arb evaluator in `pointeval`.
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import symengine as se

from symbackprop.engine.exact import Point, Undetermined
from symbackprop.verdict import Witness  # noqa: F401 - where the search builds them  # one point type, one 'unusable point' error
from symbackprop import primitives as P

__all__ = ["Point", "Witness", "evaluate", "random_point", "Undetermined", "to_float"]

_IV = mpmath.iv
_IV.prec = 256


def _iv(x):
    if isinstance(x, Fraction):
        return _IV.mpf(x.numerator) / x.denominator
    return x


def _is_iv(x) -> bool:
    return not isinstance(x, Fraction)


def _poly(coeffs, t, derivative=False):
    if derivative:
        coeffs = tuple(k * c for k, c in enumerate(coeffs))[1:]
    acc = Fraction(0) if not _is_iv(t) else _IV.mpf(0)
    for c in reversed(coeffs):
        acc = acc * t + (c if not _is_iv(t) else _iv(c))
    return acc


def evaluate(expr, point: Point):
    """Value of a symengine expression at `point`: a Fraction, or an mpmath
    interval when exp/log appear.  Raises Undetermined at a kink."""
    memo: dict = {}

    def ev(e):
        if e in memo:
            return memo[e]
        out = _ev(e)
        memo[e] = out
        return out

    def _ev(e):
        if e.is_Number:
            if e.is_integer:
                return Fraction(int(e))
            p, q = e.get_num_den()
            return Fraction(int(p), int(q))
        if isinstance(e, se.Symbol):
            if e not in point.values:
                raise Undetermined(f"no value for {e}")
            return point.values[e]
        if isinstance(e, (se.Add, se.Mul)):
            vals = [ev(a) for a in e.args]
            if any(_is_iv(v) for v in vals):
                vals = [_iv(v) for v in vals]
            total = vals[0]
            for v in vals[1:]:
                total = total + v if isinstance(e, se.Add) else total * v
            return total
        if isinstance(e, se.Pow):
            base, exp = ev(e.args[0]), ev(e.args[1])
            if isinstance(exp, Fraction) and exp.denominator == 1:
                if base == 0 and exp < 0:
                    raise Undetermined("division by zero")
                if _is_iv(base) and exp < 0:
                    if 0 in base:
                        raise Undetermined("division by an interval around zero")
                    return 1 / base ** int(-exp)
                return base ** int(exp)
            b = _iv(base)
            if _is_iv(b) and b.a <= 0:
                raise Undetermined("non-integer power of a non-positive value")
            return _IV.exp(_iv(exp) * _IV.log(b))
        if isinstance(e, se.log):
            v = _iv(ev(e.args[0]))
            if v.a <= 0:
                raise Undetermined("log of a non-positive value")
            return _IV.log(v)
        if isinstance(e, se.FunctionSymbol):
            name = e.get_name()
            arg = ev(e.args[0])
            if P.is_exp(e):
                return _IV.exp(_iv(arg))
            if P.is_step(e):
                if arg == 0:
                    return Fraction(0)  # the course's convention relu'(0) = 0
                return Fraction(_sign(arg) > 0)
            base = name.rstrip("'")
            order = len(name) - len(base)
            if base not in point.functions or order > 1:
                raise Undetermined(f"no polynomial for {name}")
            return _poly(point.functions[base], arg, derivative=order == 1)
        raise Undetermined(f"can't evaluate {type(e).__name__}")

    return ev(expr)


def _sign(v) -> int:
    if not _is_iv(v):
        if v == 0:
            raise Undetermined("a step function at 0")
        return 1 if v > 0 else -1
    if v.a > 0:
        return 1
    if v.b < 0:
        return -1
    raise Undetermined("sign undetermined")


def to_float(v) -> float:
    """A value of `evaluate` as a float (the midpoint of an interval)."""
    return float(v) if not _is_iv(v) else float(v.mid)


_SMALL = [Fraction(n, d) for n in range(-3, 4) for d in (1, 2, 3) if n]


_SIMPLE = [Fraction(n) for n in (-2, -1, 1, 2)] + [Fraction(1, 2), Fraction(-1, 2)]


def random_point(symbols, rng: random.Random, functions=(), targets=(), target_mode="any",
                 positive=(), simple: bool = False) -> Point:
    """Small nonzero rationals for `symbols`; targets drawn to satisfy the
    side condition (`sum-to-one`, `one-hot` or `any`); for each generic
    function a cubic with nonzero linear term.  `simple` points (tried first,
    so a counterexample is easy to read) use ±1, ±2, ±1/2 and φ(t) = t + c t²."""
    values = {s: rng.choice(_SIMPLE if simple else _SMALL) for s in symbols}
    for s in positive:
        values[s] = abs(values[s])
    targets = list(targets)
    groups = targets if targets and isinstance(targets[0], (list, tuple)) else [targets] if targets else []
    for targets in groups:   # each example's target (a batch's column) on its own
        if target_mode == "one-hot":
            hot = rng.randrange(len(targets))
            for i, t in enumerate(targets):
                values[t] = Fraction(int(i == hot))
        elif target_mode == "sum-to-one":
            # a probability vector, as y is in the course (never y = 2 or -1/2)
            weights = [rng.choice([0, 0, 1, 1, 2, 3]) for _ in targets]
            if not any(weights):
                weights[rng.randrange(len(weights))] = 1
            total = sum(weights)
            for t, w in zip(targets, weights):
                values[t] = Fraction(w, total)
    funcs = {}
    for name in functions:
        if simple:
            funcs[name] = (Fraction(0), Fraction(1), rng.choice([Fraction(1), Fraction(-1), Fraction(1, 2)]))
            continue
        funcs[name] = (rng.choice(_SMALL) / 2, rng.choice([Fraction(1), Fraction(1, 2), Fraction(2)]),
                       rng.choice(_SMALL), rng.choice(_SMALL) / 3)
    return Point(values, funcs)
