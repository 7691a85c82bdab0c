"""The almost-everywhere licence: when is an expression nonzero outside a
set of measure zero of the free inputs and parameters?

Positive expressions (e^u, sums and products of positives) are; an
expression affine in a free leaf whose coefficient is itself nonzero almost
everywhere is (a pre-activation, a logit difference); an exponential-rational
expression certified nonzero at one point is (a nonzero analytic function
vanishes only on a null set).  Never a ReLU output, φ(u), a constant, a
target (`fixed`), or a cancelling expression.  The evaluator uses it before
dividing, the zero test before treating 1{w < 0} as 1 - 1{w > 0}.
"""

from __future__ import annotations

import symengine as se

from symbackprop import primitives as act
from symbackprop.primitives import certainly_positive
from symbackprop.engine.exact import certainly_nonzero_somewhere

__all__ = ["nonzero_almost_everywhere", "inside_functions", "split_coefficient"]

_MAX_AE_DEPTH = 4
_NONZERO_MEMO: dict = {}


def nonzero_almost_everywhere(w, fixed: frozenset = frozenset()) -> bool:
    """Is the original expression w nonzero outside a set of measure zero?"""
    key = (w, fixed)
    if key not in _NONZERO_MEMO:
        if len(_NONZERO_MEMO) > 100_000:
            _NONZERO_MEMO.clear()
        _NONZERO_MEMO[key] = _nonzero_ae(w, fixed, 0)
    return _NONZERO_MEMO[key]


def split_coefficient(t):
    """t = c · rest with c the numeric coefficient."""
    if t.is_Number:
        return t, se.Integer(1)
    if isinstance(t, se.Mul):
        nums = [a for a in t.args if a.is_Number]
        if nums:
            c = se.Mul(*nums)
            return c, se.Mul(*[a for a in t.args if not a.is_Number])
    return se.Integer(1), t


def inside_functions(e) -> set:
    """Symbols that occur inside a function application, a log or a
    non-integer power (where an expression is not polynomial in them)."""
    out, stack = set(), [e]
    while stack:
        x = stack.pop()
        if isinstance(x, (se.FunctionSymbol, se.log)) or (
                isinstance(x, se.Pow) and not x.args[1].is_integer):
            out |= x.free_symbols
            continue
        stack.extend(x.args)
    return out


def _is_exp_rational(e) -> bool:
    """Built from symbols, numbers, + × integer powers and Exp only: real
    analytic wherever the denominators are nonzero."""
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, se.FunctionSymbol):
            if not act.is_exp(x):
                return False
        elif isinstance(x, se.Pow):
            if not x.args[1].is_integer:
                return False
        elif not (isinstance(x, (se.Add, se.Mul, se.Symbol)) or x.is_Number):
            return False
        stack.extend(x.args)
    return True


def _nonzero_ae(w, fixed: frozenset, depth: int) -> bool:
    """w = d·s + r with s a free variable, d and r free of s and d nonzero
    a.e.: {w = 0} ⊂ {d = 0} ∪ (a graph over the other variables), measure 0.
    Or w exponential-rational and certified nonzero at a point: its numerator
    is a nonzero real-analytic function, whose zero set has measure 0."""
    if certainly_positive(w):
        return True  # a softmax probability, a sum of exponentials: never 0
    w = se.expand(w)
    if w.is_Number:
        return w != 0
    if depth > _MAX_AE_DEPTH:
        return False
    candidates = sorted(w.free_symbols - inside_functions(w) - fixed, key=str)
    for s in candidates:
        d = se.expand(se.diff(w, s))
        if d != 0 and s not in d.free_symbols and _nonzero_ae(d, fixed, depth + 1):
            return True
    if _is_exp_rational(w) and not (w.free_symbols & fixed):
        return certainly_nonzero_somewhere(w)
    return False
