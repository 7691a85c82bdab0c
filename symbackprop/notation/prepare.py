"""Formula text before the grammar sees it: caps, math delimiters, aligned rows.

Every step keeps character offsets pointing into the original text, so an
error's caret lands where the student typed.
"""

from __future__ import annotations

import re

from symbackprop.errors import LimitExceeded, ParseError

__all__ = ["prepare", "MAX_CHARS", "MAX_DEPTH"]

# Characters with an ASCII twin of the same length (so offsets stay right).
_SAME_LENGTH = str.maketrans({"−": "-", "–": "-", "\u00a0": " ", "＝": "="})

MAX_CHARS = 10_000
MAX_DEPTH = 40


def prepare(text: str) -> str:
    """Check the caps and turn `$...$`/aligned displays into plain claim text."""
    if not isinstance(text, str):
        raise ParseError("input is not text", 0)
    if len(text) > MAX_CHARS:
        raise LimitExceeded(f"formula too long: {len(text)} characters (limit {MAX_CHARS})", 0)
    text = _flatten_aligned(_strip_math_delimiters(text.translate(_SAME_LENGTH)))
    if not text.strip():
        raise ParseError("empty formula", 0)
    _check_depth(text)
    return text


_ALIGNED = re.compile(r"\\(begin|end)\s*\{(aligned|align\*?|split|gathered|eqnarray\*?)\}")
_RELATION_START = re.compile(r"(=|<|>|:=|\\(leq?|geq?|neq?)(?![A-Za-z]))")
_ROW_START = re.compile(r"[\s&]*")
_ROW_BREAK = "\ue000\ue000"  # the SEP terminal for a row that starts a new equation


def _flatten_aligned(text: str) -> str:
    """Turn an aligned environment into the claims it writes, keeping every
    offset: `A &= B \\\\ &= C` becomes the chain `A = B = C`; a row that
    does not start with a relation starts a new equation."""
    if not _ALIGNED.search(text):
        return text
    out = list(_ALIGNED.sub(lambda m: " " * len(m.group(0)), text))
    env = brace = 0
    i = 0
    while i < len(text):
        if text.startswith("\\begin", i) and not _ALIGNED.match(text, i):
            env += 1
        elif text.startswith("\\end", i) and not _ALIGNED.match(text, i):
            env -= 1
        ch = text[i]
        if ch == "{":  # escaped braces are skipped below, so these are groups
            brace += 1
        elif ch == "}":
            brace -= 1
        top = env == 0 and brace == 0
        if top and ch == "&":
            out[i] = " "
        elif top and text.startswith("\\\\", i):
            nxt = _ROW_START.match(text, i + 2).end()
            chain = nxt == len(text) or _ALIGNED.match(text, nxt) or _RELATION_START.match(text, nxt)
            out[i:i + 2] = "  " if chain else _ROW_BREAK
            i += 2
            continue
        elif ch == "\\":
            i += 2  # skip an escaped character such as \{ or \&
            continue
        i += 1
    return "".join(out)


def _strip_math_delimiters(text: str) -> str:
    stripped = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if stripped.startswith(left) and stripped.endswith(right) and len(stripped) > len(left) + len(right):
            inner = stripped[len(left): len(stripped) - len(right)]
            pad = text.index(left) + len(left)
            return " " * pad + inner  # keep offsets pointing into the original
    return text


def _check_depth(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitExceeded(f"formula nested too deeply (more than {MAX_DEPTH} levels)", i, text[i: i + 20])
        elif ch in ")}]":
            depth -= 1
    frac_count = text.count("\\frac")
    if frac_count > 4 * MAX_DEPTH:
        raise LimitExceeded(f"too many fractions ({frac_count})", text.find("\\frac"))
