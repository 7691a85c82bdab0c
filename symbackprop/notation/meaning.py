"""The meaning of a claim: the typed tree `resolve` builds from the syntax.

Names are gone: a node says "the pre-activation of layer L-1", "entry (i, j)",
"the Kronecker delta of i and j", "φ' applied elementwise".  Layers are
`Lin` forms over the last layer L and free layer variables; indices are
`Idx` terms.  `free_indices` and `layer_vars` read off what a claim is
quantified over.  Frozen and hashable, so evaluation can memoize on nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

__all__ = [
    "Lin", "Idx", "Sem", "Quantity", "DefRef", "Entry", "Transpose", "Power", "Neg", "Add",
    "Mul", "Hadamard", "Div", "Deriv", "SumOver", "Kron", "IndexValue", "Cond", "Ones", "Apply", "Number",
    "Literal", "Size", "Norm", "Identity", "Inner", "Piecewise", "Trace", "free_indices", "layer_vars",
    "walk",
]


@dataclass(frozen=True)
class Lin:
    """A layer label: const + Σ coef·var, where var is "L" (the last layer)
    or a free layer variable such as "l"."""
    terms: tuple[tuple[str, int], ...] = ()
    const: int = 0

    def value(self, env: dict) -> int:
        return self.const + sum(c * env[v] for v, c in self.terms)

    def vars(self) -> set[str]:
        return {v for v, _ in self.terms}

    def __str__(self) -> str:
        parts = [(f"{v}" if c == 1 else f"{c}{v}") for v, c in self.terms]
        s = " + ".join(parts)
        if self.const or not s:
            s = f"{s}{'+' if self.const > 0 and s else ''}{self.const}" if s else str(self.const)
        return s.replace("+-", "-")


@dataclass(frozen=True)
class Idx:
    """An index term: a variable plus offset, a fixed 1-based value, or `all`
    (the `\\cdot` of a row or column).  `label` marks a class label y_i."""
    var: Optional[str] = None
    offset: int = 0
    fixed: Optional[int] = None
    all: bool = False

    def __str__(self) -> str:
        if self.all:
            return "·"
        if self.var is None:
            return str(self.fixed)
        return self.var + (f"{self.offset:+d}" if self.offset else "")


@dataclass(frozen=True)
class Sem:
    pos: int = field(default=0, compare=False, kw_only=True)
    text: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class Quantity(Sem):
    family: str
    layer: Optional[Lin] = None
    label: str = ""  # how it was written, for messages


@dataclass(frozen=True)
class DefRef(Sem):
    """A defined name (δ^{(l)}), expanded at evaluation with its layer."""
    name: str
    layer: Optional[Lin] = None
    label: str = ""


@dataclass(frozen=True)
class Entry(Sem):
    base: Sem
    indices: tuple[Idx, ...]


@dataclass(frozen=True)
class Transpose(Sem):
    operand: Sem


@dataclass(frozen=True)
class Power(Sem):
    base: Sem
    exponent: Sem


@dataclass(frozen=True)
class Neg(Sem):
    operand: Sem


@dataclass(frozen=True)
class Add(Sem):
    left: Sem
    right: Sem
    sign: int = 1


@dataclass(frozen=True)
class Mul(Sem):
    """A product; `dot` marks \\cdot, which between two vectors is the dot product."""
    left: Sem
    right: Sem
    dot: bool = False


@dataclass(frozen=True)
class Hadamard(Sem):
    left: Sem
    right: Sem
    divide: bool = False


@dataclass(frozen=True)
class Div(Sem):
    num: Sem
    den: Sem


@dataclass(frozen=True)
class Deriv(Sem):
    """∂num/∂wrt; wrt is a Quantity or an Entry of one."""
    num: Sem
    wrt: Sem
    gradient: bool = False  # written with \nabla


@dataclass(frozen=True)
class SumOver(Sem):
    var: str
    body: Sem
    lower: Optional[Sem] = None
    upper: Optional[Sem] = None
    exclude: Optional[Idx] = None


@dataclass(frozen=True)
class Kron(Sem):
    """δ_{ij} or 1_i^j: 1 if the two indices are equal."""
    a: Idx
    b: Idx


@dataclass(frozen=True)
class IndexValue(Sem):
    """An index used as a number, in a condition: the j of `j \\neq y_i`."""
    idx: Idx


@dataclass(frozen=True)
class Cond(Sem):
    """1{left rel right} for a numeric comparison."""
    left: Sem
    rel: str
    right: Sem


@dataclass(frozen=True)
class Ones(Sem):
    size: Sem


@dataclass(frozen=True)
class Apply(Sem):
    """A function applied elementwise: exp, log, relu, step, softmax, max,
    or the problem's activation (`act`, `act'`) of a layer."""
    fn: str
    args: tuple[Sem, ...]
    layer: Optional[Lin] = None


@dataclass(frozen=True)
class Number(Sem):
    value: Fraction
    digits: Optional[str] = None  # the printed decimal, for worked examples


@dataclass(frozen=True)
class Literal(Sem):
    """A written matrix \\begin{bmatrix}...\\end{bmatrix}."""
    rows: tuple[tuple[Sem, ...], ...]


@dataclass(frozen=True)
class Size(Sem):
    """A size name: C, N, d_l."""
    kind: str
    layer: Optional[Lin] = None


@dataclass(frozen=True)
class Norm(Sem):
    operand: Sem
    p: str = ""          # "" or "F": Frobenius (Euclidean for a vector); "2": only for a vector


@dataclass(frozen=True)
class Identity(Sem):
    """The identity matrix I (I_n with its size), of the size its neighbour needs."""
    size: Optional[Sem] = None


@dataclass(frozen=True)
class Inner(Sem):
    left: Sem
    right: Sem


@dataclass(frozen=True)
class Trace(Sem):
    operand: Sem


@dataclass(frozen=True)
class Piecewise(Sem):
    rows: tuple[tuple[Sem, Optional[Sem]], ...]  # (value, condition or None = otherwise)


def walk(node):
    """Every Sem node under `node`, itself included."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        yield n
        for f in n.__dataclass_fields__:
            v = getattr(n, f)
            if isinstance(v, Sem):
                stack.append(v)
            elif isinstance(v, tuple):
                for x in v:
                    if isinstance(x, Sem):
                        stack.append(x)
                    elif isinstance(x, tuple):
                        stack.extend(y for y in x if isinstance(y, Sem))


def _idx_vars(node) -> list[Idx]:
    if isinstance(node, Entry):
        return list(node.indices)
    if isinstance(node, Kron):
        return [node.a, node.b]
    if isinstance(node, IndexValue):
        return [node.idx]
    if isinstance(node, SumOver) and node.exclude is not None:
        return [node.exclude]
    return []


def free_indices(node) -> set[str]:
    """Index variables not bound by a sum (a sum's variable shadows a free
    index of the same name inside its body only)."""
    if isinstance(node, SumOver):
        inner = free_indices(node.body) - {node.var}
        outer = set()
        for bound in (node.lower, node.upper):
            if bound is not None:
                outer |= free_indices(bound)
        if node.exclude is not None and node.exclude.var:
            outer.add(node.exclude.var)
        return inner | outer
    out = {i.var for i in _idx_vars(node) if i.var}
    for f in node.__dataclass_fields__:
        v = getattr(node, f)
        children = [v] if isinstance(v, Sem) else []
        if isinstance(v, tuple):
            for x in v:
                if isinstance(x, Sem):
                    children.append(x)
                elif isinstance(x, tuple):
                    children.extend(y for y in x if isinstance(y, Sem))
        for c in children:
            out |= free_indices(c)
    return out


def layer_vars(node) -> set[str]:
    out: set[str] = set()
    for n in walk(node):
        for f in ("layer",):
            lin = getattr(n, f, None)
            if isinstance(lin, Lin):
                out |= lin.vars() - {"L"}
    return out
