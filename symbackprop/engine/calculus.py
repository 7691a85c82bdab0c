"""Sums and derivatives on shaped values: the part of the evaluator that
gives an unbounded sum its range (from the axes its index is used on) and
differentiates with respect to a network name or one entry of it (the graph
cut there, the derivative computed by the network).  Mixed into
`evaluate.Evaluator`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import symengine as se

from symbackprop.engine.shapes import elementwise as _map, scalar as _scalar, shape_str, squeeze
from symbackprop.notation import meaning as M

__all__ = ["SumsAndDerivatives", "MAX_SUM_TERMS"]

MAX_SUM_TERMS = 1000  # instance sizes are at most 256


class SumsAndDerivatives:
    # ------------------------------------------------------------ sums
    def sum_range(self, n: M.SumOver, env) -> range:
        if n.upper is not None:
            hi = squeeze(self.value(n.upper, env))
            lo = squeeze(self.value(n.lower, env)) if n.lower is not None else _scalar(se.Integer(1))
            if hi.ndim or lo.ndim or not hi[()].is_integer or not lo[()].is_integer:
                raise self.fail("a sum's bounds must be whole numbers", n)
            first, last = int(lo[()]), int(hi[()])
            if last - first >= MAX_SUM_TERMS:
                raise self.fail(f"a sum of {last - first + 1} terms is beyond this instance (limit {MAX_SUM_TERMS})", n)
            return range(first, last + 1)
        saved = self.ranges.pop(n.var, None)
        self.value(n.body, env.bind(n.var, 1))
        sizes = self.ranges.pop(n.var, set())
        if saved is not None:
            self.ranges[n.var] = saved
        if len(sizes) != 1:
            raise self.fail(f"can't tell the range of the sum over {n.var}" if not sizes else
                            f"the sum over {n.var} indexes axes of different sizes {sorted(sizes)}", n)
        return list(range(1, sizes.pop() + 1))

    def _SumOver(self, n: M.SumOver, env):
        total = None
        skip = None
        if n.exclude is not None:
            skip = env.get(n.exclude.var) if n.exclude.var else n.exclude.fixed
        for v in self.sum_range(n, env):
            if v == skip:
                continue
            term = squeeze(self.value(n.body, env.bind(n.var, v)))
            if total is not None and term.shape != total.shape:
                raise self.fail("terms of the sum have different shapes", n)
            total = term if total is None else squeeze(total + term)
        return total if total is not None else _scalar(se.Integer(0))

    # ------------------------------------------------------------ derivatives
    def _Deriv(self, n: M.Deriv, env):
        target = n.wrt
        q = target.base if isinstance(target, M.Entry) else target
        if not isinstance(q, M.Quantity):
            raise self.fail("differentiate with respect to a quantity of the network or one entry of it", n)
        node = (q.family, self.layer(q.layer, env))
        if not self.net.has(node):
            raise self.fail(f"{q.label or q.family} does not exist in this network", q)
        if env.world is not None and env.world != node:
            raise self.fail("nested derivatives with respect to different quantities are not supported", n)
        inner = replace(env, world=node)
        num = squeeze(self.value(n.num, inner))
        label = self.label(env)
        shape = self.net.shape(node)
        if isinstance(target, M.Entry):
            probe = self.value(target, inner)  # checks and records the indices
            if squeeze(probe).ndim != 0:
                raise self.fail("differentiate with respect to one entry or the whole quantity", target)
            index = self._entry_index(target, env, shape)
            return _map(lambda e: self.net.differentiate(e, node, index, label), num) if num.ndim else \
                _scalar(self.net.differentiate(num[()], node, index, label))
        if num.ndim == 0:
            out = np.empty(shape, dtype=object)
            for idx in np.ndindex(*shape):
                out[idx] = self.net.differentiate(num[()], node, idx, label)
            return out
        if num.ndim == 1 and len(shape) == 1:
            out = np.empty((num.shape[0], shape[0]), dtype=object)
            for i in range(num.shape[0]):
                for j in range(shape[0]):
                    out[i, j] = self.net.differentiate(num[i], node, (j,), label)
            return out
        raise self.fail(f"derivative of a {shape_str(num.shape)} value with respect to a "
                        f"{shape_str(shape)} one is not a matrix", n)

    def _entry_index(self, target: M.Entry, env, shape) -> tuple:
        out = []
        for idx in target.indices:
            out.append((env.get(idx.var) + idx.offset if idx.var else idx.fixed) - 1)
        if len(shape) == 2 and len(out) == 1 and shape[0] == 1:
            out = [0] + out
        return tuple(out)
