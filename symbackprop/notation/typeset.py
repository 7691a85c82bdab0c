"""Syntax tree -> LaTeX, for reports.

Reports typeset a claim from its *parsed* form, never by pasting the input
string: every command printed here comes from this file's closed
vocabulary, names are letters and Greek letters the grammar accepted, and
`\\text{…}` bodies are limited by the grammar to letters, digits and plain
punctuation.  So nothing a student typed can reach LaTeX as a command.
"""

from __future__ import annotations

from symbackprop.notation import syntax as S

__all__ = ["typeset", "typeset_statement"]

_STYLE = {"bf": "\\mathbf", "cal": "\\mathcal", "bb": "\\mathbb", "ul": "\\underline", "rm": "\\mathrm",
          "sf": "\\mathsf"}
_ACCENT = {"tilde": "\\tilde", "hat": "\\hat", "bar": "\\bar", "vec": "\\vec", "dot": "\\dot"}
_REL = {"=": "=", "<=": "\\leq", ">=": "\\geq", "<": "<", ">": ">", "!=": "\\neq", "<-": "\\leftarrow"}
_TOKENS = {"cdot": "\\cdot", "transpose": "\\top", "prime_cmd": "\\prime", "star": "*"}
_BRACKETS = {"paren": ("\\left(", "\\right)"), "bracket": ("\\left[", "\\right]"), "brace": ("{", "}"),
             "set": ("\\left\\{", "\\right\\}"), "list": ("", "")}
_SAFE_TEXT = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;()'-")


def typeset_statement(stmt: S.Statement) -> str:
    return " \\Rightarrow ".join(typeset(seg) for seg in stmt.segments)


def typeset(node) -> str:
    fn = _PRINTERS.get(type(node))
    if fn is None:
        raise TypeError(f"no LaTeX for {type(node).__name__}")
    return fn(node)


# Function commands LaTeX itself defines (typesetting knowledge, not meaning:
# what a function means is the registry's); any other is an operator name.
_TEX_DEFINES = frozenset({"exp", "ln", "log", "max", "min", "tanh"})


def _name(n: S.Name) -> str:
    if n.kind == "greek":
        body = "\\" + n.base
    elif n.kind == "func":
        body = "\\" + n.base if n.base in _TEX_DEFINES else "\\operatorname{%s}" % n.base
    elif n.kind == "text":
        body = "\\text{%s}" % "".join(ch for ch in n.base if ch in _SAFE_TEXT)
    elif n.kind in ("one", "one_bb"):
        body = "\\mathbf{1}" if n.kind == "one" else "\\mathbb{1}"
        return body
    else:
        body = n.base if len(n.base) == 1 and n.base.isalnum() else "".join(c for c in n.base if c.isalnum())
    for accent in n.accents:
        body = f"{_ACCENT[accent]}{{{body}}}"
    for style in n.styles:
        if style in _STYLE:
            body = f"{_STYLE[style]}{{{body}}}"
    return body


def _script(node) -> str:
    if isinstance(node, S.Token):
        return _TOKENS.get(node.kind, "")
    return typeset(node)


def _scripted(n: S.Scripted) -> str:
    out = typeset(n.base)
    if isinstance(n.base, (S.Scripted, S.Add, S.Sub, S.Neg, S.Hadamard, S.Product)):
        out = "{" + out + "}"
    for kind, script in n.posts:
        if kind == "prime":
            out += "'"
        elif kind == "sub":
            out += "_{" + _script(script) + "}"
        else:
            out += "^{" + _script(script) + "}"
    return out


def _product(n: S.Product) -> str:
    parts = []
    for item in n.items:
        parts.append(_TOKENS.get(item.kind, "") if isinstance(item, S.Token) else typeset(item))
    return " ".join(parts)


def _group(n: S.Group) -> str:
    left, right = _BRACKETS.get(n.kind, ("(", ")"))
    return left + ", ".join(typeset(i) for i in n.items) + right


def _segment(n: S.Segment) -> str:
    out = typeset(n.exprs[0])
    for rel, e in zip(n.rels, n.exprs[1:]):
        out += f" {_REL.get(rel, '=')} " + typeset(e)
    return out


def _sum(n: S.Sum) -> str:
    out = "\\sum"
    if n.under is not None:
        out += "_{" + typeset(n.under) + "}"
    if n.over is not None:
        out += "^{" + typeset(n.over) + "}"
    return out + " " + typeset(n.body)


def _cases(n: S.Cases) -> str:
    rows = " \\\\ ".join(f"{typeset(v)} & {typeset(c)}" for v, c in n.rows)
    return "\\begin{cases} " + rows + " \\end{cases}"


def _matrix(n: S.Matrix) -> str:
    rows = " \\\\ ".join(" & ".join(typeset(c) for c in row) for row in n.rows)
    return "\\begin{bmatrix} " + rows + " \\end{bmatrix}"


_PRINTERS = {
    S.Name: _name,
    S.Num: lambda n: "".join(c for c in n.text if c.isdigit() or c == "."),
    S.Token: lambda n: _TOKENS.get(n.kind, ""),
    S.Scripted: _scripted,
    S.Add: lambda n: f"{typeset(n.left)} + {typeset(n.right)}",
    S.Sub: lambda n: f"{typeset(n.left)} - {typeset(n.right)}",
    S.Neg: lambda n: f"-{typeset(n.operand)}",
    S.Hadamard: lambda n: typeset(n.left) + (" \\oslash " if n.divide else " \\odot ") + typeset(n.right),
    S.Product: _product,
    S.Sum: _sum,
    S.DerivOp: lambda n: f"\\frac{{\\partial}}{{\\partial {typeset(n.wrt)}}} {typeset(n.body)}",
    S.Nabla: lambda n: f"\\nabla_{{{typeset(n.wrt)}}} {typeset(n.body)}",
    S.Frac: lambda n: f"\\frac{{{typeset(n.num)}}}{{{typeset(n.den)}}}",
    S.Deriv: lambda n: f"\\frac{{\\partial {typeset(n.num)}}}{{\\partial {typeset(n.wrt)}}}",
    S.Norm: lambda n: f"\\left\\| {typeset(n.operand)} \\right\\|",
    S.Inner: lambda n: f"\\left\\langle {typeset(n.left)}, {typeset(n.right)} \\right\\rangle",
    S.Cases: _cases,
    S.Matrix: _matrix,
    S.Group: _group,
    S.Segment: _segment,
}
