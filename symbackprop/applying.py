"""Functions and indicators on shaped values: the part of the evaluator that
applies φ, φ', ReLU, exp, log, softmax, max, diag, and turns Kronecker deltas,
comparisons and cases into exact expressions (comparisons become the step H,
so ReLU's sign patterns stay symbolic).  Mixed into `evaluate.Evaluator`.
"""

from __future__ import annotations

import numpy as np
import symengine as se

from . import activations as act
from .notation import meaning as M
from .shapes import elementwise as _map, scalar as _scalar, shape_str, squeeze

__all__ = ["FunctionsAndIndicators"]

# The value of a `cases` where no case holds: a symbol no point gives a value,
# so no proof and no counterexample can rest on it.
UNCOVERED = se.Symbol("no_case_applies")


def _is_literal_zero(node) -> bool:
    return isinstance(node, M.Number) and node.value == 0


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
        args = [self.value(a, env) for a in n.args]
        fn = n.fn
        if fn == "softmax":
            v = squeeze(args[0])
            return np.array(act.softmax(list(v.flat)), dtype=object).reshape(v.shape)
        if fn == "diag":
            v = squeeze(args[0])
            if v.ndim != 1:
                raise self.fail(f"diag needs a vector, not a {shape_str(v.shape)} value", n)
            out = np.full((v.shape[0], v.shape[0]), se.Integer(0), dtype=object)
            for i, x in enumerate(v):
                out[i, i] = x
            return out
        if fn == "max":
            # max(0, m) = relu(m), so its derivative is the declared 1{m > 0}
            a, b = (squeeze(x) for x in args)
            if _is_literal_zero(n.args[0]):
                return _map(act.relu, b)
            if _is_literal_zero(n.args[1]):
                return _map(act.relu, a)
            return squeeze(b + _map(act.relu, squeeze(a - b)))
        f = self.function(fn, n, env)
        return _map(f, args[0])

    def function(self, fn: str, n: M.Apply, env):
        """The elementwise function `fn`: a name followed by one `'` per
        derivative (`relu'` is the step H, so ReLU'(0) = 0; `tanh''`)."""
        base = fn.rstrip("'")
        order = len(fn) - len(base)
        if base in ("exp", "log", "tanh", "sigmoid"):
            return act.named(base, order)
        if base == "relu":
            if order > 1:
                raise self.fail("ReLU has no second derivative", n)
            return act.H if order else act.relu
        if base == "step" and not order:
            return act.H
        if base != "act":
            raise self.fail(f"unknown function {fn}", n)
        name = self.default_activation
        if n.layer is not None:
            layer = self.layer(n.layer, env)
            if not 1 <= layer <= self.net.L:
                raise self.fail(f"no activation at layer {layer}", n)
            name = self.net.activation(layer)
        if name == "relu":
            if order > 1:
                raise self.fail("ReLU has no second derivative (its first has a jump at 0)", n)
            return act.H if order else act.relu
        if name == "identity":
            return (lambda u: u) if not order else (lambda u: se.Integer(1 if order == 1 else 0))
        g = name.split(":", 1)[1]
        for _ in range(order):
            g = act.derivative_of(g)
        return act.generic(g)
