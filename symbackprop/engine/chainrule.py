"""Differentiating network expressions fast, through named intermediates.

symengine differentiates `f(u)` for an undefined function f into
`Subs(Derivative(f(_xi), _xi), _xi, u)`, and finding those again walks the
whole derivative; and differentiating a deep expression as one tree visits
every layer for every parameter.  Both costs dominate at real widths.

So before differentiating, every application of one of our function
symbols (Exp, the step H, φ, φ', f_l …) becomes an *atom* symbol, and every
argument of one (a pre-activation, a logit) an *intermediate* symbol, each
with its definition.  symengine then only takes partial derivatives of small
local expressions (in C++), and the multivariable chain rule links them:

    d e/dv = ∂e/∂v + Σ_c ∂e/∂c · dc/dv
    dc/dv  = d(definition of c)/dv                 for an intermediate c
    da/dv  = f'(u_a) · du_a/dv                      for an atom a = f(u_a)

with f' the local derivative (Exp' = Exp, H' = 0 almost everywhere, φ' a
new atom).  Nothing is looked up: the derivative is computed from the
network's own expression, exactly; only the bookkeeping of which symbol
stands for which piece is ours.  Everything is put back before a result
leaves this module, so callers see ordinary expressions.
"""

from __future__ import annotations

import itertools

import symengine as se

from symbackprop import primitives as act

__all__ = ["ChainRule", "function_atoms"]

_INSTANCES = itertools.count()


def function_atoms(expr) -> set:
    """The function applications in `expr`, each distinct subexpression
    visited once: symengine's `atoms` walks the tree, and a loss such as
    Σ_k y_k (z_k - ln Σ e^z) repeats a large subtree once per class."""
    found, seen, stack = set(), set(), [expr]
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        if isinstance(e, se.FunctionSymbol):
            found.add(e)
        stack.extend(e.args)
    return found


class ChainRule:
    """Definitions and derivative memo for one network."""

    def __init__(self):
        # symbols of one chain rule must never meet another's (two networks'
        # `_mid0` would be the same symbol to symengine)
        self._prefix = f"_{next(_INSTANCES)}"
        self._symbol_of: dict = {}    # ("atom", f(u)) or ("mid", u) -> its symbol
        self._def: dict = {}          # symbol -> ("atom", f(u), arg symbol or expr, u) | ("mid", definition)
        self._deps: dict = {}         # symbol -> leaf symbols it depends on
        self._back: dict = {}         # symbol -> original expression, to put it back
        self._atomized: dict = {}     # expression -> its form over symbols
        self._dmemo: dict = {}        # (symbol, v) -> d symbol / dv
        self._in: dict = {}           # form -> the defined symbols in it
        self._partials: dict = {}     # (form, symbol) -> partial derivative

    # ------------------------------------------------------------ definitions
    def atomize(self, expr):
        """`expr` over leaves, atoms and intermediates."""
        found = self._atomized.get(expr)
        if found is not None:
            return found
        mapping = {}
        for app in function_atoms(expr):
            mapping[app] = self._atom(app)
            (u,) = app.args
            if not isinstance(u, se.Symbol) and not u.is_Number and u != expr:
                mapping[u] = self._mid(u)   # the same u elsewhere (relu(u) = u·H(u)) shares it
        out = expr.subs(mapping) if mapping else expr
        self._atomized[expr] = out
        return out

    def _mid(self, u):
        sym = self._symbol_of.get(("mid", u))  # apart from atoms: φ(x) can be both an argument and an atom
        if sym is None:
            sym = se.Symbol(f"{self._prefix}mid{len(self._symbol_of)}")
            self._symbol_of[("mid", u)] = sym
            self._def[sym] = ("mid", self.atomize(u))
            self._deps[sym] = u.free_symbols
            self._back[sym] = u
        return sym

    def _atom(self, app):
        sym = self._symbol_of.get(("atom", app))
        if sym is None:
            (u,) = app.args
            sym = se.Symbol(f"{self._prefix}atom{len(self._symbol_of)}")
            self._symbol_of[("atom", app)] = sym
            arg = u if isinstance(u, se.Symbol) or u.is_Number else self._mid(u)
            self._def[sym] = ("atom", app, arg, u)
            self._deps[sym] = u.free_symbols
            self._back[sym] = app
        return sym

    def _local(self, app, atom, u_original):
        """f'(u) for the atom f(u), as a symbol (or 0): the primitive's local
        derivative (the step is flat almost everywhere, so relu'(0) = 0)."""
        if act.is_exp(app):
            return atom
        d = act.local_derivative(app, u_original)
        return d if d.is_Number else self._atom(d)

    # ------------------------------------------------------------ derivatives
    def derivative(self, expr, v):
        """d expr / d v for a leaf (or cut) symbol v, as an ordinary expression."""
        return self.restore(self._d(self.atomize(expr), v))

    def _d(self, e, v):
        out = se.diff(e, v)
        for c in self._defined_in(e):
            if v in self._deps[c]:
                dc = self._d_symbol(c, v)
                if dc != 0:
                    out += self._partial(e, c) * dc
        return out

    def _d_symbol(self, c, v):
        key = (c, v)
        if key not in self._dmemo:
            d = self._def[c]
            if d[0] == "mid":
                self._dmemo[key] = self._d(d[1], v)
            else:
                _, app, arg, u = d
                local = self._local(app, c, u)
                inner = se.diff(arg, v) if isinstance(arg, se.Symbol) and arg not in self._def else \
                    self._d(arg, v)
                self._dmemo[key] = se.Integer(0) if local == 0 else local * inner
        return self._dmemo[key]

    def _defined_in(self, e) -> list:
        found = self._in.get(e)
        if found is None:
            found = self._in[e] = [s for s in e.free_symbols if s in self._def]
        return found

    def _partial(self, e, c):
        """∂e/∂c for a defined symbol c: the same for every v, so computed once."""
        key = (e, c)
        if key not in self._partials:
            self._partials[key] = se.diff(e, c)
        return self._partials[key]

    def restore(self, e):
        """Atoms and intermediates back to what they stand for."""
        present = {s: self._back[s] for s in e.free_symbols if s in self._back}
        return e.subs(present) if present else e  # originals hold no defined symbols
