"""The zero test: is an expression *exactly* zero as an algebraic identity?

The ladder, cheapest first:

1. Substitute what the caller knows about the leaves (a premise solved for
   one variable, Σ y = 1) into the expression itself, before anything else.
2. Atomize.  Every transcendental or piecewise piece becomes an atom — a
   plain symbol standing for it, keyed by its (atomized, expanded) argument:
   `Exp(u)` split over the terms of u (e^{a-b} = e^a (e^b)^{-1}) into positive
   atoms; `log` split over products of positives and `log(Exp(u)) = u`; a
   generic `phi(u)`, `phi'(u)` opaque atoms.  A step is exact: for each
   argument w (up to sign) there are two indicator atoms, P_w = 1{w > 0} and
   N_w = 1{w < 0}, never both 1 (so 1{w ≥ 0} = 1 - N_w, and at w = 0 both are
   0).  H(a·v) = a·H(v) for an indicator a, H(c·v) = H(v) for c > 0, and the
   step of a provably positive expression (a sum of exponentials) is 1.
   Atoms are treated as independent variables: an identity that holds for
   independent values holds for the real, related ones — so this can only
   ever miss a proof, never invent one.
3. Apply facts: indicator values fixed by a premise (z~_i <= 0 gives P = 0).
4. Put the result over a common denominator with python-flint's exact
   multivariate rationals, reduce every indicator's exponent to 1 (a² = a on
   {0, 1}), drop every product P_w·N_w (never both 1), and compare the
   numerator with 0: proved *everywhere*.
5. Only if that fails: *almost everywhere*.  Where an argument w is provably
   nonzero almost everywhere — affine in a free input or parameter with a
   coefficient that is itself nonzero a.e. (a pre-activation, a logit
   difference, a margin), or an exponential-rational expression certified
   nonzero at one point (so not identically zero) — rewrite N_w = 1 - P_w and
   test again.  Never for a ReLU output, a generic φ(u), a constant or an
   expression that cancels.  The result names the arguments w whose zero
   sets (measure zero) are where the identity may fail.

No `simplify`, no sampling.  A nonzero result is *not* a refutation: only a
witness re-checked by substitution refutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import symengine as se

from symbackprop.proof.atoms import Atomizer
from symbackprop.proof.rational import to_fraction

__all__ = ["Atomizer", "Zero", "zero_test", "is_zero", "to_fraction"]


@dataclass(frozen=True)
class Zero:
    """The zero test's answer: `zero`, and if it holds only almost
    everywhere, the arguments w (original expressions) where it may fail."""
    zero: bool
    kinks: tuple = ()

    def __bool__(self) -> bool:
        return self.zero

    @property
    def almost_everywhere(self) -> bool:
        return self.zero and bool(self.kinks)


def _multilinear(num, ctx, indicator_positions: list[int], exclusive: list[tuple[int, int]]):
    """Clip the exponent of each indicator generator to 1 (a² = a) and drop
    every monomial holding both P_w and N_w (never both 1)."""
    if not indicator_positions:
        return num
    terms = {}
    for exps, coeff in num.to_dict().items():
        exps = list(exps)
        for i in indicator_positions:
            if exps[i] > 1:
                exps[i] = 1
        if any(exps[i] and exps[j] for i, j in exclusive):
            continue
        key = tuple(exps)
        terms[key] = terms.get(key, 0) + coeff
    return ctx.from_dict({k: v for k, v in terms.items() if v != 0})


def zero_test(expr, atomizer: Atomizer, leaf_subs: dict | None = None, facts: dict | None = None,
              almost: bool = True, exact: bool = True) -> Zero:
    """Is `expr` (un-atomized, over the network's leaves) identically zero?
    `leaf_subs` replace leaves first (a premise solved for a variable, a side
    condition); `facts` fix indicator atoms (premises).  Exact first (unless
    `exact` is off: the caller already knows it fails); then, if `almost`,
    almost everywhere (see the module docstring)."""
    a = atomizer(expr)
    if leaf_subs:
        if atomizer.hides_any(a, leaf_subs):
            a = atomizer(expr.subs(leaf_subs))  # a substituted leaf sits inside an atom: redo it
        else:
            a = a.subs({s: atomizer(v) for s, v in leaf_subs.items()})  # cheap: the atoms don't change
    facts = facts or {}
    if exact and _exact_zero(a.subs(facts) if facts else a, atomizer):
        return Zero(True)
    if not almost:
        return Zero(False)
    rewrite, kinks = _almost_everywhere_rewrite(a, atomizer, facts)
    if not rewrite:
        return Zero(False)
    b = a.subs(rewrite)
    if facts:
        b = b.subs(facts)
    if _exact_zero(b, atomizer):
        return Zero(True, tuple(kinks))
    return Zero(False)


def _almost_everywhere_rewrite(a, atomizer: Atomizer, facts: dict):
    """N_w = 1 - P_w (or P_w from a fixed N_w) for every step argument w in
    `a` or the facts that is nonzero almost everywhere and not forced to 0."""
    keys = {}
    for sym in (a.free_symbols | set(facts)) & atomizer.indicators():
        _, sign, key = atomizer.meaning[sym]
        keys.setdefault(key, set()).add(sign)
    rewrite, kinks = {}, []
    for key in sorted(keys, key=str):
        pos, neg = atomizer.indicator("+", key), atomizer.indicator("-", key)
        if facts.get(pos) == 0 and facts.get(neg) == 0:
            continue  # a premise puts us on w = 0
        if not atomizer.nonzero_almost_everywhere(key):
            continue
        if pos in facts:
            rewrite[neg] = 1 - facts[pos]
        elif neg in facts:
            rewrite[pos] = 1 - facts[neg]
        else:
            rewrite[neg] = 1 - pos
        kinks.append(atomizer.restore(key))
    return rewrite, kinks


def _exact_zero(e, atomizer: Atomizer) -> bool:
    indicators = atomizer.indicators()
    plain = se.expand(e)  # the fast path, in symengine's C++ core: often the terms cancel as they are
    if plain == 0:
        return True
    e = plain if not _has_pow_neg(e) else e
    if e == 0:
        return True
    symbols = sorted(e.free_symbols, key=str)
    if not symbols:
        return e == 0
    ctx = flint.fmpq_mpoly_ctx.get(tuple(str(s) for s in symbols), "lex")
    gens = dict(zip(symbols, ctx.gens()))
    num, _ = to_fraction(e, ctx, gens)
    position = {s: i for i, s in enumerate(symbols)}
    positions = [position[s] for s in symbols if s in indicators]
    exclusive = []
    for s in symbols:
        if s in indicators and atomizer.meaning[s][1] == "+":
            other = atomizer._table.get(("ind", "-", atomizer.meaning[s][2]))
            if other in position:
                exclusive.append((position[s], position[other]))
    return _multilinear(num, ctx, positions, exclusive).is_zero()


def is_zero(expr, atomizer: Atomizer, substitutions: dict | None = None) -> bool:
    """True iff `expr` is identically zero *everywhere* (no almost-everywhere
    rewrite); `substitutions` replace leaves first."""
    return zero_test(expr, atomizer, substitutions, almost=False).zero


def _has_pow_neg(e) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, se.Pow) and x.args[1].is_Number and x.args[1] < 0:
            return True
        stack.extend(x.args)
    return False
