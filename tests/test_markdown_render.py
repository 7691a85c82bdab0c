"""Every Markdown file the tool writes, rendered by a CommonMark parser with
GFM tables (markdown-it-py), checked for structure: each table keeps every
row it was written with, nothing of a table is left as stray `|` text, every
table has a header, math survives (no emphasis made out of `_`, no raw `$`
or `\\(` delimiters in the text), and no HTML passes through.

Covers `symbackprop report` for the whole catalogue (and its index), the
feedback and Gradescope `results.json` written by `grade --out` for the
example class, and the hostile and golden feedback of test_report.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from symbackprop.cli.main import main
from symbackprop.grading.gradebook import Report, gradescope_results
from symbackprop.grading.grade import Grade
from symbackprop.catalogue.load import problem_ids
from symbackprop.report.model import feedback_page
from symbackprop.report.render import render_feedback
from symbackprop.cli.report import write_problem_reports
from symbackprop.verdict import Witness

ROOT = Path(__file__).resolve().parent.parent
# CommonMark with GFM tables; html stays on so that any HTML that slipped through shows up as html tokens
_MD = MarkdownIt("commonmark").enable("table")


def _cells(line: str) -> int:
    """Cells of a source table row, split at pipes that are not escaped."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return len(re.split(r"(?<!\\)\|", body))


def _fenced_lines(tokens) -> set[int]:
    out: set[int] = set()
    for t in tokens:
        if t.type in ("fence", "code_block") and t.map:
            out.update(range(*t.map))
    return out


def _text_outside_code(inline) -> list[str]:
    """The inline's text pieces, with the `$` that wrap a code span ($`x`$, the
    GitHub/GitLab inline math syntax) taken off."""
    kids = inline.children or []
    out = []
    for k, t in enumerate(kids):
        if t.type != "text":
            continue
        text = t.content
        if k + 1 < len(kids) and kids[k + 1].type == "code_inline" and text.endswith("$"):
            text = text[:-1]
        if k > 0 and kids[k - 1].type == "code_inline" and text.startswith("$"):
            text = text[1:]
        out.append(text)
    return out


def check_markdown(text: str, where: str) -> None:
    """Fail with `where` and the line if `text` does not render as written."""
    tokens = _MD.parse(text)
    lines = text.splitlines()
    fenced = _fenced_lines(tokens)
    table_lines: set[int] = set()
    row_lines: set[int] = set()
    depth = 0
    header_cells = 0
    for t in tokens:
        if t.type == "table_open":
            depth += 1
            table_lines.update(range(*t.map))
        elif t.type == "table_close":
            depth -= 1
        elif t.type == "thead_open":
            header_cells = 0
        elif t.type == "tr_open" and t.map:
            row_lines.add(t.map[0])
        elif t.type == "th_open":
            header_cells += 1
        assert t.type != "html_block", f"{where}: raw HTML passes through: {t.content!r}"
        if t.type == "inline":
            for kid in t.children or []:
                assert kid.type not in ("html_inline", "em_open"), \
                    f"{where}: line {t.map[0] + 1 if t.map else '?'} renders {kid.type}: {t.content[:120]!r}"
            for piece in _text_outside_code(t):
                if depth == 0:
                    assert "|" not in piece, f"{where}: stray table text {t.content[:120]!r}"
                assert "$" not in piece and "\\(" not in piece and "\\[" not in piece, \
                    f"{where}: math left as raw text: {t.content[:160]!r}"
    # every table line written is a rendered row of a table, and has the header's number of cells
    for t_open, t_close in _tables(tokens):
        header = lines[t_open.map[0]]
        ncols = _cells(header)
        assert all(th.content.strip() for th in _header_cells(tokens, t_open)), \
            f"{where}: a table header cell is empty: {header!r}"
        for n in range(t_open.map[0], t_open.map[1]):
            if n == t_open.map[0] + 1:
                continue  # the delimiter row
            assert n in row_lines, f"{where}: line {n + 1} of a table is not a row: {lines[n]!r}"
            assert _cells(lines[n]) == ncols, \
                f"{where}: line {n + 1} has {_cells(lines[n])} cells, the header {ncols}: {lines[n]!r}"
    for n, line in enumerate(lines):
        if line.lstrip().startswith("|") and n not in fenced:
            assert n in table_lines, f"{where}: line {n + 1} looks like a table row but is not in a table: {line!r}"
    assert tokens and tokens[0].type == "heading_open" or where.startswith("gradescope"), \
        f"{where}: does not start with a heading"


def _tables(tokens):
    opened = None
    for t in tokens:
        if t.type == "table_open":
            opened = t
        elif t.type == "table_close":
            yield opened, t


def _header_cells(tokens, t_open):
    start = tokens.index(t_open)
    out, inside = [], False
    for t in tokens[start:]:
        if t.type == "th_open":
            inside = True
        elif t.type == "th_close":
            inside = False
        elif t.type == "inline" and inside:
            out.append(t)
        elif t.type == "thead_close":
            break
    return out


