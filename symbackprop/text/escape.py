"""Text into LaTeX and Markdown, safely.

Only strings of type `TeX` (or `MD`) are trusted: they were produced by our
own typesetting.  Every other value a template prints is escaped character
by character, so a student's `\\input{/etc/passwd}` arrives in the PDF as the
visible characters `\\input{/etc/passwd}`, never as a command.
"""

from __future__ import annotations

__all__ = ["TeX", "MD", "tex_escape", "md_escape", "tex_value", "md_value", "md_math", "md_display"]


class TeX(str):
    """LaTeX we produced ourselves (typeset statements, tables of numbers)."""


class MD(str):
    """Markdown we produced ourselves."""


_TEX_CHARS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}", '"': "''",
}
# Unicode our own messages use, as LaTeX; anything else non-ASCII becomes '?'.
_TEX_UNICODE = {
    "φ": r"\ensuremath{\varphi}", "δ": r"\ensuremath{\delta}", "Σ": r"\ensuremath{\Sigma}",
    "⊙": r"\ensuremath{\odot}", "×": r"\ensuremath{\times}", "≈": r"\ensuremath{\approx}",
    "·": r"\ensuremath{\cdot}", "≠": r"\ensuremath{\neq}", "≤": r"\ensuremath{\leq}", "≥": r"\ensuremath{\geq}",
    "−": "-", "—": "---", "–": "--", "…": r"\ldots{}", "′": "'", "ŷ": r"\ensuremath{\hat y}",
    "z̃": r"\ensuremath{\tilde z}", "̃": "", "∂": r"\ensuremath{\partial}", "∇": r"\ensuremath{\nabla}",
    "ε": r"\ensuremath{\varepsilon}", "σ": r"\ensuremath{\sigma}", "η": r"\ensuremath{\eta}",
    "²": r"\ensuremath{^2}", "ⁿ": r"\ensuremath{^n}", "✓": r"\ensuremath{\checkmark}", "✗": r"\ensuremath{\times}",
    "⟨": r"\ensuremath{\langle}", "⟩": r"\ensuremath{\rangle}", "→": r"\ensuremath{\to}",
    "⇒": r"\ensuremath{\Rightarrow}", "∈": r"\ensuremath{\in}", "^": r"\textasciicircum{}",
}
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "ε": "epsilon", "ζ": "zeta", "θ": "theta", "ι": "iota",
          "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "τ": "tau",
          "υ": "upsilon", "χ": "chi", "ψ": "psi", "ω": "omega", "Δ": "Delta", "Φ": "Phi", "Ω": "Omega"}
_TEX_UNICODE.update({ch: r"\ensuremath{\%s}" % name for ch, name in _GREEK.items()})


def tex_escape(text: str) -> str:
    out = []
    for ch in str(text):
        if ch in _TEX_CHARS:
            out.append(_TEX_CHARS[ch])
        elif ch in _TEX_UNICODE:
            out.append(_TEX_UNICODE[ch])
        elif ch == "\n":
            out.append(" ")
        elif ord(ch) < 32 or ord(ch) == 127:
            continue
        elif ord(ch) > 126:
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def md_escape(text: str) -> str:
    """Plain text in Markdown: no HTML, no emphasis, no math, no table breaks."""
    out = []
    for ch in str(text):
        if ch in "\\`*_[]<>#|$~":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append(" ")
        elif ord(ch) < 32:
            continue
        else:
            out.append(ch)
    return "".join(out)


def tex_value(value) -> str:
    """The jinja2 `finalize` for LaTeX templates."""
    if value is None:
        return ""
    return value if isinstance(value, TeX) else tex_escape(str(value))


def md_value(value) -> str:
    """The jinja2 `finalize` for Markdown templates."""
    if value is None:
        return ""
    return value if isinstance(value, (MD, TeX)) else md_escape(str(value))


# Math in Markdown: $`...`$ inline and ```math blocks, the syntax GitHub and GitLab
# render as math.  Any other CommonMark renderer shows the LaTeX verbatim as code,
# never mangled: `_` and `*` inside `$...$` would otherwise turn into emphasis.
def md_math(tex: TeX) -> MD:
    """Our own LaTeX as inline math ('|' as \\vert, so that it can't end a table cell);
    any other text as a plain code span."""
    if not isinstance(tex, TeX):
        return MD("`" + " ".join(str(tex).replace("`", "'").replace("|", "/").split()) + "`")
    body = " ".join(str(tex).replace("`", "'").replace("|", r"\vert ").split())
    return MD("$`" + body + "`$")


def md_display(tex: TeX) -> MD:
    """Our own LaTeX as a display math block, on lines of its own."""
    if not isinstance(tex, TeX):
        return MD("`" + " ".join(str(tex).replace("`", "'").split()) + "`")
    body = " ".join(str(tex).replace("`", "'").split())
    return MD("```math\n" + body + "\n```")
