"""The student's own write-up handed back with a mark beside every step:
each line that holds a step gets, at its end, ✓ (proved), ✗ (refuted or
ill-formed) or ? (unparseable, undecided) with a footnote number; the
footnotes say the verdict, the reason and a short counterexample.  The
student's text is kept as written (it is Markdown they wrote); our messages
are escaped so that nothing in them is read as Markdown or math."""

from __future__ import annotations

from symbackprop.text.escape import md_escape
from symbackprop.writeup.judge import Judged

__all__ = ["annotated_markdown", "annotated_latex"]

_MARK = {"proved": "✓", "refuted": "✗", "ill-formed": "✗", "unparseable": "?", "undecided": "?"}


def annotated_markdown(src: str, judged: list[Judged]) -> str:
    lines = src.split("\n")
    by_line: dict = {}
    for j in judged:
        if j.result is not None:
            by_line.setdefault(j.step.line, []).append(j)
    notes, out = [], []
    for k, line in enumerate(lines, start=1):
        marks = []
        for j in by_line.get(k, []):
            notes.append(j)
            marks.append(f"{_MARK.get(j.verdict, '?')}[^s{len(notes)}]")
        out.append(line + ("  " + " ".join(marks) if marks else ""))
    out += ["", "---", ""]
    for n, j in enumerate(notes, start=1):
        text = f"{j.verdict} (line {j.step.line}, column {j.step.col})"
        reason = (j.result.reason or "").splitlines()[0] if j.result else ""
        if reason and j.verdict != "proved":
            text += ": " + reason
        w = j.result.witness if j.result else None
        if w is not None and w.values:
            shown = ", ".join(f"{k} = {v}" for k, v in list(w.values.items())[:6])
            text += f"; for example at {shown}" + (" …" if len(w.values) > 6 else "")
        out.append(f"[^s{n}]: {md_escape(text)}")
    return "\n".join(out) + "\n"


def annotated_latex(src: str, judged: list[Judged]) -> str:
    """The same for a LaTeX write-up, as TeX comments (the file still compiles as before)."""
    lines = src.split("\n")
    by_line: dict = {}
    for j in judged:
        if j.result is not None:
            by_line.setdefault(j.step.line, []).append(j)
    notes, out = [], []
    for k, line in enumerate(lines, start=1):
        marks = []
        for j in by_line.get(k, []):
            notes.append(j)
            marks.append(f"{_MARK.get(j.verdict, '?')} s{len(notes)}")
        out.append(line + ("  % " + " ".join(marks) if marks else ""))
    out += ["", "% ---- symbackprop ----"]
    for n, j in enumerate(notes, start=1):
        reason = (j.result.reason or "").splitlines()[0] if j.result else ""
        text = f"{j.verdict} (line {j.step.line}, column {j.step.col})" + (f": {reason}" if reason and j.verdict != "proved" else "")
        out.append("% s" + str(n) + ": " + text.replace("\n", " "))
    return "\n".join(out) + "\n"
