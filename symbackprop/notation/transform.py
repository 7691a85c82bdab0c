"""Lark parse tree -> syntax tree (`syntax.Statement`): the transformer.

Names, fonts, accents (LaTeX commands or Unicode combining marks), Greek
letters, scripts and groups become typed `syntax` nodes with their source
span; a lone label such as `(ii)` is recognised here so the parser can drop
it.  No meaning is decided here: that is the resolver's job.
"""

from __future__ import annotations

import re
import unicodedata

from lark import Token as LarkToken, Transformer, v_args

from symbackprop.errors import ParseError
from symbackprop.notation import syntax as S

__all__ = ["ToSyntax"]


def _span(meta) -> dict:
    if getattr(meta, "empty", True):
        return {}
    return {"pos": meta.start_pos, "end": meta.end_pos}


def _tok(t: LarkToken) -> dict:
    return {"pos": t.start_pos or 0, "end": t.end_pos or 0}


_STYLE = {"mathbf": "bf", "boldsymbol": "bf", "bm": "bf", "pmb": "bf", "mathcal": "cal",
          "mathscr": "cal", "mathbb": "bb", "mathrm": "rm", "mathit": "", "underline": "ul",
          "mathsf": "sf"}
_ACCENT = {"tilde": "tilde", "widetilde": "tilde", "hat": "hat", "widehat": "hat", "bar": "bar",
           "overline": "bar", "vec": "vec", "dot": "dot"}


# Combining marks (after a letter, or inside a precomposed one) -> accent.
_COMBINING = {"\u0303": "tilde", "\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0307": "dot",
              "\u20d7": "vec"}

def _spanned(node, meta):
    """A decorated name spans its decoration: \\hat{\\hat{y}}, not the inner y."""
    if isinstance(node, S.Name):
        return S.Name(node.base, node.accents, node.styles, node.kind, **_span(meta))
    return node


_COSMETIC_ZERO = {"bf", "ul", "rm", "sf", None}


def _restyle(node: S.Node, style: str | None = None, accent: str | None = None) -> S.Node:
    """Apply a font or accent to the name inside `node` (which may carry scripts)."""
    if isinstance(node, S.Name):
        styles = node.styles + ((style,) if style else ())
        accents = node.accents + ((accent,) if accent else ())
        return S.Name(node.base, accents, styles, node.kind, pos=node.pos, end=node.end)
    if isinstance(node, S.Scripted):
        return S.Scripted(_restyle(node.base, style, accent), node.posts, pos=node.pos, end=node.end)
    if isinstance(node, S.Num) and node.text == "0" and accent is None and style in _COSMETIC_ZERO:
        return node  # \mathbf{0}: the zero vector is written bold
    raise ParseError("a font or accent must decorate a name", node.pos)


# Greek letters typed as Unicode (pasted from a PDF, or OCR) name what their commands name.
_UNICODE_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
                  "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
                  "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "varphi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
                  "ω": "omega", "Δ": "Delta", "Φ": "Phi", "ℓ": "ell"}


def _greek_name(text: str) -> str:
    return text[1:] if text.startswith("\\") else _UNICODE_GREEK[text]


def _is_label(statement: S.Statement) -> bool:
    """`\\text{(ii)}` in front of an equation numbers it; it claims nothing."""
    (seg,) = statement.segments if len(statement.segments) == 1 else (None,)
    return seg is not None and not seg.rels and len(seg.exprs) == 1 and \
        isinstance(seg.exprs[0], S.Name) and seg.exprs[0].kind == "text" and \
        bool(_LABEL.fullmatch(seg.exprs[0].base))


# What a label looks like: (ii), (1), (a), 3., (*) — not words, which may be a condition.
_LABEL = re.compile(r"\(?[0-9]{1,3}[a-z]?\)?\.?|\(?[ivx]{1,5}\)?\.?|\([a-z]\)|\(\*\)|\*")


