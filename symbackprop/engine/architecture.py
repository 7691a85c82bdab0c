"""A problem's architecture, as declared: the leaves (named tensors with
shapes in size symbols), the forward equations (resolved meaning trees), the
functions and their choices, the loss and the class label.  Pure data, read
by `graph.Network` (one instance) and by the catalogue, grading and tools.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from symbackprop import registry as R
from symbackprop.notation import meaning as M

__all__ = ["SizeRef", "Layers", "LeafDecl", "EquationDecl", "FunctionDecl", "Architecture"]


@dataclass(frozen=True)
class SizeRef:
    """One axis of a shape: a size symbol, maybe indexed by a layer (d_{l+1})."""
    name: str
    layer: M.Lin | None = None

    def __str__(self) -> str:
        return self.name if self.layer is None else f"{self.name}_{{{self.layer}}}"


@dataclass(frozen=True)
class Layers:
    """A layer range lo..hi, both `Lin` forms over L."""
    lo: M.Lin
    hi: M.Lin

    def span(self, L: int) -> range:
        return range(self.lo.value({"L": L}), self.hi.value({"L": L}) + 1)


@dataclass(frozen=True)
class LeafDecl:
    family: str
    shape: tuple[SizeRef, ...]
    role: str                       # input | target | parameter | constant
    layers: Layers | None = None    # a layered leaf: W^{(l)} for l in layers
    layer_var: str | None = None    # the variable its shape is written with
    positive: bool = False          # a constant declared > 0 (a margin, λ)
    latex: str = ""


@dataclass(frozen=True)
class EquationDecl:
    family: str
    body: M.Sem
    layers: Layers | None = None
    layer_var: str | None = None
    latex: str = ""


@dataclass(frozen=True, eq=False)
class FunctionDecl:
    key: str
    choices: tuple[R.Choice, ...]    # the first is the default; --activation picks another
    per_layer: bool = False          # f_l: one function per layer
    latex: str = ""
    by_layer: dict = field(default_factory=dict)   # layer -> Choice, for f_1 = relu, f_2 = identity


@dataclass(frozen=True, eq=False)
class Architecture:
    leaves: tuple[LeafDecl, ...]
    equations: tuple[EquationDecl, ...]
    functions: dict = field(default_factory=dict)   # key -> FunctionDecl
    loss: str | None = None
    label_var: str | None = None     # the class label's index variable (y_i)
    label_size: SizeRef | None = None
    # a defined name's shape in the size symbols, read off the proof instance
    # (where every size differs) by `infer_shapes`: family -> (SizeRef, ...)
    shapes: dict = field(default_factory=dict)

    @functools.cached_property
    def label_families(self) -> frozenset:
        """Defined names whose value depends on the class label (the hinge loss)."""
        if self.label_var is None:
            return frozenset()
        out: set = set()
        changed = True
        while changed:
            changed = False
            for e in self.equations:
                if e.family in out:
                    continue
                uses = self.label_var in M.free_indices(e.body) or any(
                    isinstance(q, M.Quantity) and q.family in out for q in M.walk(e.body))
                if uses:
                    out.add(e.family)
                    changed = True
        return frozenset(out)

    def activation_pairs(self) -> list[tuple[str, str]]:
        """(argument, result) of every equation `a = f(u)` with f an
        elementwise function of one name at the same layer (z = φ(z̃))."""
        out = []
        for e in self.equations:
            body = e.body
            if not (isinstance(body, M.Apply) and len(body.args) == 1 and isinstance(body.args[0], M.Quantity)):
                continue
            fn = body.fn.rstrip("'")
            entry = R.lookup(fn)
            declared = self.functions.get(fn[1:]) if fn.startswith("@") else None
            elementwise = (entry is not None and entry.elementwise) or (
                declared is not None and all(c.entry is None or c.entry.elementwise for c in
                                             list(declared.choices) + list(declared.by_layer.values())))
            arg = body.args[0]
            same_layer = (arg.layer is None) == (e.layers is None) and (
                e.layer_var is None or arg.layer == M.Lin(((e.layer_var, 1),), 0))
            if elementwise and same_layer and (arg.family, e.family) not in out:
                out.append((arg.family, e.family))
        return out

    def leaf(self, family: str) -> LeafDecl | None:
        return next((x for x in self.leaves if x.family == family), None)

    def equations_of(self, family: str) -> list[EquationDecl]:
        return [e for e in self.equations if e.family == family]
