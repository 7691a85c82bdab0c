"""Exact rational functions: symengine expressions over symbols, rationals,
+, × and integer powers, as flint fmpq_mpoly fractions in lowest terms.

The zero test clears denominators with these; the atomizer factors the
argument of a log with them (log(p/q) = Σ m·log f over irreducible factors).
"""

from __future__ import annotations

import flint
import symengine as se

__all__ = ["to_fraction", "context_for", "to_expr"]


def context_for(symbols):
    """A flint polynomial context over `symbols` (sorted by name) and its generators."""
    symbols = sorted(symbols, key=str)
    ctx = flint.fmpq_mpoly_ctx.get(tuple(str(s) for s in symbols), "lex")
    return ctx, dict(zip(symbols, ctx.gens()))


def to_expr(poly, symbols_by_name: dict):
    """A flint polynomial back as a symengine expression."""
    names = poly.context().names()
    out = []
    for exps, coeff in poly.to_dict().items():
        term = se.Rational(int(coeff.p), int(coeff.q))
        for name, k in zip(names, exps):
            if k:
                term *= symbols_by_name[name] ** int(k)
        out.append(term)
    return se.Add(*out) if out else se.Integer(0)


def to_fraction(expr, ctx, gens: dict):
    """symengine expression (symbols, rationals, + * and integer powers only)
    -> (numerator, denominator) as flint fmpq_mpoly, in lowest terms."""
    memo: dict = {}

    def conv(e):
        if e in memo:
            return memo[e]
        if e.is_Number:
            p, q = e.get_num_den() if not e.is_integer else (int(e), 1)
            out = (ctx.constant(flint.fmpq(int(p), int(q))), ctx.constant(1))
        elif isinstance(e, se.Symbol):
            out = (gens[e], ctx.constant(1))
        elif isinstance(e, se.Add):
            out = (ctx.constant(0), ctx.constant(1))
            for a in e.args:
                out = _add(out, conv(a))
        elif isinstance(e, se.Mul):
            out = (ctx.constant(1), ctx.constant(1))
            for a in e.args:
                out = _mul(out, conv(a))
        elif isinstance(e, se.Pow) and e.args[1].is_integer:
            n, d = conv(e.args[0])
            k = int(e.args[1])
            if k < 0:
                if n.is_zero():
                    raise ZeroDivisionError("division by zero in claim")
                n, d, k = d, n, -k
            out = (n ** k, d ** k)
        else:
            raise ValueError(f"not a rational function: {e}")
        memo[e] = out
        return out

    return conv(expr)


def _reduce(n, d):
    g = n.gcd(d)
    if not g.is_one():
        n, d = n / g, d / g
    return n, d


def _add(a, b):
    (n1, d1), (n2, d2) = a, b
    if d1 == d2:
        return _reduce(n1 + n2, d1)
    return _reduce(n1 * d2 + n2 * d1, d1 * d2)


def _mul(a, b):
    (n1, d1), (n2, d2) = a, b
    if d1.is_one() and d2.is_one():
        return n1 * n2, d1
    return _reduce(n1 * n2, d1 * d2)


