"""The student's own write-up handed back with a mark beside every step:
each line that holds a step gets, at its end, ✓ (proved), ✗ (refuted or
ill-formed) or ? (unparseable, undecided) with a note number; the notes at
the end say the verdict, the reason and a short counterexample.  The
student's text is kept as written; in Markdown our messages are escaped so
that nothing in them is read as Markdown or math, in LaTeX they are comments
(the file still compiles as before)."""

from __future__ import annotations

from symbackprop.text.escape import md_escape
from symbackprop.writeup.judge import Judged

__all__ = ["annotated_markdown", "annotated_latex"]

_MARK = {"proved": "✓", "refuted": "✗", "ill-formed": "✗", "unparseable": "?", "undecided": "?"}


def _note(j: Judged, witness: bool) -> str:
    text = f"{j.verdict} (line {j.step.line}, column {j.step.col})"
    reason = (j.result.reason or "").splitlines()[0] if j.result else ""
    if reason and j.verdict != "proved":
        text += ": " + reason
    w = j.result.witness if j.result and witness else None
    if w is not None and w.values:
        shown = ", ".join(f"{k} = {v}" for k, v in list(w.values.items())[:6])
        text += f"; for example at {shown}" + (" …" if len(w.values) > 6 else "")
    return text


def _annotated(src: str, judged: list[Judged], mark, line_end: str, head: list, note) -> str:
    """`src` with `line_end` + the marks (`mark(symbol, n)`) after each step's line, then `head` and the notes."""
    by_line: dict = {}
    for j in judged:
        if j.result is not None:
            by_line.setdefault(j.step.line, []).append(j)
    notes, out = [], []
    for k, line in enumerate(src.split("\n"), start=1):
        marks = []
        for j in by_line.get(k, []):
            notes.append(j)
            marks.append(mark(_MARK.get(j.verdict, "?"), len(notes)))
        out.append(line + (line_end + " ".join(marks) if marks else ""))
    out += head + [note(n, j) for n, j in enumerate(notes, start=1)]
    return "\n".join(out) + "\n"


def annotated_markdown(src: str, judged: list[Judged]) -> str:
    return _annotated(src, judged, lambda sym, n: f"{sym}[^s{n}]", "  ", ["", "---", ""],
                      lambda n, j: f"[^s{n}]: {md_escape(_note(j, True))}")


def annotated_latex(src: str, judged: list[Judged]) -> str:
    return _annotated(src, judged, lambda sym, n: f"{sym} s{n}", "  % ", ["", "% ---- symbackprop ----"],
                      lambda n, j: f"% s{n}: " + _note(j, False).replace("\n", " "))
