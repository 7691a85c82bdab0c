"""LaTeX text -> syntax tree (`syntax.Statement`), with errors a student can act on.

The lark grammar lives beside this file in `latex.lark`; the parser is built
on first use, not at import.  Input is capped in size and nesting depth
before lark sees it, and every lark error becomes a `ParseError` with the
offset and a human description of what was expected there.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import lark
from lark import Token as LarkToken

from symbackprop.errors import LimitExceeded, ParseError
from symbackprop.notation import syntax as S
from symbackprop.notation.prepare import MAX_CHARS, MAX_DEPTH, prepare
from symbackprop.notation.transform import ToSyntax

__all__ = ["parse", "parse_display", "MAX_CHARS", "MAX_DEPTH"]


# What a lark terminal means, in the words of someone writing LaTeX.
_HUMAN = {
    "RPAR": "')'", "LPAR": "'('", "RBRACK": "']'", "LBRACK": "'['", "RBRACE": "'}'",
    "LBRACE": "'{'", "RSET": "'\\}'", "LSET": "'\\{'", "RNORM": "closing '\\|'",
    "RANGLE": "'\\rangle'", "LETTER": "a letter", "NUMBER": "a number", "DIGIT": "a digit",
    "EQ": "'='", "PLUS": "'+'", "MINUS": "'-'", "COMMA": "','", "FRAC": "'\\frac'",
    "PARTIAL": "'\\partial'", "GREEK": "a Greek letter", "FONT": "'\\mathbf' or similar",
    "ACCENT": "'\\hat', '\\tilde' or similar", "SUM": "'\\sum'", "TEXT_BODY": "plain text",
    "END_MAT": "'\\end{bmatrix}'", "END_CASES": "'\\end{cases}'", "AMP": "'&'",
    "$END": "the end of the formula", "IMPLIES": "'\\Rightarrow'", "UTRANSPOSE": "'ᵀ'", "COMBINING": "a combining accent",
    "PRECOMPOSED": "an accented letter", "TAG": "a '\\quad (...)' tag", "SEP": "'\\quad'", "CIRCUMFLEX": "'^'", "UNDERSCORE": "'_'",
}


# A bar that both opens and closes: the token, its opening and closing
# names, and the commands that say which one it is.
_BARS = {"NORM": ("LNORM", "RNORM", "\\lVert", "\\rVert"), "ABS": ("LABS", "RABS", "\\lvert", "\\rvert")}


class _NormPostLex:
    """`\\|` both opens and closes a norm, `|` an absolute value; LALR needs
    two tokens for each.  They do not nest, so they alternate (explicit
    \\left, \\right, \\lVert, \\rVert win)."""

    always_accept = tuple(_BARS)

    def process(self, stream):
        is_open = dict.fromkeys(_BARS, False)
        for tok in stream:
            kind = tok.type
            if kind in _BARS:
                left, right, lcmd, rcmd = _BARS[kind]
                text = tok.value.lstrip()
                if text.startswith("\\left") or text.startswith(lcmd):
                    is_open[kind] = False
                elif text.startswith("\\right") or text.startswith(rcmd):
                    is_open[kind] = True
                tok = LarkToken.new_borrow_pos(right if is_open[kind] else left, tok.value, tok)
                is_open[kind] = not is_open[kind]
            yield tok


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    grammar = resources.files(__package__).joinpath("latex.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="lalr", lexer="contextual", postlex=_NormPostLex(),
                     propagate_positions=True, maybe_placeholders=False)


def parse(text: str) -> S.Statement:
    """Parse one claim.  Raises ParseError / LimitExceeded, nothing else."""
    statements = parse_display(text)
    if len(statements) != 1:
        raise ParseError("write one equation here, not several", statements[1].pos)
    return statements[0]


@functools.lru_cache(maxsize=4096)
def parse_display(text: str) -> tuple[S.Statement, ...]:
    """Parse a display: one or more claims separated by `\\quad`, or the rows
    of an aligned environment (`&=` rows continue the chain above them).
    A bare label such as `\\text{(ii)}` is dropped."""
    text = prepare(text)
    try:
        tree = _parser().parse(text)
    except lark.exceptions.UnexpectedCharacters as err:
        raise _unexpected_char(text, err) from None
    except lark.exceptions.UnexpectedToken as err:
        raise _unexpected_token(text, err) from None
    except lark.exceptions.UnexpectedEOF as err:
        raise ParseError(f"formula ends early; expected {_expected(err.expected)}", len(text)) from None
    except RecursionError:
        raise LimitExceeded(f"formula nested too deeply (limit {MAX_DEPTH})", 0) from None
    try:
        return ToSyntax().transform(tree)
    except lark.exceptions.VisitError as err:
        if isinstance(err.orig_exc, ParseError):
            raise err.orig_exc from None
        raise


def _expected(names) -> str:
    labels = sorted({_HUMAN.get(n, n.lower()) for n in names if not n.startswith("__ANON")})
    if len(labels) > 6:
        labels = labels[:6] + ["..."]
    return ", ".join(labels) if labels else "something else"


def _unexpected_char(text: str, err) -> ParseError:
    pos = err.pos_in_stream
    fragment = text[pos: pos + 15]
    if re.match(r"\\begin\s*\{[vV]matrix\}", text[pos:]):
        return ParseError("a determinant or norm written as vmatrix is not supported", pos, fragment)
    if text[pos] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", text[pos:])
        cmd = m.group(0) if m else "\\"
        if cmd in ("\\input", "\\include", "\\write", "\\write18", "\\openout", "\\catcode", "\\def",
                   "\\immediate", "\\newcommand", "\\csname", "\\read"):
            return ParseError(f"TeX command {cmd} is not allowed in a formula", pos, cmd)
        if len(cmd) > 1:
            return ParseError(f"unknown command {cmd}", pos, cmd)
    if text[pos] == "$":
        return ParseError("stray '$' inside the formula", pos, "$")
    return ParseError(f"unexpected character {text[pos]!r}", pos, fragment)


def _unexpected_token(text: str, err) -> ParseError:
    tok = err.token
    if tok.type == "$END":
        return ParseError(f"formula ends early (unbalanced brackets?); expected {_expected(err.expected)}",
                          len(text))
    pos = tok.start_pos if tok.start_pos is not None else 0
    if tok.type == "EQ" and not text[:pos].strip():
        return ParseError("the claim has no left-hand side before '='", pos, "=")
    return ParseError(f"unexpected {tok.value!r}; expected {_expected(err.expected)}", pos, str(tok.value))