def _as_name(inner):
    """A bare LETTER or GREEK token as a Name (a styled or accented group is one already)."""
    if isinstance(inner, LarkToken):
        return S.Name(_greek_name(str(inner)) if inner.type == "GREEK" else str(inner),
                      kind="greek" if inner.type == "GREEK" else "letter", **_tok(inner))
    return inner


@v_args(meta=True)
class ToSyntax(Transformer):
    """Parse tree -> frozen dataclasses; one method per grammar alias."""

    def start(self, meta, children):
        statements = tuple(c for c in children if isinstance(c, S.Statement))
        claims = tuple(st for st in statements if not _is_label(st))
        return claims or statements

    def statement(self, meta, children):
        segs = [c if isinstance(c, S.Segment) else S.Segment((c,), (), pos=c.pos, end=c.end)
                for c in children if isinstance(c, S.Node)]
        return S.Statement(tuple(segs), **_span(meta))

    def segment(self, meta, children):
        exprs, rels = [], []
        for c in children:
            (rels if isinstance(c, str) else exprs).append(c)
        if not rels:
            return exprs[0]
        return S.Segment(tuple(exprs), tuple(rels), **_span(meta))

    def relation(self, meta, children):
        return {"EQ": "=", "DEFEQ": "=", "LE": "<=", "GE": ">=", "LT": "<", "GT": ">",
                "NE": "!=", "GETS": "<-"}[children[0].type]

    def add(self, meta, c):
        return S.Add(c[0], c[1], **_span(meta))

    def sub(self, meta, c):
        if len(c) == 1:  # the postfix `_ script` alias shares this name
            return ("sub", c[0])
        return S.Sub(c[0], c[1], **_span(meta))

    def neg(self, meta, c):
        return S.Neg(c[0], **_span(meta))

    def term(self, meta, c):  # unary plus
        return c[-1]

    def hadamard(self, meta, c):
        return S.Hadamard(c[0], c[2], "oslash" in str(c[1]) or "⊘" in str(c[1]), **_span(meta))

    def product(self, meta, c):
        items = tuple(S.Token(x.type.lower(), str(x), **_tok(x)) if isinstance(x, LarkToken) else x
                      for x in c)
        if len(items) == 1:  # `^{\top}` is the same token as `^\top`
            return items[0]
        return S.Product(items, **_span(meta))

    def sum(self, meta, c):
        under = over = None
        for x in c[1:-1]:
            if x[0] == "under":
                under = x[1]
            else:
                over = x[1]
        return S.Sum(under, over, c[-1], **_span(meta))

    def sum_under(self, meta, c):
        return ("under", c[0])

    def sum_under_list(self, meta, c):  # \sum_{l=1, l \neq y_i}, \sum_{i,j}
        return ("under", S.Group("list", tuple(c), **_span(meta)))

    def sum_over(self, meta, c):
        return ("over", c[0])

    def dop(self, meta, c):
        return S.DerivOp(c[3], c[4], **_span(meta))  # \frac, \partial, \partial, wrt, body

    def nabla(self, meta, c):
        return S.Nabla(c[1], c[2], **_span(meta))

    def factor(self, meta, c):
        posts = []
        for post in c[1:]:  # ″ is two primes
            posts += [("prime", None)] * 2 if post[0] == "double prime" else [post]
        return S.Scripted(c[0], tuple(posts), **_span(meta))

    def sup(self, meta, c):
        return ("sup", c[0])

    def prime(self, meta, c):
        return ("double prime", None) if str(c[0]) == "″" else ("prime", None)

    def transposed(self, meta, c):  # Wᵀ
        return ("sup", S.Token("transpose", str(c[0]), **_tok(c[0])))

    def number(self, meta, c):
        return S.Num(str(c[0]), **_tok(c[0]))

    def letter(self, meta, c):
        return S.Name(str(c[0]), **_tok(c[0]))

    def greek(self, meta, c):
        return S.Name(_greek_name(str(c[0])), kind="greek", **_tok(c[0]))

    def styled(self, meta, c):
        style = _STYLE[str(c[0]).lstrip("\\")]
        return _spanned(_restyle(_as_name(c[1]), style or None), meta)

    def combined(self, meta, c):
        """z̃ (z + U+0303), ŷ (one character): a letter with accents."""
        first = str(c[0])
        marks = [str(t) for t in c[1:]]
        if c[0].type == "PRECOMPOSED":
            first, mark = unicodedata.normalize("NFD", first)
            marks.insert(0, mark)
        if c[0].type == "GREEK":
            node = S.Name(_greek_name(first), kind="greek", **_tok(c[0]))
        else:
            node = S.Name(first, **_tok(c[0]))
        for mark in marks:
            node = _restyle(node, None, _COMBINING[mark])
        return S.Name(node.base, node.accents, node.styles, node.kind, **_span(meta))

    def accented(self, meta, c):
        accent = _ACCENT[str(c[0]).lstrip("\\")]
        return _spanned(_restyle(_as_name(c[1]), None, accent), meta)

    def text(self, meta, c):
        return S.Name(str(c[1]).strip(), kind="text", **_span(meta))

    def roman_word(self, meta, c):
        word = str(c[0]).split("{", 1)[1].rstrip("}").strip()
        return S.Name(word, kind="text", **_tok(c[0]))

    def func(self, meta, c):
        return S.Name(str(c[0])[1:], kind="func", **_tok(c[0]))

    def one(self, meta, c):
        return S.Name("1", styles=("bf",), kind="one", **_tok(c[0]))

    def one_bb(self, meta, c):
        return S.Name("1", styles=("bb",), kind="one_bb", **_tok(c[0]))

    def _group(self, kind, meta, c):
        inner = [x for x in c if not isinstance(x, LarkToken)]
        items = inner[0] if inner and isinstance(inner[0], tuple) else tuple(inner)
        return S.Group(kind, items, **_span(meta))

    def paren(self, meta, c):
        return self._group("paren", meta, c)

    def bracket(self, meta, c):
        return self._group("bracket", meta, c)

    def brace(self, meta, c):
        return self._group("brace", meta, c)

    def setbrace(self, meta, c):
        return self._group("set", meta, c)

    def args(self, meta, c):
        return tuple(c)

    def frac(self, meta, c):
        return S.Frac(c[1], c[2], **_span(meta))

    def deriv(self, meta, c):
        return S.Deriv(c[2], c[4], **_span(meta))

    def norm(self, meta, c):
        return S.Norm(c[1], **_span(meta))

    def abs(self, meta, c):
        """|u| is abs(u), the registry's |·| (derivative sign(u), 0 at 0)."""
        span = _span(meta)
        return S.Product((S.Name("abs", kind="text", **span), S.Group("paren", (c[1],), **span)), **span)

    def inner(self, meta, c):
        return S.Inner(c[1], c[2], **_span(meta))

    def cases(self, meta, c):
        return S.Cases(tuple(x for x in c if isinstance(x, tuple)), **_span(meta))

    def case_row(self, meta, c):
        return (c[0], c[2])

    def matrix(self, meta, c):
        return S.Matrix(tuple(x for x in c if isinstance(x, tuple)), **_span(meta))

    def mat_row(self, meta, c):
        return tuple(x for x in c if not isinstance(x, LarkToken))

    def script_group(self, meta, c):
        if not c:
            return S.Group("brace", (), **_span(meta))
        return c[0]

    def script_token(self, meta, c):
        t = c[0]
        if t.type == "UTRANSPOSE":  # W^ᵀ, W^{⊤}
            return S.Token("transpose", str(t), **_tok(t))
        if t.type == "LETTER":
            return S.Name(str(t), **_tok(t))
        if t.type == "DIGIT":
            return S.Num(str(t), **_tok(t))
        if t.type == "GREEK":
            return S.Name(_greek_name(str(t)), kind="greek", **_tok(t))
        return S.Token(t.type.lower(), str(t), **_tok(t))
