"""Reports: fresh in the repo, golden feedback, real PDFs that show every verdict (with real minus
signs, math in math mode and a proper indicator one), injection-safe."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbackprop.grading.gradebook import Report
from symbackprop.grading.grade import Grade, Mistake, grade_answer
from symbackprop.catalogue.load import load_problem, problem_ids
from symbackprop.text.escape import md_escape, tex_escape
from symbackprop.text.mathtext import prose_tex, to_math, value_tex, value_text
from symbackprop.report.model import feedback_page, problem_page
from symbackprop.report.pdf import compile_pdf
from symbackprop.report.render import render_feedback, render_problem
from symbackprop.cli.report import write_problem_reports
from symbackprop.verdict import Witness

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
    # five values: a counterexample table of more than one row, negative values, a polynomial with a power
    w = Witness({"x[1]": "1/2", "W^(0)[1,1]": "-2", "y[1]": "1", "b^(0)[1]": "-1/3", "margin": "1/2"},
                {"phi": "φ(t) = t + 1/2*t^2"}, {"j": 1, "y_i": 2}, "-2", "exp(2) - 1")
    grades = (
        Grade("t1", r"\delta^{(L)} = y - \hat{y}", "incorrect", "the two sides differ: left = -2, right = exp(2) - 1",
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


def _pdf_text(tex: str, tmp_path: Path, name: str) -> str:
    pdf = tmp_path / f"{name}.pdf"
    compile_pdf(tex, pdf)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


# text-mode artefacts of math: a caret or tilde accent where a power was meant, an underscore where a
# subscript was, the wrong glyph AMS fonts give \mathbb{1} (U+22AE)
_ARTEFACTS = ("˜", "^", "exp(z_", "t^2", "⊮", "\\")
_HYPHEN_NUMBER = re.compile(r"(?<![\w-])-\d")  # a hyphen where a minus sign was meant


def _table_lines(text: str) -> list[str]:
    """The counterexample tables' rows: the lines after each 'name value' header, up to a blank line."""
    rows, inside = [], False
    for line in text.splitlines():
        if re.match(r"^\s*name\s+value\b", line):
            inside = True
        elif inside and not line.strip():
            inside = False
        elif inside:
            rows.append(line)
    return rows


def _assert_typeset(text: str, negatives: list[str]) -> None:
    flat = " ".join(text.split())
    for bad in _ARTEFACTS:
        assert bad not in flat, f"text-mode artefact {bad!r} in the PDF"
    rows = _table_lines(text)
    assert rows, "no counterexample table with a header row"
    for line in rows + [x for x in text.splitlines() if "Counterexample" in x]:
        assert not _HYPHEN_NUMBER.search(line), f"a hyphen for a minus sign: {line!r}"
    for v in negatives:
        assert "\u2212" + v.lstrip("-") in flat, f"{v} is not shown with a real minus sign"


def test_problem_pdf_shows_every_verdict(tmp_path):
    _need("pdflatex")
    _need("pdftoppm")
    _need("pdftotext")
    page = problem_page(load_problem("assignment1-hinge"))
    pdf = tmp_path / "hinge.pdf"
    tex = render_problem(page, "tex")
    assert "\\mathbb{1}" in tex  # the worked instances' indicator, which the preamble draws
    compile_pdf(tex, pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", str(pdf), str(tmp_path / "page")],
                   check=True)
    (pgm,) = tmp_path.glob("page*.pgm")
    assert not _pgm_is_blank(pgm)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for claim in page.claims:
        assert claim.id in flat
        for o in claim.outcomes:
            assert o.verdict in flat
    assert "Worked instance" in flat and "Counterexample" in flat
    negatives = [v for c in page.claims for o in c.outcomes for _, v in o.values if str(v).startswith("-")]
    assert negatives, "the hinge report's counterexample should have a negative value to show"
    _assert_typeset(text, negatives)


def test_feedback_pdf_typesets_values(tmp_path):
    _need("pdflatex")
    _need("pdftotext")
    full = _fixed_report()  # the answers typeset from a parse; the raw ones are shown as typed, in typewriter
    report = Report(full.student, full.problem, full.grades[:2], "", full.labels[:2])
    text = _pdf_text(render_feedback(feedback_page(report, "MLE Sheet 4"), "tex"), tmp_path, "jdoe")
    _assert_typeset(text, ["-2", "-1/3"])
    flat = " ".join(text.split())
    assert "φ(t) = t + 1/2 t2" in flat  # the polynomial in math: t² (pdftotext drops the raise)
    assert "exp(2) − 1" in flat and "yi = 2" in flat
    rows = " ".join(_table_lines(text))
    assert "x1" in rows and "margin" in rows  # five values, four to a row: both rows in the table


def test_escaping():
    assert tex_escape(r"\input{/etc/passwd} 50% $x$ #1 ^_~&") == \
        r"\textbackslash{}input\{/etc/passwd\} 50\% \$x\$ \#1 \textasciicircum{}\_\textasciitilde{}\&"
    assert "\\" not in tex_escape("\x00\x1b") and tex_escape("ü") == "?"
    assert md_escape("<script>*x*</script> | $a$") == r"\<script\>\*x\*\</script\> \| \$a\$"


