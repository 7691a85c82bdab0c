"""Concrete, scalar-indexed networks built from symengine symbols.

A `Network` holds one instance of a problem's architecture at fixed sizes:
leaves (inputs, targets, weights, biases, logits, margin) are symbols, and
every other node (pre-activations, activations, outputs, loss) is an
expression in them.  Nodes are `(family, layer)` pairs; layers count from the
input (0) to the output (L), and weights/biases are numbered by the layer
they feed (W1 maps layer 0 to layer 1) — a problem's notation maps its own
labels (`W^{(l)}`, `W_l`) onto these.

Differentiating with respect to an intermediate node *cuts the graph* there:
the node's entries become fresh symbols, everything downstream is rebuilt
from them, symengine differentiates, and the cut symbols are replaced by the
node's true value.  Derivatives are always computed this way, never looked up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import symengine as se

from . import activations as act
from .chainrule import ChainRule
from .shapes import elementwise

__all__ = ["Spec", "Network", "NodeId", "KINDS"]

NodeId = tuple[str, "int | None"]

KINDS = ("mlp-softmax-ce", "mlp-mse-batch", "softmax-hinge")


@dataclass(frozen=True)
class Spec:
    """What to build.  `activations[k-1]` is the activation of layer k
    ("relu", "identity" or "generic:<name>"); `batch` is N for batched kinds."""
    kind: str
    sizes: tuple[int, ...]
    activations: tuple[str, ...] = ()
    batch: int | None = None

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1


def _symbols(prefix: str, shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        out[idx] = se.Symbol(prefix + "".join(f"_{i + 1}" for i in idx))
    return out


class Network:
    """One instance of an architecture.  Pure: builds expressions, no I/O."""

    def __init__(self, spec: Spec):
        if spec.kind not in KINDS:
            raise ValueError(f"unknown network kind {spec.kind!r}")
        self.spec = spec
        self.L = spec.depth
        self._memo: dict = {}
        self._leaves: dict = {}
        self._chain = ChainRule()

    # ------------------------------------------------------------ structure
    def has(self, node: NodeId) -> bool:
        family, layer = node
        L, kind = self.L, self.spec.kind
        if kind == "softmax-hinge":
            return family in ("logit", "out", "margin", "loss") and layer is None
        if family in ("W", "b", "pre"):
            return layer is not None and 1 <= layer <= L
        if family == "act":
            top = L if kind == "mlp-mse-batch" else L - 1
            return layer is not None and 0 <= layer <= top
        if family in ("target", "loss"):
            return layer is None
        if family == "out":
            return kind == "mlp-softmax-ce" and layer is None
        return False

    def is_leaf(self, node: NodeId) -> bool:
        family, layer = node
        return family in ("W", "b", "target", "logit", "margin") or (family == "act" and layer == 0)

    def shape(self, node: NodeId) -> tuple[int, ...]:
        family, layer = node
        d, N = self.spec.sizes, self.spec.batch
        cols = (N,) if self.spec.kind == "mlp-mse-batch" else ()
        if family == "W":
            return (d[layer], d[layer - 1])
        if family == "b":
            return (d[layer],)
        if family in ("pre", "act"):
            return (d[layer],) + cols
        if family == "target":
            return (d[-1],) + cols
        if family in ("out", "logit"):
            return (d[-1],)
        return ()  # loss, margin

    def activation(self, layer: int) -> str:
        return self.spec.activations[layer - 1]

    def leaf_symbols(self, node: NodeId) -> np.ndarray:
        if node not in self._leaves:
            family, layer = node
            name = {"act": "x", "target": "y", "logit": "o", "margin": "margin"}.get(family, family)
            prefix = name + (str(layer) if family in ("W", "b") else "")
            self._leaves[node] = _symbols(prefix, self.shape(node))
        return self._leaves[node]

    def all_leaves(self) -> list[NodeId]:
        if self.spec.kind == "softmax-hinge":
            return [("logit", None), ("margin", None)]
        nodes: list[NodeId] = [("act", 0), ("target", None)]
        for k in range(1, self.L + 1):
            nodes += [("W", k), ("b", k)]
        return nodes

    # ------------------------------------------------------------ values
    def cut_symbols(self, node: NodeId) -> np.ndarray:
        """The fresh symbols standing for `node` in a graph cut there."""
        if self.is_leaf(node):
            return self.leaf_symbols(node)
        family, layer = node
        return _symbols(f"cut_{family}{'' if layer is None else layer}", self.shape(node))

    def value(self, node: NodeId, cut: NodeId | None = None, label: int | None = None) -> np.ndarray:
        """`node` as an expression array, in the graph cut at `cut` (None: uncut).
        `label` is the class label (0-based) for label-dependent losses."""
        if cut is not None and self.is_leaf(cut):
            cut = None  # a leaf is already independent
        key = (node, cut, label)
        if key not in self._memo:
            self._memo[key] = self._compute(node, cut, label)
        return self._memo[key]

    def _compute(self, node: NodeId, cut, label) -> np.ndarray:
        if node == cut:
            return self.cut_symbols(node)
        if self.is_leaf(node):
            return self.leaf_symbols(node)
        family, layer = node
        v = lambda n: self.value(n, cut, label)  # noqa: E731
        if family == "pre":
            W, b, a = v(("W", layer)), v(("b", layer)), v(("act", layer - 1))
            pre = W.dot(a)
            return pre + (b[:, None] if pre.ndim == 2 else b)
        if family == "act":
            return elementwise(self._activation_fn(layer), v(("pre", layer)))
        if family == "out":
            logits = v(("pre", self.L)) if self.spec.kind == "mlp-softmax-ce" else v(("logit", None))
            return np.array(act.softmax(list(logits)), dtype=object)
        if family == "loss":
            return self._loss(cut, label)
        raise ValueError(f"no rule for node {node}")

    def _activation_fn(self, layer: int):
        name = self.activation(layer)
        if name == "relu":
            return act.relu
        if name == "identity":
            return lambda u: u
        return act.generic(name.split(":", 1)[1])

    def _loss(self, cut, label) -> np.ndarray:
        kind = self.spec.kind
        v = lambda n: self.value(n, cut, label)  # noqa: E731
        if kind == "mlp-softmax-ce":
            y = list(v(("target", None)))
            if cut == ("out", None):
                return np.array(act.cross_entropy(list(v(("out", None))), y), dtype=object)
            return np.array(act.cross_entropy_lse(list(v(("pre", self.L))), y), dtype=object)
        if kind == "mlp-mse-batch":
            out, tgt = v(("act", self.L)), v(("target", None))
            return np.array(act.mse(list(out.flat), list(tgt.flat), self.spec.batch), dtype=object)
        if label is None:
            raise ValueError("the hinge loss needs a label")
        probs = list(v(("out", None)))
        return np.array(act.hinge(probs, label, v(("margin", None))[()]), dtype=object)

    def depends_on_label(self) -> bool:
        return self.spec.kind == "softmax-hinge"

    # ------------------------------------------------------------ derivatives
    def differentiate(self, expr, wrt: NodeId, index: tuple[int, ...], label: int | None = None):
        """d expr / d wrt[index], where `expr` was built in the graph cut at
        `wrt`.  Returns an expression in the leaves (cut symbols replaced)."""
        key = ("d", expr, wrt, index, label)
        found = self._memo.get(key)
        if found is not None:
            return found
        var = self.cut_symbols(wrt)[index] if not self.is_leaf(wrt) else self.leaf_symbols(wrt)[index]
        d = self._chain.derivative(expr, var)
        if not self.is_leaf(wrt):
            d = d.subs(self._uncut(wrt, label))
        self._memo[key] = d
        return d

    def _uncut(self, node: NodeId, label) -> dict:
        key = ("uncut", node, label)
        if key not in self._memo:
            syms, true = self.cut_symbols(node), self.value(node, None, label)
            self._memo[key] = {syms[i]: true[i] for i in np.ndindex(*syms.shape)}
        return self._memo[key]
