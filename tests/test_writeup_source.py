"""Reading a write-up into math and prose: a real Markdown parser, a LaTeX
scanner; positions point at the math as the student wrote it."""

from pathlib import Path

import pytest

from symbackprop.writeup.source import read_latex, read_markdown

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
SEED_FILES = sorted(SEEDS.glob("00[0234]_*.txt"))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_math_piece_of_a_seed_is_where_it_says(path):
    assert len(SEED_FILES) == 4
    src = path.read_text(encoding="utf-8")
    lines = src.split("\n")
    pieces = read_markdown(src)
    math = [p for p in pieces if p.kind == "math"]
    assert math
    for p in math:
        assert lines[p.line - 1][p.col - 1:].startswith(p.text.split("\n")[0][:12]), (p.line, p.col, p.text[:40])
    displays = sum(1 for line in lines if line.strip().startswith("$$") and line.strip().endswith("$$")
                   and len(line.strip()) > 4)
    assert sum(1 for p in math if p.env == "$$") >= displays


def test_markdown_math_forms_and_what_is_not_math():
    src = "\n".join([
        r"Let \(s = a + b\) and $c = d$ hold.",
        "",
        r"\[",
        r"x = y",
        r"\]",
        "",
        "```math",
        "p = q",
        "```",
        "",
        "    code $not = math$",
        "",
        "```python",
        "$z = w$",
        "```",
        "",
        "Inline `$code = span$` too, and $$e = f$$ inline display.",
    ])
    math = [(p.text, p.line, p.display) for p in read_markdown(src) if p.kind == "math"]
    assert math == [("s = a + b", 1, False), ("c = d", 1, False), ("x = y", 4, True), ("p = q", 8, True),
                    ("e = f", 17, True)]
    prose = " ".join(p.text for p in read_markdown(src) if p.kind == "prose")
    assert "Let" in prose and "not = math" not in prose


def test_latex_environments_comments_verb_and_escaped_dollars():
    src = "\n".join([
        r"\documentclass{article}",
        r"% $commented = out$",
        r"\begin{document}",
        r"Let \(s = \sum_m e^{z_m}\). Then",
        r"\begin{align*}",
        r"\delta &= \hat{y} - y \\",
        r"&= p - y",
        r"\end{align*}",
        r"\verb|$x = y$| and $a = b$ cost \$5.",
        r"\[ W = 0 \]",
        r"\begin{equation} u = v \end{equation}",
        r"\end{document}",
    ])
    math = [(p.text, p.line, p.col, p.env) for p in read_latex(src) if p.kind == "math"]
    assert math == [(r"s = \sum_m e^{z_m}", 4, 7, r"\("),
                    ("\\delta &= \\hat{y} - y \\\\\n&= p - y", 6, 1, "align*"),
                    ("a = b", 9, 21, "$"), ("W = 0", 10, 4, r"\["), ("u = v", 11, 18, "equation")]


def test_unclosed_math_and_hostile_sizes_do_not_crash():
    assert [p.kind for p in read_latex(r"$a = b and \[ c = d")] == ["prose"]
    many = "\n\n".join(f"$$x_{k} = y$$" for k in range(10_000))
    assert sum(p.kind == "math" for p in read_markdown(many)) == 10_000
    assert read_latex(r"\input{/etc/passwd} \write18{rm -rf /}") == read_latex(r"\input{/etc/passwd} \write18{rm -rf /}")
