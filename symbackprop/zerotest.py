"""The zero test: is an expression *exactly* zero as an algebraic identity?

The ladder, cheapest first:

1. Atomize.  Every transcendental or piecewise piece becomes an atom — a
   plain symbol standing for it, keyed by its (atomized, expanded) argument:
   `Exp(u)` a positive atom e_u; `log` split over products of positives and
   `log(Exp(u)) = u`; a generic `phi(u)`, `phi'(u)` opaque atoms; the step
   `H(u)` an indicator atom in {0, 1}, with H(a·v) = a·H(v) for an indicator
   a, H(c·v) = H(v) for c > 0 and H(-v) = 1 - H(v) (almost everywhere).
   Atoms are treated as independent variables: an identity that holds for
   independent values holds for the real, related ones — so this can only
   ever miss a proof, never invent one.
2. Apply premises and side conditions: an indicator fixed by a premise
   (z~_i <= 0 gives H(z~_i) = 0); Σ y = 1 by eliminating the last y.
3. Put the result over a common denominator with python-flint's exact
   multivariate rationals, reduce every indicator's exponent to 1 (a² = a on
   {0, 1}), and compare the numerator with 0.

No `simplify`, no sampling.  A nonzero result is *not* a refutation: only a
witness re-checked by substitution (see `witness`) refutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import flint
import symengine as se


__all__ = ["Atomizer", "is_zero", "to_fraction"]


@dataclass
class Atomizer:
    """Maps transcendental pieces to atoms; shared by both sides of a claim
    so that the same φ(u) on each side is the same atom."""
    meaning: dict = field(default_factory=dict)  # Symbol -> (kind, fname, key)
    _table: dict = field(default_factory=dict)   # (kind, fname, key) -> Symbol
    _memo: dict = field(default_factory=dict)

    def atom(self, kind: str, fname: str, key) -> se.Symbol:
        k = (kind, fname, key)
        if k not in self._table:
            sym = se.Symbol(f"_{kind}{len(self._table)}")
            self._table[k] = sym
            self.meaning[sym] = k
        return self._table[k]

    def indicators(self) -> set:
        return {s for s, (kind, _, _) in self.meaning.items() if kind == "ind"}

    def __call__(self, e):
        if e in self._memo:
            return self._memo[e]
        out = self._atomize(e)
        self._memo[e] = out
        return out

    def _atomize(self, e):
        if not e.args:
            return e
        if isinstance(e, se.FunctionSymbol):
            name = e.get_name()
            arg = self(e.args[0])
            if name == "Exp":
                key = se.expand(arg)
                if key == 0:
                    return se.Integer(1)
                return self.atom("exp", "", key)
            if name == "H":
                return self.step(arg)
            return self.atom("fn", name, se.expand(arg))
        if isinstance(e, se.log):
            return self.log(self(e.args[0]))
        if isinstance(e, se.Pow):
            base, exp = e.args
            if exp.is_integer:
                return self(base) ** exp
            return self.atom("pow", "", se.expand(self(base) ** self(exp)))
        if isinstance(e, (se.Add, se.Mul)):
            return e.func(*[self(a) for a in e.args])
        if e.is_Number:
            return e
        raise ValueError(f"cannot atomize {type(e).__name__}: {e}")

    # ---------------------------------------------------------- the step H
    def step(self, v):
        """1{v > 0} for an atomized v."""
        if v.is_Number:
            return se.Integer(1 if v > 0 else 0)
        if isinstance(v, se.Mul):
            factors, rest = [], []
            for a in v.args:
                if self._indicator_like(a):
                    factors.append(a)  # H(a·w) = a·H(w) for a in {0, 1}
                elif a.is_Number:
                    if a < 0:
                        rest.append(se.Integer(-1))
                else:
                    rest.append(a)
            if factors or len(rest) != len(v.args):
                inner = se.Mul(*rest) if rest else se.Integer(1)
                return se.Mul(*factors) * self.step(inner)
        key = se.expand(v)
        if key.is_Number:
            return self.step(key)
        neg = se.expand(-key)
        if str(neg) < str(key):  # one atom per ± pair: H(-w) = 1 - H(w) a.e.
            return 1 - self.atom("ind", "", neg)
        return self.atom("ind", "", key)

    def _indicator_like(self, a) -> bool:
        """An indicator atom a, or its complement 1 - a."""
        if a in self.meaning:
            return self.meaning[a][0] == "ind"
        if isinstance(a, se.Add) and len(a.args) == 2 and se.Integer(1) in a.args:
            other = [x for x in a.args if x != 1][0]
            return self._indicator_like(-other)
        return False

    # ---------------------------------------------------------- log
    def log(self, v):
        if v.is_Number:
            if v == 1:
                return se.Integer(0)
            return self.atom("log", "", v)
        if self.positive(v):
            if isinstance(v, se.Mul):
                return se.Add(*[self.log(a) for a in v.args])
            if isinstance(v, se.Pow) and v.args[1].is_integer:
                return v.args[1] * self.log(v.args[0])
            if v in self.meaning and self.meaning[v][0] == "exp":
                return self.meaning[v][2]  # log e^u = u
        return self.atom("log", "", se.expand(v))

    def positive(self, v) -> bool:
        if v.is_Number:
            return v > 0
        if v in self.meaning:
            return self.meaning[v][0] == "exp"
        if isinstance(v, (se.Add, se.Mul)):
            return all(self.positive(a) for a in v.args)
        if isinstance(v, se.Pow):
            return v.args[1].is_integer and self.positive(v.args[0])
        return False


# -------------------------------------------------------------- exact rationals
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


def _multilinear(num, ctx, indicator_positions: list[int]):
    """Clip the exponent of each indicator generator to 1 (a² = a)."""
    if not indicator_positions:
        return num
    terms = {}
    for exps, coeff in num.to_dict().items():
        exps = list(exps)
        for i in indicator_positions:
            if exps[i] > 1:
                exps[i] = 1
        key = tuple(exps)
        terms[key] = terms.get(key, 0) + coeff
    return ctx.from_dict({k: v for k, v in terms.items() if v != 0})


def is_zero(expr, atomizer: Atomizer, substitutions: dict | None = None) -> bool:
    """True iff the (un-atomized) expression is identically zero, treating
    atoms as independent and indicators as {0, 1}-valued."""
    e = atomizer(expr)
    if substitutions:
        e = e.subs(substitutions)
    if _cleared_is_zero(e, atomizer.indicators()):
        return True
    e = se.expand(e) if not _has_pow_neg(e) else e
    if e == 0:
        return True
    symbols = sorted(e.free_symbols, key=str)
    if not symbols:
        return e == 0
    ctx = flint.fmpq_mpoly_ctx.get(tuple(str(s) for s in symbols), "lex")
    gens = dict(zip(symbols, ctx.gens()))
    num, _ = to_fraction(e, ctx, gens)
    indicators = atomizer.indicators()
    positions = [i for i, s in enumerate(symbols) if s in indicators]
    return _multilinear(num, ctx, positions).is_zero()


def _cleared_is_zero(e, indicators: set) -> bool:
    """The fast path, all in symengine's C++ core: expand; else multiply by
    every denominator (D ≠ 0, so e·D ≡ 0 implies e ≡ 0), expand, clip
    indicator powers (a^k = a), expand again.  True only when that is literally 0;
    anything else goes on to the exact rational-function test."""
    plain = se.expand(e)  # often enough: equal terms over the same denominator cancel as they are
    if plain == 0:
        return True
    denominators: dict = {}
    for p in e.atoms(se.Pow):
        base, exp = p.args
        if exp.is_Number and exp.is_integer and exp < 0:
            denominators[base] = max(denominators.get(base, 0), -int(exp))
    for base in denominators:
        if se.expand(base) == 0:
            return False
    cleared = e
    for base, k in denominators.items():
        cleared = cleared * base ** k
    cleared = se.expand(cleared)
    if cleared == 0:
        return True
    clips = {p: p.args[0] for p in cleared.atoms(se.Pow)
             if p.args[0] in indicators and p.args[1].is_Number and p.args[1] > 1}
    return bool(clips) and se.expand(cleared.subs(clips)) == 0


def _has_pow_neg(e) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, se.Pow) and x.args[1].is_Number and x.args[1] < 0:
            return True
        stack.extend(x.args)
    return False
