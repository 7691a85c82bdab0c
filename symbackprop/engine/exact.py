"""Certified values of network expressions at one point.

A point gives every leaf an exact rational and every generic activation a
concrete polynomial.  Values stay exact rationals (python-flint's fmpq) as
long as the expression is rational there; exponentials and logarithms make
them arb balls — intervals that certainly contain the true value.  Monotone
functions are evaluated at both ends of a ball, so a tower of exponentials
stays a finite, certified interval instead of an overflow.

Two values certainly differ when both are exact and unequal, or when the
ball of their difference excludes 0: that is a proof of difference, so a
refutation built on it needs no floating-point trust.  A step at an exact 0
takes the course's convention relu'(0) = 0; a step of a ball around 0, a log
of something not certainly positive or a division by something not certainly
nonzero makes the point unusable (`Undetermined`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction

import symengine as se
from flint import arb, ctx, fmpq
from symbackprop import primitives as P

__all__ = ["Point", "Undetermined", "PointValues", "differs", "show_pair", "certainly_nonzero_somewhere",
           "PRECISIONS"]

PRECISIONS = (128, 1024)  # bits; the second try only when the first can't separate


class Undetermined(Exception):
    """The point is unusable: a step at a ball around 0, a log of a
    non-positive value, a division by zero."""


@dataclass(frozen=True)
class Point:
    values: dict                                   # leaf Symbol -> Fraction
    functions: dict = field(default_factory=dict)  # generic name -> polynomial coefficients (low to high)


def _q(x) -> fmpq:
    if isinstance(x, (fmpq, arb)):
        return x  # a leaf set by a premise to an irrational value stays a ball
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    return fmpq(int(x))


def _is_exact(v) -> bool:
    return isinstance(v, fmpq)


def _ball(v) -> arb:
    return arb(v) if _is_exact(v) else v


def _poly_derivative(coeffs: tuple, order: int) -> tuple:
    for _ in range(order):
        coeffs = tuple(k * c for k, c in enumerate(coeffs))[1:] or (Fraction(0),)
    return coeffs


class PointValues:
    """Values at one point, memoized across every expression evaluated
    there (the entries of one claim share their pre-activations)."""

    def __init__(self, point: Point, prec: int = PRECISIONS[0], nonzero_ae=lambda arg: True):
        """`nonzero_ae(arg)`: is a step argument nonzero almost everywhere?  A
        step at exactly 0 is a kink only then (a ReLU output is 0 on a whole
        region, and 1{z >= 0} there is simply 1)."""
        self.nonzero_ae = nonzero_ae
        self.point = point
        self.prec = prec
        self._leaves = {s: _q(v) for s, v in point.values.items()}
        self._memo: dict = {}
        self._kinky: set = set()  # expressions whose value went through a step at exactly 0

    def __call__(self, expr):
        old = ctx.prec
        ctx.prec = self.prec
        try:
            return self._value(expr)
        finally:
            ctx.prec = old

    def at_kink(self, expr) -> bool:
        """Did evaluating `expr` take a step of a non-constant argument that
        is exactly 0 here (where only the convention relu'(0) = 0 decides)?"""
        return expr in self._kinky

    def _value(self, e):
        found = self._memo.get(e)
        if found is None:
            found = self._memo[e] = self._compute(e)
            if any(a in self._kinky for a in e.args) or (
                    P.is_step(e) and e.args[0].free_symbols
                    and _is_exact(self._memo[e.args[0]]) and self._memo[e.args[0]] == 0
                    and self.nonzero_ae(e.args[0])):
                self._kinky.add(e)
        return found

    def _compute(self, e):
        if e.is_Number:
            if e.is_integer:
                return fmpq(int(e))
            if isinstance(e, se.Rational):
                p, q = e.get_num_den()
                return fmpq(int(p), int(q))
            raise Undetermined(f"can't evaluate the number {e}")
        if isinstance(e, se.Symbol):
            if e not in self._leaves:
                raise Undetermined(f"no value for {e}")
            return self._leaves[e]
        if isinstance(e, se.Add):
            return _sum([self._value(a) for a in e.args])
        if isinstance(e, se.Mul):
            vals, unknown = [], None
            for a in e.args:
                try:
                    vals.append(self._value(a))
                except Undetermined as err:  # 0 · (no value here) is still 0
                    unknown = err
            if any(_is_exact(v) and v == 0 for v in vals):
                return fmpq(0)  # exactly, whatever the other factors' balls
            if unknown is not None:
                raise unknown
            out = fmpq(1)
            for v in vals:
                out = out * v if _is_exact(out) and _is_exact(v) else _ball(out) * _ball(v)
            return out
        if isinstance(e, se.Pow):
            return self._power(self._value(e.args[0]), e.args[1])
        if isinstance(e, se.log):
            v = _ball(self._value(e.args[0]))
            if not v > 0:
                raise Undetermined("log of a value not certainly positive")
            return arb.union(v.lower().log(), v.upper().log())
        if isinstance(e, se.FunctionSymbol):
            return self._function(e, self._value(e.args[0]))
        raise Undetermined(f"can't evaluate {type(e).__name__}")

    def _power(self, base, exponent):
        if exponent.is_integer:
            k = int(exponent)
            if k < 0:
                if _is_exact(base) and base == 0 or not _is_exact(base) and base.contains(0):
                    raise Undetermined("division by zero")
                return (1 / base) ** (-k)
            return base ** k
        b = _ball(base)
        if not b > 0:
            raise Undetermined("non-integer power of a value not certainly positive")
        x = _ball(self._value(exponent))
        return _exp(x * arb.union(b.lower().log(), b.upper().log()))

    def _function(self, fn, v):
        name = fn.get_name()
        if P.is_exp(fn):
            return _exp(_ball(v))
        if P.is_step(fn):  # 1{v > 0}, with relu'(0) = 0
            if _is_exact(v):
                return fmpq(1 if v > 0 else 0)
            if v > 0:
                return fmpq(1)
            if v < 0 or v == 0:
                return fmpq(0)
            raise Undetermined("a step at a value not certainly nonzero")
        base = name.rstrip("'")
        order = len(name) - len(base)
        if base not in self.point.functions:
            raise Undetermined(f"no polynomial for {name}")
        coeffs = _poly_derivative(self.point.functions[base], order)
        out = fmpq(0)
        for c in reversed(coeffs):
            out = out * v + _q(c) if _is_exact(out) and _is_exact(v) else _ball(out) * _ball(v) + arb(_q(c))
        return out


def _sum(vals):
    exact = [v for v in vals if _is_exact(v)]
    balls = [v for v in vals if not _is_exact(v)]
    total = fmpq(0)
    for v in exact:
        total += v
    if not balls:
        return total
    out = arb(total)
    for v in balls:
        out += v
    return out


def _exp(x: arb) -> arb:
    """e^x for a ball, from its two ends (monotone), so huge arguments give
    a certified finite interval."""
    lo, hi = x.lower(), x.upper()
    return arb.union(lo.exp(), hi.exp()) if lo != hi else lo.exp()


class _precision:
    """Arithmetic on our balls at the finest precision we use (python-flint's
    context is global; leaving it at 53 bits would round a difference away)."""

    def __enter__(self):
        self.old = ctx.prec
        ctx.prec = PRECISIONS[-1]

    def __exit__(self, *exc):
        ctx.prec = self.old


def differs(a, b) -> bool:
    """True only if a ≠ b is certain."""
    if _is_exact(a) and _is_exact(b):
        return a != b
    with _precision():
        return not (_ball(a) - _ball(b)).contains(0)


def _fraction_str(v: fmpq) -> str:
    return str(v.p) if v.q == 1 else f"{v.p}/{v.q}"


def show_pair(a, b) -> tuple[str, str]:
    """Both values written so that the difference shows: exact rationals as
    they are; balls as decimals with as many digits as it takes for the two
    to read differently (an interval [lo, hi] when digits alone can't)."""
    if _is_exact(a) and _is_exact(b):
        return _fraction_str(a), _fraction_str(b)
    with _precision():
        return _show_balls(a, b)


def _show_balls(a, b) -> tuple[str, str]:
    for digits in (6, 12, 24, 40, 80):
        sa, sb = (_decimal(v, digits) for v in (a, b))
        if sa != sb:
            return sa, sb
    return _interval(a), _interval(b)


def _decimal(v, digits: int) -> str:
    if _is_exact(v):
        return _fraction_str(v)
    if v.contains(0):  # a value within rounding of 0: say how close, not "≈-0"
        return "≈0 (±" + arb(v.rad()).str(2, radius=False) + ")"
    return "≈" + v.str(digits, radius=False)


def _interval(v) -> str:
    if _is_exact(v):
        return _fraction_str(v)
    return f"[{v.lower().str(80, radius=False)}, {v.upper().str(80, radius=False)}]"


_PROBE = [Fraction(n, d) for n in (-3, -2, -1, 1, 2, 3) for d in (1, 2, 3)]


def certainly_nonzero_somewhere(expr, tries: int = 8) -> bool:
    """Is there a point (tried: a few small rationals) where `expr` is
    certainly nonzero?  A certificate that it is not identically zero."""
    rng = random.Random(20261203)
    symbols = sorted(expr.free_symbols, key=str)
    for _ in range(tries):
        point = Point({s: rng.choice(_PROBE) for s in symbols})
        try:
            v = PointValues(point)(expr)
        except (Undetermined, ZeroDivisionError):
            continue
        if differs(v, fmpq(0)):
            return True
    return False
