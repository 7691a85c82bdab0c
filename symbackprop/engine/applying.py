"""Functions and indicators on shaped values: the part of the evaluator that
applies φ, φ', ReLU, exp, log, softmax, max, diag, and turns Kronecker deltas,
comparisons and cases into exact expressions (comparisons become the step H,
so ReLU's sign patterns stay symbolic).  Mixed into `evaluate.Evaluator`.
"""

from __future__ import annotations

import numpy as np
import symengine as se

from symbackprop import primitives as act
from symbackprop import registry as R
from symbackprop.errors import IllFormed
from symbackprop.notation import meaning as M
from symbackprop.engine.shapes import elementwise as _map, scalar as _scalar, shape_str, squeeze

__all__ = ["FunctionsAndIndicators"]

# The value of a `cases` where no case holds: a symbol no point gives a value,
# so no proof and no counterexample can rest on it.
UNCOVERED = se.Symbol("no_case_applies")


_INDICATORS = {
    ">": lambda u: act.H(u),
    "<": lambda u: act.H(-u),
    ">=": lambda u: 1 - act.H(-u),
    "<=": lambda u: 1 - act.H(u),
    "=": lambda u: 1 - act.H(u) - act.H(-u),
    "!=": lambda u: act.H(u) + act.H(-u),
}


class FunctionsAndIndicators:
    # ------------------------------------------------------------ indicators
    def _Kron(self, n: M.Kron, env):
        def val(i: M.Idx):
            if i.var is None:
                return i.fixed
            v = env.get(i.var)
            if v is None:
                raise self.fail(f"index {i.var} is not bound", n)
            return v + i.offset
        return _scalar(se.Integer(1 if val(n.a) == val(n.b) else 0))

    def _IndexValue(self, n: M.IndexValue, env):
        v = env.get(n.idx.var)
        if v is None:
            raise self.fail(f"index {n.idx.var} is not bound", n)
        return _scalar(se.Integer(v + n.idx.offset))

    def _Cond(self, n: M.Cond, env):
        """1{a rel b}, exactly: with H(u) = 1{u > 0}, 1{u >= 0} = 1 - H(-u),
        1{u = 0} = 1 - H(u) - H(-u), 1{u != 0} = H(u) + H(-u)."""
        a, b = squeeze(self.value(n.left, env)), squeeze(self.value(n.right, env))
        if a.shape != b.shape and a.shape != () and b.shape != ():
            raise self.fail(f"can't compare {shape_str(a.shape)} and {shape_str(b.shape)}", n)
        u = squeeze(a - b)
        indicator = _INDICATORS.get(n.rel)
        if indicator is None:
            raise self.fail(f"can't use {n.rel} as a condition", n)
        return _map(indicator, u) if u.ndim else _scalar(indicator(u[()]))

    def _Piecewise(self, n: M.Piecewise, env):
        """The first case whose condition holds (so overlapping cases are
        never added up): Σ_k v_k c_k Π_{j<k} (1 - c_j).  Where no case holds
        and there is no `otherwise`, the value is an unknown: a claim about
        it can't be proved (cases that cover everything make it vanish)."""
        total, none_yet = None, _scalar(se.Integer(1))
        for value, cond in n.rows:
            c = self.value(cond, env) if cond is not None else none_yet
            term = self.value(value, env) * (none_yet * c if cond is not None else c)
            none_yet = none_yet * (1 - c) if cond is not None else _scalar(se.Integer(0))
            total = term if total is None else squeeze(total + term)
        if any(x != 0 for x in np.asarray(none_yet).flat):
            total = squeeze(total + none_yet * _scalar(UNCOVERED))
        return total

    # ------------------------------------------------------------ functions
    def _Apply(self, n: M.Apply, env):
        args = [squeeze(self.value(a, env)) for a in n.args]
        base = n.fn.rstrip("'")
        entry = R.lookup(base)
        if base.startswith("@") and base == n.fn:
            entry = self.function_choice(base, n, env)[0].entry or entry
        if entry is not None and entry.array is not None and base == n.fn:
            if len(args) != entry.arity:
                raise self.fail(f"{entry.name} takes {entry.arity} argument{'s' * (entry.arity > 1)}", n)
            try:
                return entry.array(args)
            except ValueError as err:
                raise self.fail(f"{entry.name}: {err}", n) from None
        if len(args) != 1:
            raise self.fail(f"{n.fn} takes one argument", n)
        return _map(self.function(n.fn, n, env), args[0])

    def function_choice(self, base: str, n: M.Apply, env):
        layer = self.layer(n.layer, env) if n.layer is not None else None
        try:
            return self.net.function(base[1:], layer)
        except IllFormed as err:
            raise self.fail(err.message, n) from None

    def function(self, fn: str, n: M.Apply, env):
        """The elementwise function `fn`: a built-in or the problem's own
        (`@phi`), followed by one `'` per derivative (`relu'` is the step H,
        so ReLU'(0) = 0; `tanh''`).  What each means is the registry's."""
        base = fn.rstrip("'")
        order = len(fn) - len(base)
        if base.startswith("@"):
            choice, name = self.function_choice(base, n, env)
        else:
            choice, name = R.Choice(base), base
        entry = choice.entry
        if entry is not None and not entry.elementwise:
            raise self.fail(f"{choice.builtin} is not an elementwise function", n)
        if entry is not None and order > entry.max_order:
            raise self.fail(f"{choice.label} has no derivative of order {order} "
                            f"({'its first has a jump at 0' if entry.kink else 'not supported'})", n)
        if entry is None and choice.builtin != R.GENERIC:
            raise self.fail(f"unknown function {fn}", n)
        return R.elementwise_of(choice, order, name)
