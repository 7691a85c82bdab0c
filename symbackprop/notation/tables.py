"""A problem's notation tables, and small readers of written scripts.

`NameRule` says what one written name means; `Notation` collects them with
the letters used for layer variables and the last layer.  The helpers
recognise transposes, primes, word subscripts and combine layer labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbackprop.notation import meaning as M
from symbackprop.notation import syntax as S

__all__ = ["NameRule", "Notation", "read_layer", "prime_count"]


@dataclass(frozen=True)
class NameRule:
    """What one written name means.  kind: quantity | definition | size |
    activation | derivative-op | constant | label | kron-or-definition."""
    kind: str
    family: str = ""          # network node family, definition name or size kind
    layer: str = "none"       # where its layer label is written: sup | sub | none | last (always L)
    offset: int = 0           # node layer = written layer + offset
    fixed_layer: int | None = None
    takes_args: bool = False  # `Err(y, z)`: the argument list is decoration
    example: str = ""         # "sup": a `^{(i)}` names the example (one example here) and is dropped


@dataclass(frozen=True)
class Notation:
    names: dict = field(default_factory=dict)        # key -> NameRule
    layer_vars: tuple[str, ...] = ("l",)
    last_layer: str = "L"
    takes_args: frozenset = frozenset()   # families written with their inputs: the loss L(ŷ, y), Err(y, z)



def _shift(lin: M.Lin, offset: int) -> M.Lin:
    return M.Lin(lin.terms, lin.const + offset)


def _combine(a: M.Lin, b: M.Lin, sign: int) -> M.Lin:
    terms = dict(a.terms)
    for v, c in b.terms:
        terms[v] = terms.get(v, 0) + sign * c
    return M.Lin(tuple((v, c) for v, c in sorted(terms.items()) if c), a.const + sign * b.const)


def _is_letter(node, letter) -> bool:
    return isinstance(node, S.Name) and node.base == letter and node.kind == "letter"


def _is_transpose(node) -> bool:
    return (isinstance(node, S.Token) and node.kind == "transpose") or _is_letter(node, "T")


def _is_prime(node) -> bool:
    return prime_count(node) > 0


def prime_count(node) -> int:
    """`^\\prime` is one prime, `^{\\prime\\prime}` two; anything else none."""
    if isinstance(node, S.Token) and node.kind == "prime_cmd":
        return 1
    if isinstance(node, S.Product) and all(isinstance(i, S.Token) and i.kind == "prime_cmd" for i in node.items):
        return len(node.items)
    return 0


def _word(node) -> str:
    if isinstance(node, S.Name) and node.kind in ("letter", "text"):
        return node.base
    if isinstance(node, S.Num):
        return node.text
    if isinstance(node, S.Product) and all(isinstance(i, S.Name) and i.kind == "letter" for i in node.items):
        return "".join(i.base for i in node.items)
    return ""


def read_layer(node, notation: Notation) -> M.Lin | None:
    """A written layer label (`L-1`, `(l+1)`, `2`) as a Lin, or None."""
    if isinstance(node, S.Group) and len(node.items) == 1:
        return read_layer(node.items[0], notation)
    if isinstance(node, S.Num) and node.text.isdigit():
        return M.Lin((), int(node.text))
    if isinstance(node, S.Name) and node.kind == "letter" and not node.accents:
        if node.base == notation.last_layer:
            return M.Lin((("L", 1),), 0)
        if node.base in notation.layer_vars:
            return M.Lin(((node.base, 1),), 0)
        return None
    if isinstance(node, (S.Add, S.Sub)):
        a, b = read_layer(node.left, notation), read_layer(node.right, notation)
        if a is None or b is None:
            return None
        return _combine(a, b, 1 if isinstance(node, S.Add) else -1)
    if isinstance(node, S.Neg):
        inner = read_layer(node.operand, notation)
        return None if inner is None else _combine(M.Lin(), inner, -1)
    return None
