"""Reports: fresh in the repo, golden feedback, real PDFs that show every verdict, injection-safe."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from symbackprop.gradebook import Report
from symbackprop.grading import Grade, Mistake, grade_answer
from symbackprop.problems import load_problem, problem_ids
from symbackprop.report.escape import md_escape, tex_escape
from symbackprop.report.model import feedback_page, problem_page
from symbackprop.report.pdf import compile_pdf
from symbackprop.report.render import render_feedback, render_problem
from symbackprop.report_command import write_problem_reports
from symbackprop.witness import Witness

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("SYMBACKPROP_UPDATE_GOLDEN") == "1"  # the explicit switch
IN_CI = os.environ.get("CI") == "true"


def _need(tool: str):
    if shutil.which(tool) is None:
        if IN_CI:
            pytest.fail(f"{tool} is missing in CI: .ci/run must install it")
        pytest.skip(f"{tool} not installed")


def test_committed_reports_are_fresh(tmp_path):
    """reports/ holds what `symbackprop report --out reports/` writes (md, tex, index)."""
    out = ROOT / "reports" if UPDATE else tmp_path
    write_problem_reports(problem_ids(), out, {"md", "tex", "pdf"}, log=lambda *_: None, compile_pdfs=False)
    if UPDATE:
        return
    for made in sorted(tmp_path.iterdir()):
        committed = ROOT / "reports" / made.name
        assert committed.exists(), f"reports/{made.name} missing: run symbackprop report --out reports/"
        assert committed.read_text() == made.read_text(), \
            f"reports/{made.name} is stale: run symbackprop report --out reports/"


def _hostile_report(tmp_path: Path) -> tuple[Report, Path, Path, Path]:
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRETCONTENT1234")
    touched = tmp_path / "touched"
    opened = tmp_path / "opened.tex"
    answers = {
        "t1": rf"\input{{{secret}}} = 1",
        "t2": rf"\immediate\write18{{touch {touched}}} \delta^{{(L)}} = y",
        "t3": rf"\immediate\openout1={opened} \immediate\write1{{x}} \immediate\closeout1",
        "t4": r"\catcode`\^^@=13 \def\x{\input{/etc/passwd}}\x = 1",
        "t5": r"\delta^{(L)} = \hat{y} - y \quad \text{\input{/etc/hostname}}",
    }
    problem = load_problem("mle-sheet4")
    grades = tuple(grade_answer(problem, k, v, problem.labels[k].reference, 1.0, 10.0) for k, v in answers.items())
    return Report("mallory", "mle-sheet4", grades, "", tuple(problem.labels)), secret, touched, opened


def test_hostile_feedback_compiles_safely(tmp_path):
    _need("pdflatex")
    _need("pdftotext")
    report, secret, touched, opened = _hostile_report(tmp_path)
    tex = render_feedback(feedback_page(report, "MLE"), "tex")
    assert "\\input{" not in tex and "\\write18" not in tex and "\\openout" not in tex and "\\catcode" not in tex
    pdf = tmp_path / "feedback.pdf"
    compile_pdf(tex, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "SECRETCONTENT1234" not in text, "a file was read into the PDF"
    assert not touched.exists() and not opened.exists(), "a file was written"
    assert "input" in text and "write18" in text  # shown as text, harmlessly
    md = render_feedback(feedback_page(report, "MLE"), "md")
    assert "SECRETCONTENT1234" not in md


def _fixed_report() -> Report:
    w = Witness({"x[1]": "1/2", "W^(0)[1,1]": "-2", "y[1]": "1"}, {"phi": "φ(t) = t + t^2"}, {"j": 1}, "≈-2", "≈2")
    grades = (
        Grade("t1", r"\delta^{(L)} = y - \hat{y}", "incorrect", "the two sides differ: left = ≈-2, right = ≈2",
              0.0, 1.0, w, Mistake("sign flipped", "check the sign", "proved: your answer equals the reference "
                                   "answer with this mistake made")),
        Grade("t2", r"\nabla_{W^{(L-1)}} L = \delta^{(L)} (z^{(L-1)})^T", "correct", "correct: exact identity",
              2.0, 2.0, conditions=("Σ y = 1",)),
        Grade("t3", r"\nabla_{b^{(L-1)}} L = \delta^{(L)", "unparseable", "formula ends early", 0.0, 1.0),
        Grade("t4", r"<b>50% & $x$ #1 \input{/etc/passwd}</b>", "unparseable", "unknown command \\input",
              0.0, 2.0),
    )
    return Report("jdoe", "mle-sheet4", grades, "", ("t1", "t2", "t3", "t4", "t5"))


@pytest.mark.parametrize("kind", ["md", "tex"])
def test_feedback_golden(kind):
    made = render_feedback(feedback_page(_fixed_report(), "MLE Sheet 4"), kind)
    golden = GOLDEN / f"feedback_jdoe.{kind}"
    if UPDATE:
        golden.write_text(made)
    assert golden.exists(), "golden file missing: run with SYMBACKPROP_UPDATE_GOLDEN=1"
    assert made == golden.read_text()


def _pgm_is_blank(path: Path) -> bool:
    data = path.read_bytes()
    parts = data.split(b"\n", 3)  # P5 / width height / maxval / pixels
    pixels = parts[3]
    return min(pixels) == max(pixels)


def test_problem_pdf_shows_every_verdict(tmp_path):
    _need("pdflatex")
    _need("pdftoppm")
    _need("pdftotext")
    page = problem_page(load_problem("assignment1-hinge"))
    pdf = tmp_path / "hinge.pdf"
    compile_pdf(render_problem(page, "tex"), pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", str(pdf), str(tmp_path / "page")],
                   check=True)
    (pgm,) = tmp_path.glob("page*.pgm")
    assert not _pgm_is_blank(pgm)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for claim in page.claims:
        assert claim.id in flat
        for o in claim.outcomes:
            assert o.verdict in flat
    assert "Worked instance" in flat and "Counterexample" in flat


def test_escaping():
    assert tex_escape(r"\input{/etc/passwd} 50% $x$ #1 ^_~&") == \
        r"\textbackslash{}input\{/etc/passwd\} 50\% \$x\$ \#1 \textasciicircum{}\_\textasciitilde{}\&"
    assert "\\" not in tex_escape("\x00\x1b") and tex_escape("ü") == "?"
    assert md_escape("<script>*x*</script> | $a$") == r"\<script\>\*x\*\</script\> \| \$a\$"
