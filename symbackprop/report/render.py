"""Reports through jinja2 templates (`templates/*.j2`, shipped in the package).

Two environments: LaTeX templates use `((* *))` and `((( )))` delimiters so
that LaTeX's own braces stay readable, and every printed value goes through
`escape.tex_value`; Markdown templates use the usual delimiters and
`escape.md_value`.  Only values we typeset ourselves (`TeX`, `MD`) pass
unescaped.

Filters, the same names in both: `value` (a witness value, binding or
polynomial: math in LaTeX, Unicode text in Markdown), `prose` (one of our
messages: formula fragments in math mode in LaTeX), `math` and `display`
(our own LaTeX inline and as a display, in Markdown), `code`.
"""

from __future__ import annotations

import functools

import jinja2

from symbackprop.text.escape import MD, TeX, md_display, md_escape, md_math, md_value, tex_value
from symbackprop.text.mathtext import prose_tex, value_md, value_tex
from symbackprop.report.model import FeedbackPage, ProblemPage

__all__ = ["render_problem", "render_feedback", "render_index"]


def _md_prose(text) -> MD:
    return MD(md_escape(text))


def _code(text) -> MD:
    """A Markdown code span for text that could not be typeset."""
    body = " ".join(str(text).replace("`", "'").split())
    return MD("`" + body + "`")


@functools.lru_cache(maxsize=2)
def _env(kind: str) -> jinja2.Environment:
    loader = jinja2.PackageLoader("symbackprop.report", "templates")
    if kind == "tex":
        env = jinja2.Environment(loader=loader, block_start_string="((*", block_end_string="*))",
                                 variable_start_string="(((", variable_end_string=")))",
                                 comment_start_string="((=", comment_end_string="=))",
                                 finalize=tex_value, autoescape=False, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters.update(value=value_tex, prose=prose_tex, ours=TeX)
    else:
        env = jinja2.Environment(loader=loader, finalize=md_value, autoescape=False,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                 keep_trailing_newline=True)
        env.filters.update(value=value_md, prose=_md_prose, math=md_math, display=md_display, ours=MD)
    env.filters["code"] = _code  # `ours` (above): the output of our own macros, escaped piece by piece
    return env


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end."""
    lines, blank = [], 0
    for line in text.splitlines():
        blank = blank + 1 if not line.strip() else 0
        if blank <= 1:
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def render_problem(page: ProblemPage, kind: str) -> str:
    return _tidy(_env(kind).get_template(f"problem.{kind}.j2").render(page=page))


def render_feedback(page: FeedbackPage, kind: str) -> str:
    return _tidy(_env(kind).get_template(f"feedback.{kind}.j2").render(page=page))


def render_index(pages: list[ProblemPage], pdf: bool) -> str:
    return _tidy(_env("md").get_template("index.md.j2").render(pages=pages, pdf=pdf))
