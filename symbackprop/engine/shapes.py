"""Shaped values: numpy object arrays of symengine expressions.

A scalar is a 0-d array, a vector (n,), a row (1, n), a matrix (m, n).
`Env` binds index and layer variables (and the node where the graph is cut)
for evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = ["Env", "shape_str", "squeeze", "scalar", "elementwise"]


@dataclass(frozen=True)
class Env:
    binds: tuple[tuple[str, int], ...] = ()
    world: tuple | None = None

    def get(self, var: str) -> int | None:
        for k, v in self.binds:
            if k == var:
                return v
        return None

    def bind(self, var: str, value: int) -> "Env":
        return replace(self, binds=tuple(sorted([(k, v) for k, v in self.binds if k != var] + [(var, value)])))

    def as_dict(self) -> dict:
        return dict(self.binds)


def shape_str(shape) -> str:
    return "scalar" if shape == () else "×".join(str(s) for s in (shape if len(shape) == 2 else shape + (1,)))


def squeeze(a: np.ndarray) -> np.ndarray:
    """(n, 1) columns compare equal to vectors; 1×1 (and a vector of one
    entry: u^T v, ⟨A, B⟩_F, a width-1 layer) to scalars."""
    if not isinstance(a, np.ndarray):
        return scalar(a)
    if a.ndim in (1, 2) and a.size == 1:
        return a.reshape(())
    if a.ndim == 2 and a.shape[1] == 1:
        return a.reshape(a.shape[0])
    return a


def scalar(x) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = x
    return out


def elementwise(fn, a: np.ndarray) -> np.ndarray:
    out = np.empty(a.shape, dtype=object)
    for i in np.ndindex(*a.shape):
        out[i] = fn(a[i])
    return out
