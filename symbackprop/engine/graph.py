"""The network of a problem, built from its declared equations.

A problem declares leaves (inputs, targets, parameters, constants, each a
named tensor whose shape is a list of size symbols) and forward equations
(`z = W^\\top x + b`, `\\tilde{z}^{(l)} = W^{(l-1)} z^{(l-1)} + b^{(l-1)}` for
l = 1..L).  `Architecture` is that declaration, resolved; `Network` is one
instance of it at fixed sizes and function choices: leaves are symengine
symbols, and every defined name is the value of its equation's right side,
evaluated by the same evaluator that reads claims — so the forward pass is
interpreted from the problem's LaTeX, never written in Python.

Nodes are `(family, layer)` pairs: the family is the name as declared (a
notation key such as "tilde z"), the layer is the written layer label (None
for a name without one).  Differentiating with respect to a defined node
*cuts the graph* there: the node's entries become fresh symbols, everything
downstream is rebuilt from them, symengine differentiates, and the cut symbols
are replaced by the node's true value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import symengine as se

from symbackprop.engine.chainrule import ChainRule, function_atoms
from symbackprop.errors import IllFormed
from symbackprop.notation import meaning as M
from symbackprop.engine.shapes import Env
from symbackprop import registry as R

from symbackprop.engine.architecture import Architecture, EquationDecl, Layers, LeafDecl, SizeRef

__all__ = ["Spec", "Network", "NodeId"]

NodeId = tuple[str, "int | None"]


@dataclass(frozen=True)
class Spec:
    """What to build: size values (a tuple for a per-layer size d_0..d_L)
    and the choice of each function."""
    sizes: tuple[tuple[str, "int | tuple[int, ...]"], ...]
    choices: tuple[tuple[str, R.Choice], ...] = ()

    @property
    def depth(self) -> int:
        lists = [v for _, v in self.sizes if isinstance(v, tuple)]
        return len(lists[0]) - 1 if lists else 0


def _safe(family: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", family) or "v"


class Network:
    """One instance of an architecture.  Pure: builds expressions, no I/O."""

    def __init__(self, arch: Architecture, spec: Spec):
        self.arch = arch
        self.spec = spec
        self.L = spec.depth
        self.sizes = dict(spec.sizes)
        self.choices = dict(spec.choices)
        self._memo: dict = {}
        self._leaves: dict = {}
        self._chain = ChainRule()
        self._prefix: dict = {}
        for family in [x.family for x in arch.leaves] + [e.family for e in arch.equations]:
            if family not in self._prefix:
                base = _safe(family)
                while base in self._prefix.values():
                    base += "v"
                self._prefix[family] = base
        from symbackprop.engine.evaluate import Evaluator  # the evaluator reads names through this network
        self._eval = Evaluator(self, {}, arch.label_var)

    # ------------------------------------------------------------ sizes and functions
    def size(self, name: str, layer: int | None = None) -> int:
        if name == "@L":
            return self.L
        if name == "#1":
            return 1
        value = self.sizes.get(name)
        if value is None:
            raise IllFormed(f"no size {name} in this problem")
        if isinstance(value, tuple):
            if layer is None:
                raise IllFormed(f"the size {name} needs a layer: {name}_l")
            if not 0 <= layer < len(value):
                raise IllFormed(f"no layer {layer}: {name} runs over layers 0..{len(value) - 1}")
            return value[layer]
        if layer is not None:
            raise IllFormed(f"the size {name} has no layer")
        return value

    def function(self, key: str, layer: int | None):
        """(choice, generic name) of the problem's function `key` at `layer`."""
        decl = self.arch.functions.get(key)
        if decl is None:
            raise IllFormed(f"no function {key} in this problem")
        if decl.per_layer and layer is None:
            raise IllFormed(f"the function {key} needs its layer, as in {key}_l")
        if decl.per_layer:
            top = self.L if self.L else None
            if top is not None and not 1 <= layer <= top:
                raise IllFormed(f"no function {key} at layer {layer}: layers run 1..{top}")
        name = f"{key}_{layer}" if decl.per_layer else key
        if layer in decl.by_layer:
            return decl.by_layer[layer], name
        if not decl.choices:
            raise IllFormed(f"no function {key} at layer {layer}")
        return self.choices.get(key, decl.choices[0]), name

    # ------------------------------------------------------------ structure
    def infer_shapes(self) -> dict:
        """Each defined family's shape as size symbols (relative to its own
        layer), where this instance's axis lengths say so unambiguously."""
        out: dict = {}
        for family in dict.fromkeys(n[0] for n in self.defined_nodes()):
            refs = None
            for node in [n for n in self.defined_nodes() if n[0] == family]:
                if family in self.arch.label_families:
                    continue
                found = tuple(self._size_for(length, node[1]) for length in self.value(node).shape)
                if any(r is None for r in found) or (refs is not None and refs != found):
                    refs = None
                    break
                refs = found
            if refs is not None:
                out[family] = refs
        return out

    def _size_for(self, length: int, layer) -> SizeRef | None:
        matches = []
        for name, value in self.sizes.items():
            if isinstance(value, tuple):
                for k, v in enumerate(value):
                    if v == length:
                        if layer is not None:
                            lin = M.Lin((("@", 1),), k - layer)   # d_{l+1}: relative to the node's layer
                        else:
                            lin = M.Lin((), 0) if k == 0 else M.Lin((("L", 1),), k - self.L)
                        matches.append(SizeRef(name, lin))
            elif value == length:
                matches.append(SizeRef(name))
        return matches[0] if len(matches) == 1 else None

    def _dims(self, refs, layer_var, layer) -> tuple[int, ...]:
        out = []
        for ref in refs:
            at = None if ref.layer is None else ref.layer.value({"L": self.L, **({layer_var: layer} if layer_var else {})})
            out.append(self.size(ref.name, at))
        return tuple(out)

    def _layer_ok(self, layers: Layers | None, layer) -> bool:
        if layers is None:
            return layer is None
        return layer is not None and layer in layers.span(self.L)

    def _equation(self, node: NodeId) -> EquationDecl | None:
        family, layer = node
        return next((e for e in self.arch.equations_of(family) if self._layer_ok(e.layers, layer)), None)

    def has(self, node: NodeId) -> bool:
        return self.is_leaf(node) or self._equation(node) is not None

    def leaf_decl(self, node: NodeId) -> LeafDecl | None:
        """The declaration of a leaf node (W^{[1]} and W^{[2]} may be declared apart)."""
        return next((x for x in self.arch.leaves if x.family == node[0] and self._layer_ok(x.layers, node[1])), None)

    def is_leaf(self, node: NodeId) -> bool:
        return self.leaf_decl(node) is not None

    def role(self, node: NodeId) -> str:
        decl = self.leaf_decl(node)
        return decl.role if decl is not None else "defined"

    def shape(self, node: NodeId) -> tuple[int, ...]:
        decl = self.leaf_decl(node)
        if decl is not None:
            return self._dims(decl.shape, decl.layer_var, node[1])
        return tuple(self.value(node).shape)

    def leaf_symbols(self, node: NodeId) -> np.ndarray:
        if node not in self._leaves:
            family, layer = node
            prefix = self._prefix[family] + ("" if layer is None else f"L{layer}")
            self._leaves[node] = _symbols(prefix, self.shape(node))
        return self._leaves[node]

    def all_leaves(self) -> list[NodeId]:
        out = []
        for decl in self.arch.leaves:
            layers = [None] if decl.layers is None else list(decl.layers.span(self.L))
            out += [(decl.family, k) for k in layers]
        return out

    def leaves_with_role(self, role: str) -> list[NodeId]:
        return [n for n in self.all_leaves() if self.leaf_decl(n).role == role]

    def symbols_with_role(self, role: str) -> list:
        return [s for n in self.leaves_with_role(role) for s in self.leaf_symbols(n).flat]

    def target_groups(self) -> list[list]:
        """The target entries a side condition is about, one group per
        example: a vector target is one group, a K×N matrix one per column."""
        groups = []
        for node in self.leaves_with_role("target"):
            arr = self.leaf_symbols(node)
            groups += [list(arr[:, j]) for j in range(arr.shape[1])] if arr.ndim == 2 else [list(arr.flat)]
        return groups

    def positive_symbols(self) -> list:
        return [s for n in self.all_leaves() if self.leaf_decl(n).positive for s in self.leaf_symbols(n).flat]

    def defined_nodes(self) -> list[NodeId]:
        out = []
        for e in self.arch.equations:
            layers = [None] if e.layers is None else list(e.layers.span(self.L))
            out += [(e.family, k) for k in layers if (e.family, k) not in out]
        return out

    def generic_names(self) -> list[str]:
        names = []
        for key, decl in self.arch.functions.items():
            layers = range(1, self.L + 1) if decl.per_layer else [None]
            for k in layers:
                try:
                    choice, name = self.function(key, k)
                except IllFormed:
                    continue
                if choice.builtin == R.GENERIC:
                    names.append(name)
        return names

    def kink_arguments(self) -> list:
        """The arguments u of every step 1{u > 0} in the forward pass (a
        ReLU's pre-activation): where one is 0, a derivative may not exist."""
        key = ("kinks",)
        if key not in self._memo:
            found = {}
            for node in self.defined_nodes():
                if self.arch.label_var is not None and node[0] in self.arch.label_families:
                    continue
                for v in self.value(node).flat:
                    for f in function_atoms(v) if hasattr(v, "args") else ():
                        if R.is_step(f):
                            found.setdefault(f.args[0], None)
            self._memo[key] = list(found)
        return self._memo[key]

    def depends_on_label(self) -> bool:
        return self.arch.label_var is not None

    def label_classes(self) -> int:
        ref = self.arch.label_size
        return self.size(ref.name, None if ref.layer is None else ref.layer.value({"L": self.L}))

    # ------------------------------------------------------------ values
    def cut_symbols(self, node: NodeId) -> np.ndarray:
        """The fresh symbols standing for `node` in a graph cut there."""
        if self.is_leaf(node):
            return self.leaf_symbols(node)
        family, layer = node
        return _symbols(f"cut_{self._prefix[family]}{'' if layer is None else layer}", self.shape(node))

    def value(self, node: NodeId, cut: NodeId | None = None, label: int | None = None) -> np.ndarray:
        """`node` as an expression array, in the graph cut at `cut` (None: uncut).
        `label` is the class label (0-based) for label-dependent losses."""
        if cut is not None and self.is_leaf(cut):
            cut = None  # a leaf is already independent
        key = (node, cut, label)
        if key not in self._memo:
            self._memo[key] = None  # a cycle would come back here
            try:
                self._memo[key] = self._compute(node, cut, label)
            except BaseException:
                self._memo.pop(key, None)
                raise
        elif self._memo[key] is None:
            raise IllFormed(f"{node[0]} is defined in terms of itself")
        return self._memo[key]

    def _compute(self, node: NodeId, cut, label) -> np.ndarray:
        if node == cut:
            return self.cut_symbols(node)
        if self.is_leaf(node):
            return self.leaf_symbols(node)
        eq = self._equation(node)
        if eq is None:
            raise IllFormed(f"{node[0]} does not exist at layer {node[1]}")
        env = Env(world=cut)
        if eq.layer_var is not None:
            env = env.bind(eq.layer_var, node[1])
        if label is not None and self.arch.label_var:
            env = env.bind(self.arch.label_var, label + 1)
        out = np.asarray(self._eval.value(eq.body, env), dtype=object)
        want = self.arch.shapes.get(node[0])
        if want is not None and len(out.shape) != len(want):
            try:
                dims = self._dims(want, "@", node[1])
            except IllFormed:
                dims = None
            if dims is not None and out.size == int(np.prod(dims)):
                out = out.reshape(dims)  # at width 1 a vector comes out as a scalar: give it its rank back
        return out

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


def _symbols(prefix: str, shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        out[idx] = se.Symbol(prefix + "".join(f"_{i + 1}" for i in idx))
    return out