def _body_rows(text: str) -> list[int]:
    """The number of body rows of each table, as rendered."""
    counts, in_body = [], False
    for t in _MD.parse(text):
        if t.type == "table_open":
            counts.append(0)
        elif t.type in ("tbody_open", "tbody_close"):
            in_body = t.type == "tbody_open"
        elif t.type == "tr_open" and in_body:
            counts[-1] += 1
    return counts


# ------------------------------------------------------------ the checker itself can fail
@pytest.mark.parametrize("bad", [
    "# t\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n",         # a blank line cuts the table
    "# t\n\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n",                   # a cell lost
    "# t\n\n| a | |\n|---|---|\n| 1 | 2 |\n",                          # a header cell missing
    "# t\n\n$$ x_{1} + y_{2} $$\n",                                     # emphasis out of subscripts
    "# t\n\nthe value $x$ here\n",                                       # raw math delimiters
    "# t\n\n<b>bold</b>\n",                                              # HTML
], ids=["blank-line-in-table", "extra-cell", "empty-header", "underscores", "dollars", "html"])
def test_checker_catches(bad):
    with pytest.raises(AssertionError):
        check_markdown(bad, "sample")


def test_checker_accepts_math_syntax():
    check_markdown("# t\n\n```math\nx_{1} + y_{2}\n```\n\nsee $`\\delta_{1}`$ and $`x_{2}`$.\n\n"
                   "| a | b |\n|---|---|\n| $`x_{1}`$ | −2 |\n| $`x_{2}`$ | 1/2 |\n", "sample")


# ------------------------------------------------------------ what the tool writes
@pytest.fixture(scope="module")
def catalogue_reports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    write_problem_reports(problem_ids(), out, {"md"}, log=lambda *_: None, compile_pdfs=False)
    return out


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("graded")
    main(["grade", str(ROOT / "examples" / "class"), "--out", str(out), "--no-cache", "--quiet"])
    return out


def test_catalogue_reports_render(catalogue_reports):
    files = sorted(catalogue_reports.glob("*.md"))
    assert {f.stem for f in files} == set(problem_ids()) | {"README"}
    for f in files:
        check_markdown(f.read_text(), f"reports/{f.name}")


def test_feedback_from_grade_renders(graded_class):
    files = sorted((graded_class / "feedback").glob("*.md"))
    assert len(files) >= 10
    with_tables = 0
    for f in files:
        text = f.read_text()
        check_markdown(text, f"feedback/{f.name}")
        with_tables += "Counterexample" in text
    assert with_tables >= 3, "the example class should have refuted answers with counterexamples"


def test_gradescope_outputs_render(graded_class):
    files = sorted((graded_class / "gradescope").glob("*/results.json"))
    assert files
    for f in files:
        data = json.loads(f.read_text())
        check_markdown(data["output"], f"gradescope {f.parent.name} summary")
        for t in data["tests"]:
            assert t["output_format"] == "md"
            check_markdown(t["output"], f"gradescope {f.parent.name} {t['name']}")


# ------------------------------------------------------------ a long counterexample keeps every row
def _long_witness_report() -> Report:
    values = {f"W^(1)[{i},{j}]": str(Fraction(i - 3, j)) for i in range(1, 5) for j in range(1, 4)}
    values.update({f"x[{i}]": str(-i) for i in range(1, 5)})  # 16 values: rows of 3 and a short last row
    w = Witness(values, {"phi": "φ(t) = t + 1/2*t^2"}, {"j": 2, "y_i": 1}, "-7/2", "exp(2) - 1")
    g = Grade("t1", r"\delta^{(L)} = y - \hat{y}", "incorrect", "the two sides differ: left = -7/2, right = 3",
              0.0, 1.0, w)
    return Report("ada", "mle-sheet4", (g,), "", ("t1",))


def test_long_counterexample_keeps_every_value():
    report = _long_witness_report()
    md = render_feedback(feedback_page(report, "MLE"), "md")
    check_markdown(md, "feedback ada")
    written = sum(1 for line in md.splitlines() if line.startswith("|")) - 2
    assert _body_rows(md) == [written]
    values = report.grades[0].witness.values
    rendered = _MD.render(md)
    for name in ("x_{4}", "W^{(1)}_{43}"):
        assert name in rendered, name
    assert rendered.count("<tr>") - 1 >= len(values) / 4  # every value is in some row
    out = gradescope_results(report)["tests"][0]["output"]
    check_markdown(out, "gradescope ada t1")
    for v in values.values():
        assert v.lstrip("-") in out


def test_golden_and_hostile_feedback_render(tmp_path):
    """The golden report (raw HTML, `$`, `#` and `|` in what the student typed) and the hostile one."""
    from test_report import _fixed_report, _hostile_report

    for report in (_fixed_report(), _hostile_report(tmp_path)[0]):
        check_markdown(render_feedback(feedback_page(report, "MLE"), "md"), f"feedback {report.student}")
        for t in gradescope_results(report)["tests"]:
            check_markdown(t["output"], f"gradescope {report.student} {t['name']}")
