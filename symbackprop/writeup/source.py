"""A student's write-up, read into its pieces: math (with where it starts)
and the prose between.

Markdown is read with a real parser (markdown-it-py, with the dollar-math
and bracket-math plugins): `$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]` and
```` ```math ```` fences are math; code spans, code blocks and other fences
are not.  LaTeX is read by a small scanner over its tokens: `equation`,
`align`, `gather`, `multline` (and their starred forms), `$…$`, `$$…$$`,
`\\[…\\]`, `\\(…\\)` are math; `%` comments and `\\verb` are skipped.
Nothing is ever executed or expanded: the pieces are text, and the grammar
reads the math later.  Pure: text in, pieces out.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

__all__ = ["Piece", "read_markdown", "read_latex", "read_source", "MAX_SOURCE"]

MAX_SOURCE = 2_000_000   # characters: a write-up is hostile input
MATH_ENVIRONMENTS = ("equation", "align", "gather", "multline", "eqnarray")


@dataclass(frozen=True)
class Piece:
    kind: str        # "math" | "prose" | "heading"
    text: str
    line: int        # 1-based line where the text starts
    col: int         # 1-based column
    display: bool = False
    env: str = ""    # $, $$, \(, \[, math (a fence), or the LaTeX environment


def _position(src: str, offset: int) -> tuple[int, int]:
    line = src.count("\n", 0, offset) + 1
    start = src.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def _parser() -> MarkdownIt:
    return (MarkdownIt("commonmark")
            .use(dollarmath_plugin, allow_space=True, double_inline=True)
            .use(texmath_plugin, delimiters="brackets"))


def read_markdown(src: str) -> list[Piece]:
    """Math and prose of a Markdown write-up, in order."""
    src = src[:MAX_SOURCE]
    starts = [0]
    for k, ch in enumerate(src):
        if ch == "\n":
            starts.append(k + 1)
    out: list[Piece] = []
    cursor = 0

    def locate(content: str, hint: int) -> int:
        at = src.find(content.strip(), max(cursor, hint)) if content.strip() else -1
        return at if at >= 0 else max(cursor, hint)

    heading = False
    for tok in _parser().parse(src):
        heading = {"heading_open": True, "heading_close": False}.get(tok.type, heading)
        hint = starts[tok.map[0]] if tok.map and tok.map[0] < len(starts) else cursor
        if tok.type in ("math_block", "math_block_eqno", "math_block_label") or (
                tok.type == "fence" and tok.info.strip().lower() == "math"):
            at = locate(tok.content, hint)
            out.append(Piece("math", tok.content.strip(), *_position(src, at), True,
                             "math" if tok.type == "fence" else "$$"))
            cursor = at + len(tok.content.strip())
        elif tok.type == "inline":
            for child in tok.children or []:
                if child.type in ("math_inline", "math_inline_double"):
                    at = locate(child.content, hint)
                    out.append(Piece("math", child.content.strip(), *_position(src, at),
                                     child.type == "math_inline_double", "$"))
                    cursor = at + len(child.content.strip())
                elif child.type == "text" and child.content.strip():
                    at = locate(child.content, hint)
                    out.append(Piece("heading" if heading else "prose", child.content, *_position(src, at)))
    return out


def read_latex(src: str) -> list[Piece]:
    """Math and prose of a LaTeX write-up, in order (a scanner, not a TeX engine)."""
    src = src[:MAX_SOURCE]
    out: list[Piece] = []
    k, prose_start, n = 0, 0, len(src)

    def prose(until: int) -> None:
        text = src[prose_start:until]
        if text.strip():
            out.append(Piece("prose", text, *_position(src, prose_start)))

    while k < n:
        ch = src[k]
        if ch == "%" and (k == 0 or src[k - 1] != "\\"):          # a comment, to the end of the line
            prose(k)
            end = src.find("\n", k)
            k = prose_start = n if end < 0 else end + 1
            continue
        if src.startswith("\\verb", k) and k + 5 < n and not src[k + 5].isalpha():
            end = src.find(src[k + 5], k + 6)                      # \verb|...|: text, never math
            k = n if end < 0 else end + 1
            continue
        found = _math_at(src, k)
        if found is None:
            k += 1
            continue
        body_start, body_end, end, env, display = found
        prose(k)
        body = src[body_start:body_end]
        skip = len(body) - len(body.lstrip())
        out.append(Piece("math", body.strip(), *_position(src, body_start + skip), display, env))
        k = prose_start = end
    prose(n)
    return out


def _math_at(src: str, k: int):
    """(body start, body end, end, env, display) of math opening at k, else None."""
    if src.startswith("\\begin{", k):
        close = src.find("}", k)
        name = src[k + 7:close] if close > 0 else ""
        if name.rstrip("*") in MATH_ENVIRONMENTS:
            end_tag = "\\end{" + name + "}"
            stop = src.find(end_tag, close)
            if stop >= 0:
                return close + 1, stop, stop + len(end_tag), name, True
        return None
    for open_, close_, env, display in (("$$", "$$", "$$", True), ("\\[", "\\]", "\\[", True),
                                        ("\\(", "\\)", "\\(", False), ("$", "$", "$", False)):
        if src.startswith(open_, k) and (k == 0 or src[k - 1] != "\\"):
            stop = src.find(close_, k + len(open_))
            while stop > 0 and src[stop - 1] == "\\" and close_ == "$":
                stop = src.find(close_, stop + 1)                  # \$ is a dollar, not a delimiter
            if stop < 0:
                return None
            return k + len(open_), stop, stop + len(close_), env, display
    return None


def read_source(src: str, name: str = "") -> list[Piece]:
    """By the file's kind: LaTeX for .tex, Markdown otherwise."""
    return read_latex(src) if name.lower().endswith(".tex") else read_markdown(src)
