"""Atoms: what the zero test treats as independent variables.

Every transcendental or piecewise piece of a network expression becomes a
plain symbol standing for it (see `zerotest` for how they are used): the
exponential split over the terms of its argument, logs split over products
of positives, generic activations opaque, and each step argument w a pair of
exact indicators P_w = 1{w > 0}, N_w = 1{w < 0}.  This module also decides
when an argument is nonzero almost everywhere, the one licence for treating
N_w as 1 - P_w.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import symengine as se

from symbackprop import primitives as act
from symbackprop.engine.nonzero import nonzero_almost_everywhere, split_coefficient
from symbackprop.proof.rational import context_for, to_expr, to_fraction

__all__ = ["Atomizer"]

_SPLIT_TERMS = 16
_LOG_SYMBOLS = 12   # a log of a rational function in more atoms is kept whole (factoring would cost)
_INSTANCES = itertools.count()


@dataclass
class Atomizer:
    """Maps transcendental pieces to atoms; shared by both sides of a claim
    so that the same φ(u) on each side is the same atom.  `positive` are leaf
    symbols known to be > 0 (a side condition such as margin > 0); `fixed`
    leaf symbols that are not free variables (targets under a side
    condition), so never used to argue that something is nonzero a.e."""
    positive_symbols: frozenset = frozenset()
    fixed: frozenset = frozenset()
    split_exp: bool = False  # e^{a+b} = e^a e^b: complete for exponents written apart, but bigger
    splittable: bool = False  # met an exponent that split_exp would split
    meaning: dict = field(default_factory=dict)  # Symbol -> (kind, fname, key)
    hidden: set = field(default_factory=set)     # leaves that occur inside some atom
    _table: dict = field(default_factory=dict)   # (kind, fname, key) -> Symbol
    _memo: dict = field(default_factory=dict)
    _nonzero: dict = field(default_factory=dict)
    _original: dict = field(default_factory=dict)
    _leaves: dict = field(default_factory=dict)  # atom Symbol -> the leaves it depends on
    _uid: int = field(default_factory=lambda: next(_INSTANCES))  # atoms of two atomizers never meet

    def atom(self, kind: str, fname: str, key) -> se.Symbol:
        k = (kind, fname, key)
        if k not in self._table:
            sym = se.Symbol(f"_{kind}{self._uid}_{len(self._table)}")
            self._table[k] = sym
            self.meaning[sym] = k
            leaves = set()
            for x in key.free_symbols:
                leaves |= self._leaves.get(x, {x})
            self._leaves[sym] = leaves
            self.hidden |= leaves
        return self._table[k]

    def original(self, sym):
        """What an atom stands for, in the original leaves (built on demand)."""
        found = self._original.get(sym)
        if found is None:
            kind, fname, key = self.meaning[sym]
            inner = self.restore(key)
            found = {"exp": lambda: act.Exp(inner), "log": lambda: se.log(inner), "pow": lambda: inner,
                     "fn": lambda: act.generic(fname)(inner),
                     "ind": lambda: act.H(inner if fname == "+" else se.expand(-inner))}[kind]()
            self._original[sym] = found
        return found

    def restore(self, e):
        """An atomized expression back in the original leaves."""
        present = {s: self.original(s) for s in e.free_symbols if s in self.meaning}
        return e.subs(present) if present else e

    def hides_any(self, a, leaves) -> bool:
        """Might an atom depend on one of `leaves` (so substituting them must
        happen before atomizing)?  Conservative: any atom made so far."""
        return any(s in self.hidden for s in leaves)

    def indicators(self) -> set:
        return {s for s, (kind, _, _) in self.meaning.items() if kind == "ind"}

    def indicator(self, sign: str, key):
        """P_key (sign "+") or N_key (sign "-"), created if needed."""
        return self.atom("ind", sign, key)

    def partner(self, sym):
        """N_w for P_w and P_w for N_w."""
        _, sign, key = self.meaning[sym]
        return self.indicator("-" if sign == "+" else "+", key)

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
            arg = self(e.args[0])
            if act.is_exp(e):
                return self.exp(arg)
            if act.is_step(e):
                return self.step(arg)
            return self.atom("fn", e.get_name(), se.expand(arg))
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

    # ---------------------------------------------------------- exponentials
    def exp(self, arg):
        """e^arg as one atom; with `split_exp` a product of atoms, one per
        term of arg with its integer coefficient as a power:
        e^{o_l - o_y} = E_{o_l} · E_{o_y}^{-1}."""
        key = se.expand(arg)
        if key == 0:
            return se.Integer(1)
        terms = key.args if isinstance(key, se.Add) else (key,)
        logs = [(c, rest) for c, rest in map(split_coefficient, terms) if c.is_integer and self._positive_log(rest)]
        if logs:  # e^{u + k·log x} = e^u · x^k for x > 0 (log-softmax: e^{o_i - log Σ e^o} = e^{o_i} / Σ e^o)
            out = self.exp(se.expand(key - se.Add(*[c * r for c, r in logs])))
            for c, rest in logs:
                out *= self.restore_log(rest) ** c
            return out
        # only short exponents made of plain variables (e^{o_l - o_y}) are
        # split: splitting a pre-activation's products blows up the algebra
        parts = [split_coefficient(t) for t in terms] if len(terms) <= _SPLIT_TERMS else None
        simple = parts is not None and all(isinstance(rest, se.Symbol) for _, rest in parts) and (
            len(parts) > 1 or parts[0][0] != 1)
        if simple:
            self.splittable = True
        if not (self.split_exp and simple):
            return self._exp_power(key, terms)
        out = se.Integer(1)
        for t in terms:
            if t != 0:
                out *= self._exp_power(t, (t,))
        return out

    def _positive_log(self, a) -> bool:
        """A log atom whose argument is certainly positive (so e^{log x} = x)."""
        found = self.meaning.get(a)
        return found is not None and found[0] == "log" and self.positive(found[2])

    def restore_log(self, a):
        """The (atomized) argument x of the log atom a = log x."""
        return self.meaning[a][2]

    def _exp_power(self, key, terms):
        """e^{c·K} = (e^K)^c for the integer content c of the exponent, with
        K's sign fixed by a canonical choice: e^{-u} = 1/e^u, e^{2u} = (e^u)^2."""
        if key.is_Number:
            return self._exp_atom(key)
        g = 0
        for t in terms:
            c, _ = split_coefficient(t)
            if not c.is_integer:
                return self._exp_atom(key)
            g = math.gcd(g, abs(int(c)))
            if g == 1:
                break
        primitive = se.expand(key / g) if g != 1 else key
        negative = se.expand(-primitive)
        if len(terms) == 1:  # e^{-o} = (e^{o})^{-1}: one term keeps its positive form
            flip = split_coefficient(primitive)[0] < 0
        else:
            # the sign of the term with the least monomial (its printed form:
            # short, and a total order, unlike symengine's hashes, which can
            # differ for equal sums built in another order): the same choice for u and -u
            parts = primitive.args if isinstance(primitive, se.Add) else (primitive,)
            lead = min((split_coefficient(t) for t in parts if not t.is_Number), key=lambda cm: str(cm[1]))
            flip = lead[0] < 0
        if flip:
            primitive, g = negative, -g
        return self._exp_atom(primitive) ** g

    def _exp_atom(self, key):
        return self.atom("exp", "", key)

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
        common = self._common_indicators(key)
        if common:  # b·P + w·x·P = P·(b + w·x): H(P·w) = P·H(w)
            return se.Mul(*common) * self.step(se.expand(key / se.Mul(*common)))
        parts = key.args if isinstance(key, se.Add) else (key,)
        lead = min((split_coefficient(t) for t in parts if not t.is_Number), key=lambda cm: str(cm[1]),
                   default=None)
        if lead is not None and lead[0].is_Number and lead[0] != 0 and abs(lead[0]) != 1:
            key = se.expand(key / abs(lead[0]))   # 1{c·w > 0} = 1{w > 0} for c > 0: one atom for both
        if self.positive(key):
            return se.Integer(1)
        neg = se.expand(-key)
        if self.positive(neg):
            return se.Integer(0)
        if str(neg) < str(key):  # one pair of atoms per ± pair: 1{w > 0} = 1{-w < 0}
            return self.indicator("-", neg)
        return self.indicator("+", key)

    def _common_indicators(self, key) -> list:
        """Indicator atoms that divide every term of a sum."""
        if not isinstance(key, se.Add):
            return []
        common = None
        for t in key.args:
            factors = set(t.args) if isinstance(t, se.Mul) else {t}
            mine = {f for f in factors if f in self.meaning and self.meaning[f][0] == "ind"}
            common = mine if common is None else common & mine
            if not common:
                return []
        return sorted(common, key=str)

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
        factored = self._log_factored(v)
        if factored is not None:
            return factored
        return self.atom("log", "", se.expand(v))

    def _log_factored(self, v):
        """log of a rational function of positive atoms, over its irreducible
        factors: log(1 - 1/(1 + e^{-z})) = -log(1 + e^{z}), and log(1 + e^{-z})
        = log(1 + e^{z}) - z.  Only when every factor is certainly positive
        (so log(ab) = log a + log b holds), else None."""
        symbols = v.free_symbols
        if not symbols or len(symbols) > _LOG_SYMBOLS or not all(self.positive(x) for x in symbols):
            return None
        try:
            ctx, gens = context_for(symbols)
            num, den = to_fraction(v, ctx, gens)
        except (ValueError, ZeroDivisionError):
            return None
        by_name = {str(x): x for x in symbols}
        constant, parts = 1, []
        for poly, sign in ((num, 1), (den, -1)):
            c, factors = poly.factor()
            constant = constant * c if sign > 0 else constant / c
            parts += [(to_expr(f, by_name), sign * int(m)) for f, m in factors]
        out = []
        for f, m in parts:
            if not self.positive(f):
                f = se.expand(-f)
                constant *= (-1) ** m
                if not self.positive(f):
                    return None
            out.append((f, m))
        if constant <= 0 or (len(out) == 1 and out[0][1] == 1 and constant == 1):
            return None   # irreducible already: its own atom
        total = self.log(se.Rational(int(constant.p), int(constant.q))) if constant != 1 else se.Integer(0)
        for f, m in out:
            total += m * (self.log(f) if not isinstance(f, se.Add) else self.atom("log", "", f))
        return total

    def positive(self, v) -> bool:
        if v.is_Number:
            return v > 0
        if v in self.meaning:
            return self.meaning[v][0] == "exp"
        if v in self.positive_symbols:
            return True
        if isinstance(v, (se.Add, se.Mul)):
            return all(self.positive(a) for a in v.args)
        if isinstance(v, se.Pow):
            return v.args[1].is_integer and self.positive(v.args[0])
        return False

    # ---------------------------------------------------------- almost everywhere
    def nonzero_almost_everywhere(self, key) -> bool:
        """Is the step argument `key` (atomized) provably nonzero outside a
        set of measure zero of the free inputs and parameters?"""
        if key not in self._nonzero:
            self._nonzero[key] = nonzero_almost_everywhere(self.restore(key), self.fixed)
        return self._nonzero[key]