@pytest.mark.parametrize("text, tex", [
    ("-7/2", "$-7/2$"),
    ("≈-2", r"$\approx -2$"),
    ("φ(t) = t + 1/2*t^2", r"$\varphi (t) = t + 1/2\, t^{2}$"),
    ("j = 2, y_i = 1", r"$j = 2,\ y_{i} = 1$"),
    ("exp(2) - 1", r"$\exp (2) - 1$"),
    ("[0.25, 0.26]", r"$[0.25,\ 0.26]$"),
    ("≈0 (±1.2e-15)", r"$\approx 0 (\pm 1.2\cdot 10^{-15})$"),
    ("z̃^(1)[2] = 0", r"$\tilde{z}^{(1)}_{2} = 0$"),
    ("W^(1)[1,1]*x[1] + b_1[2]", r"$W^{(1)}_{11}\, x_{1} + b_{1}{}_{2}$"),
    (r"\input{x}", r"\textbackslash{}input\{x\}"),
    ("a$b^", r"a\$b\textasciicircum{}"),
], ids=["fraction", "approx", "polynomial", "bindings", "exp", "interval", "near-zero", "kink", "names", "command", "dollar"])
def test_value_tex(text, tex):
    assert value_tex(text) == tex, text


@pytest.mark.parametrize("text, tex", [
    ("the exponentials exp(z_k); φ(s), φ'(s) as atoms",
     r"the exponentials $\exp (z_{k})$; $\varphi (s)$, $\varphi '(s)$ as atoms"),
    ("left = ≈-4.5, right = 0", r"left = $\approx -4.5$, right = 0"),
    ("b_l is a vector (3×1): it", r"$b_{l}$ is a vector $(3\times 1)$: it"),
    ("W_{km}^{(L-1)} has 4 entries", r"$W_{km}^{(L-1)}$ has 4 entries"),
    ("Σ_m W_hm x_m + b_h, not", r"$\sum _{m} W_{hm} x_{m} + b_{h}$, not"),
    ("indicators 1{u > 0}, 1{u < 0}.", r"indicators $\mathbb{1}\{u > 0\}$, $\mathbb{1}\{u < 0\}$."),
    ("layer l-1; one-hot y", r"layer $l-1$; one-hot y"),
    ("except where z̃^(1)[2] = 0 or x[1] = 0 (a set", r"except where $\tilde{z}^{(1)}_{2} = 0$ or $x_{1} = 0$ (a set"),
    (r"unknown command \input_x{/etc/passwd} 50%", r"unknown command \textbackslash{}input\_x\{/etc/passwd\} 50\%"),
], ids=["exp-phi", "signed", "vector", "scripts", "sum", "indicator", "shift", "kinks", "hostile"])
def test_prose_tex(text, tex):
    assert prose_tex(text) == tex, text


def test_value_text():
    assert value_text("φ(t) = t + 1/2*t^2") == "φ(t) = t + 1/2·t²"
    assert value_text("≈-2, x-1, exp(2) - 1") == "≈−2, x-1, exp(2) − 1"


# Every command our typesetting can emit; anything else in the output came from the input.
_OURS = {"textbackslash", "textasciicircum", "textasciitilde", "textless", "textgreater", "textbar",
         "ensuremath", "ldots", "mathrm", "mathbb", "cdot", "approx", "neq", "leq", "geq", "times", "in",
         "pm", "sum", "partial", "nabla", "odot", "to", "Rightarrow", "langle", "rangle", "hat", "infty",
         "vert", "exp", "log", "ln", "sin", "cos", "tanh", "max", "min", "checkmark", "Sigma", "varphi",
         "delta", "sigma", "varepsilon", "eta", "alpha", "beta", "gamma", "zeta", "theta", "iota", "kappa",
         "lambda", "mu", "nu", "xi", "pi", "rho", "tau", "upsilon", "chi", "psi", "omega", "Delta", "Phi",
         "Omega", "epsilon", "tilde"}
_HOSTILE = st.lists(st.sampled_from(list("\\{}$%#&^_~<>|'\"-+=*/()[],; 01xyzWb\nφΣ≈²1e") +
                                    [r"\input", r"\write18", "^^5c", r"\catcode", "exp(", "{u > 0}"]),
                    max_size=30).map("".join)


def _balanced(tex: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}$]", "", tex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@settings(max_examples=300, deadline=None)
@given(_HOSTILE)
def test_typesetting_hostile_text_stays_text(text):
    """Whatever the text, the LaTeX made of it has only our commands, balanced braces, paired math."""
    for out in (prose_tex(text), value_tex(text)):
        assert set(re.findall(r"\\([A-Za-z]+)", out)) <= _OURS, (text, out)
        assert _balanced(out), (text, out)
        assert len(re.findall(r"(?<!\\)\$", out)) % 2 == 0, (text, out)
        assert "^^" not in out and "\n" not in out
    math = to_math(text)
    assert math is None or "$" not in math


@dataclass(frozen=True)
class _AlmostEverywhere(Grade):
    almost_everywhere: bool = True


def test_almost_everywhere_is_shown():
    g = _AlmostEverywhere("t1", r"\delta^{(L)} = \hat{y} - y", "correct",
                          "correct almost everywhere: exact identity\nfails where z^{(1)}_1 = 0", 1.0, 1.0)
    page = feedback_page(Report("ada", "mle-sheet4", (g,), "", ("t1",)), "MLE")
    md = render_feedback(page, "md")
    assert "correct (almost everywhere)" in md and "fails where" in md
    tex = render_feedback(page, "tex")
    assert "correct {(}almost everywhere{)}" in tex and "fails where $z^{(1)}_{1} = 0$" in tex
    plain = feedback_page(Report("ada", "mle-sheet4", (Grade(*[getattr(g, f) for f in ("label", "equation",
                          "verdict", "reason", "points", "max_points")]),), "", ("t1",)), "MLE")
    assert "almost everywhere)" not in render_feedback(plain, "md")
