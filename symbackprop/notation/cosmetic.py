"""What the notation reads and deliberately ignores: the complete list.

Everything else the grammar accepts either changes a claim's meaning or
makes it ill-formed with a message (tests/test_grammar_meaning.py walks the
grammar and checks both).  Keys are grammar constructs — a rule alias, a
terminal, or `TERMINAL:alternative` for one spelling inside a terminal — or,
for what the resolver drops, a name starting with `resolve:`.
"""

from __future__ import annotations

__all__ = ["COSMETIC"]

_FONT = "a font that only changes how a name looks; the notation reads bold and plain alike"
_SIZE = "a sizing command on a bracket"
_SPACE = "spacing"

COSMETIC: dict[str, str] = {
    # ----------------------------------------------------------- grammar
    "WS": "white space",
    "SPACE": _SPACE + " (\\, \\; \\: \\! \\ , ~, \\displaystyle, \\left. \\right.)",
    "SPACE:left": "\\left. : the invisible delimiter",
    "SPACE:right": "\\right. : the invisible delimiter",
    "SPACE:displaystyle": "display style",
    "SPACE:textstyle": "text style",
    "TAG": "an equation tag such as \\quad (*) or \\quad (\\alpha) labels the claim; a tag holding "
           "a relation is a condition and is not a TAG",
    "DEFEQ": ":= is checked like =: a definition must hold as an identity",
    "term": "unary plus: +x is x",
    "brace": "TeX grouping braces around one factor: {z^{(l)}}^T (around a sum they are refused)",
    "FONT:mathbf": _FONT, "FONT:boldsymbol": _FONT, "FONT:bm": _FONT, "FONT:pmb": _FONT,
    "FONT:underline": "underlined vectors, as some courses write them",
    "FONT:mathrm": "upright letters", "FONT:mathsf": "sans-serif letters",
    "FONT:mathit": "italic letters (the default)",
    "TEXT:text": "\\text{Err}: the word is the name", "TEXT:textrm": "upright text",
    "TEXT:operatorname": "\\operatorname{ReLU}: the word is the name", "TEXT:textit": "italic text",
    "TEXT:textbf": "bold text", "TEXT:mbox": "a text box",
    "ONE:mathbf": "\\mathbf{1}", "ONE:boldsymbol": "\\boldsymbol{1} is \\mathbf{1}", "ONE:bm": "\\bm{1} is \\mathbf{1}",
    "ONE_BB:mathbb": "\\mathbb{1}", "ONE_BB:mathbbm": "\\mathbbm{1} is \\mathbb{1}",
    "LPAR:left": _SIZE, "LPAR:bigl": _SIZE, "LPAR:Bigl": _SIZE, "LPAR:big": _SIZE, "LPAR:Big": _SIZE,
    "LPAR:biggl": _SIZE, "LPAR:bigg": _SIZE,
    "RPAR:right": _SIZE, "RPAR:bigr": _SIZE, "RPAR:Bigr": _SIZE, "RPAR:big": _SIZE, "RPAR:Big": _SIZE,
    "RPAR:biggr": _SIZE, "RPAR:bigg": _SIZE,
    "LBRACK:left": _SIZE, "LBRACK:bigl": _SIZE, "LBRACK:Bigl": _SIZE, "LBRACK:big": _SIZE,
    "LBRACK:Big": _SIZE, "LBRACK:biggl": _SIZE, "LBRACK:bigg": _SIZE,
    "RBRACK:right": _SIZE, "RBRACK:bigr": _SIZE, "RBRACK:Bigr": _SIZE, "RBRACK:big": _SIZE,
    "RBRACK:Big": _SIZE, "RBRACK:biggr": _SIZE, "RBRACK:bigg": _SIZE,
    "LSET:left": _SIZE, "LSET:bigl": _SIZE, "LSET:Bigl": _SIZE, "LSET:big": _SIZE, "LSET:Big": _SIZE,
    "RSET:right": _SIZE, "RSET:bigr": _SIZE, "RSET:Bigr": _SIZE, "RSET:big": _SIZE, "RSET:Big": _SIZE,
    "NORM:left": _SIZE, "NORM:right": _SIZE, "ABS:left": _SIZE, "ABS:right": _SIZE,
    # ----------------------------------------------------------- resolver
    "resolve:example-label": "^{(i)} on a name whose notation says so: the problem has one example",
    "resolve:frobenius": "\\|A\\|_F and \\langle A, B\\rangle_F: the norm and inner product are Frobenius's",
    "resolve:loss-arguments": "Err(y, z), L(\\hat y, y): a loss's arguments name its inputs "
                              "(they must be quantities of the network)",
    "resolve:condition-words": "\\text{if}, \\text{when} before a case's comparison; \\text{else}, "
                               "\\text{otherwise} for the last case",
    "resolve:equation-label": "\\text{(ii)} alone before an equation numbers it",
    "resolve:bold-zero": "\\mathbf{0} is 0",
    "resolve:math-delimiters": "$...$, $$...$$, \\[...\\], \\(...\\) around the claim",
}
