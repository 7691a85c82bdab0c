"""The syntax tree of a claim: what was written, before any meaning is given.

The grammar (`latex.lark`) fixes structure only; these frozen dataclasses are
what the transformer builds from it.  Whether `W_l` is a layer label or an
entry, whether `\\phi (x)` is an application or a product, is decided later by
`resolve`, which knows the problem's notation.  Every node carries `pos`, the
offset in the input, so that later errors can point at the fragment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

__all__ = [
    "Node", "Name", "Num", "Token", "Scripted", "Add", "Sub", "Neg", "Hadamard",
    "Product", "Sum", "DerivOp", "Nabla", "Frac", "Deriv", "Norm", "Inner",
    "Cases", "Matrix", "Group", "Segment", "Statement",
]


@dataclass(frozen=True)
class Node:
    pos: int = field(default=0, compare=False, kw_only=True)
    end: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Name(Node):
    """A letter or command with its decorations: `\\hat{\\underline{y}}` is
    Name("y", accents=("hat",), styles=("ul",))."""
    base: str
    accents: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    kind: str = "letter"  # letter | greek | text | func | one | one_bb

    @property
    def key(self) -> str:
        """The name as the notation tables spell it: accents and the
        calligraphic style kept, bold and underline dropped (presentation)."""
        prefix = "".join(f"{a} " for a in sorted(self.accents))  # \hat{\hat{y}} is not ŷ
        if "cal" in self.styles:
            prefix += "cal "
        if "bb" in self.styles:
            prefix += "bb "
        return prefix + self.base


@dataclass(frozen=True)
class Num(Node):
    text: str


@dataclass(frozen=True)
class Token(Node):
    """A bare symbol with no value of its own: \\cdot, \\top, \\prime, *, a digit."""
    kind: str
    text: str = ""


@dataclass(frozen=True)
class Scripted(Node):
    """`base` followed by sub/superscripts and primes, in written order."""
    base: Node
    posts: tuple[tuple[str, Optional[Node]], ...]  # ("sub", n) ("sup", n) ("prime", None)


@dataclass(frozen=True)
class Add(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Sub(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class Hadamard(Node):
    left: Node
    right: Node
    divide: bool = False  # \oslash: elementwise division


@dataclass(frozen=True)
class Product(Node):
    """Juxtaposed items, `\\cdot` kept as a Token between them."""
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Sum(Node):
    under: Optional[Node]
    over: Optional[Node]
    body: Node


@dataclass(frozen=True)
class DerivOp(Node):
    """`\\frac{\\partial}{\\partial wrt} body`."""
    wrt: Node
    body: Node


@dataclass(frozen=True)
class Nabla(Node):
    wrt: Node
    body: Node


@dataclass(frozen=True)
class Frac(Node):
    num: Node
    den: Node


@dataclass(frozen=True)
class Deriv(Node):
    """`\\frac{\\partial num}{\\partial wrt}`."""
    num: Node
    wrt: Node


@dataclass(frozen=True)
class Norm(Node):
    operand: Node


@dataclass(frozen=True)
class Inner(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Cases(Node):
    rows: tuple[tuple[Node, Node], ...]  # (value, condition segment)


@dataclass(frozen=True)
class Matrix(Node):
    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Group(Node):
    """Brackets of any kind: kind is paren | bracket | brace | set."""
    kind: str
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Segment(Node):
    """`e0 r1 e1 r2 e2 ...`: a relation chain (or a lone expression)."""
    exprs: tuple[Node, ...]
    rels: tuple[str, ...]


@dataclass(frozen=True)
class Statement(Node):
    """Segments joined by `\\Rightarrow`."""
    segments: tuple[Segment, ...]
