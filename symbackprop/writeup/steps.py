"""A write-up's math as steps: each link `A rel B` of a chain, with where its
right side starts.

`A = B = C` is two steps.  A display (or an aligned row) that starts with a
relation continues the chain above it, across blank lines and short prose,
as seeds 000 and 002 write their derivations; a display that starts with
`\\Rightarrow` starts a new chain (a consequence, checked on its own);
`\\quad` separates independent equations.  Math introduced by "let",
"where", "define", "denote", "writing", "with", or written with `:=`,
`\\coloneqq`, `\\equiv`, is a definition, not a step.  Parsing is the
grammar's (positions point into the student's text); a piece that does not
parse is one `Unreadable` with its position, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symbackprop.errors import InputError
from symbackprop.notation.parser import parse_display
from symbackprop.writeup.source import Piece

__all__ = ["Link", "Definition", "Unreadable", "steps_of"]

_DEFINING_WORDS = ("let", "where", "define", "defining", "denote", "denoting", "writing", "write", "with", "set")
_DEFINING_SIGNS = (":=", "\\coloneqq", "\\equiv", "=:")
_RELATION_START = re.compile(r"\s*(=|<|>|\\(leq?|geq?|neq?|approx)(?![A-Za-z]))")
_IMPLIES_START = re.compile(r"\s*(\\Rightarrow|\\implies|⇒)")
_SHORT_PROSE = 80   # characters of prose between two displays that still continue a chain
_ROW_ENVIRONMENTS = ("align", "eqnarray", "gather", "multline", "aligned", "split")


@dataclass(frozen=True)
class Link:
    left: str          # the two sides as the student wrote them
    rel: str
    right: str
    line: int          # where the right side starts (1-based)
    col: int
    chain: int         # links of one chain share this number


@dataclass(frozen=True)
class Definition:
    text: str
    line: int
    col: int


@dataclass(frozen=True)
class Unreadable:
    text: str
    line: int
    col: int
    message: str


def _at(piece: Piece, offset: int) -> tuple[int, int]:
    """Line and column of an offset into a piece's text."""
    before = piece.text[:offset]
    lines = before.count("\n")
    if not lines:
        return piece.line, piece.col + offset
    return piece.line + lines, offset - before.rfind("\n")


def _is_definition(piece: Piece, prose_before: str) -> bool:
    if any(sign in piece.text for sign in _DEFINING_SIGNS):
        return True
    words = re.findall(r"[A-Za-z]+", prose_before.lower())
    return bool(words) and words[-1] in _DEFINING_WORDS


def steps_of(pieces: list[Piece]) -> list:
    """Links, definitions and unreadable pieces, in the order written."""
    out: list = []
    chain, last_right, prose = -1, None, ""
    for piece in pieces:
        if piece.kind == "heading":   # a new section: no chain runs across it
            last_right, prose = None, ""
            continue
        if piece.kind == "prose":
            prose = (prose + " " + piece.text)[-400:]
            continue
        if not piece.display and not _RELATION_START.match(piece.text) and "=" not in piece.text:
            prose += " " + piece.text   # inline math that states nothing ($i \in [d_L]$) reads as prose
            continue
        if _is_definition(piece, prose):
            out.append(Definition(piece.text, piece.line, piece.col))
            prose = ""
            continue
        continues = bool(_RELATION_START.match(piece.text)) and last_right is not None and \
            len(prose.strip()) <= _SHORT_PROSE
        prefix = ""
        if continues:
            prefix = last_right + " "
        else:
            chain += 1
        text, suffix = piece.text, ""
        if piece.env.rstrip("*") in _ROW_ENVIRONMENTS:   # rows: `&=` continues the chain, `\\` ends a row
            prefix, suffix = prefix + "\\begin{aligned}", "\\end{aligned}"
        if _IMPLIES_START.match(text):
            text = " " * _IMPLIES_START.match(text).end() + text[_IMPLIES_START.match(text).end():]
        try:
            statements = parse_display(prefix + text + suffix)
        except InputError as err:
            pos = max(0, (err.pos or 0) - len(prefix))
            out.append(Unreadable(piece.text, *_at(piece, pos), err.message))
            last_right, prose = None, ""
            continue
        last_right = None
        for k, stmt in enumerate(statements):
            if k:
                chain += 1      # \quad: an independent equation
            for s, seg in enumerate(stmt.segments):
                if s:
                    chain += 1  # A ⇒ B: the consequence is checked on its own
                source = prefix + text + suffix
                for a, rel, b in zip(seg.exprs, seg.rels, seg.exprs[1:]):
                    left, right = source[a.pos:a.end], source[b.pos:b.end]
                    line, col = _at(piece, max(0, b.pos - len(prefix)))
                    out.append(Link(left.strip(), rel, right.strip(), line, col, chain))
                if seg.exprs:
                    last = seg.exprs[-1]
                    last_right = source[last.pos:last.end].strip()
        prose = ""
    return out
