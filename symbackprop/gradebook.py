"""A class's grades as the staff and the students need them (pure: strings
and dicts in, nothing written here).

- JSON: one object per student and problem, with every answer's verdict;
- CSV gradebook: a row per student, a column per label, totals;
- Gradescope: `results.json` in the autograder format (score, tests[]);
(Per-student feedback is a report: see `report/`.)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .grading import Grade

__all__ = ["Report", "reports_json", "gradebook_csv", "gradescope_results"]


@dataclass(frozen=True)
class Report:
    """One student's graded submission to one problem."""
    student: str
    problem: str
    grades: tuple[Grade, ...] = ()
    error: str = ""           # the submission could not be read
    labels: tuple[str, ...] = field(default=())  # every label the problem grades, in order
    max_points: dict = field(default_factory=dict)  # label -> points, for labels not answered

    @property
    def score(self) -> float:
        return sum(g.points for g in self.grades)

    @property
    def max_score(self) -> float:
        answered = {g.label for g in self.grades}
        return sum(g.max_points for g in self.grades) + sum(
            p for label, p in self.max_points.items() if label not in answered)

    def as_json(self) -> dict:
        out = {"student": self.student, "problem": self.problem, "score": _num(self.score),
               "max_score": _num(self.max_score), "answers": [g.as_json() for g in self.grades]}
        if self.error:
            out["error"] = self.error
        return out


def _num(x: float):
    return int(x) if float(x).is_integer() else round(x, 4)


def reports_json(reports: list[Report]):
    """One object for one student, a list for several."""
    rows = [r.as_json() for r in reports]
    return rows[0] if len(rows) == 1 else rows


def gradebook_csv(reports: list[Report]) -> str:
    """A row per student; a column per (problem, label) and the totals."""
    problems = sorted({r.problem for r in reports if r.problem})
    columns: list[tuple[str, str]] = []
    for p in problems:
        labels: list[str] = []
        for r in reports:
            if r.problem == p:
                for label in list(r.labels) + [g.label for g in r.grades]:
                    if label not in labels:
                        labels.append(label)
        columns += [(p, label) for label in labels]
    name = (lambda p, l: l) if len(problems) == 1 else (lambda p, l: f"{p}/{l}")  # noqa: E731
    students = sorted({r.student for r in reports})
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student"] + [name(p, l) for p, l in columns] + ["total", "max_total"])
    for s in students:
        mine = [r for r in reports if r.student == s]
        points = {(r.problem, g.label): g.points for r in mine for g in r.grades}
        taken = {r.problem for r in mine}
        total = sum(r.score for r in mine)
        max_total = sum(r.max_score for r in mine)
        # a problem the student did not submit is blank, an unanswered label 0
        writer.writerow([_csv_safe(s)] + [_num(points.get(c, 0)) if c[0] in taken else "" for c in columns]
                        + [_num(total), _num(max_total)])
    return buf.getvalue()


def _csv_safe(text: str) -> str:
    """A student id starting with = + - @ is not run as a spreadsheet formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def gradescope_results(report: Report) -> dict:
    """Gradescope's autograder `results.json` for one student."""
    tests = []
    for k, g in enumerate(report.grades, start=1):
        tests.append({"name": f"{report.problem} {g.label}", "number": str(k), "score": _num(g.points),
                      "max_score": _num(g.max_points), "status": "passed" if g.verdict == "correct" else "failed",
                      "output": _answer_markdown(g), "output_format": "md", "visibility": "visible"})
    out = {"score": _num(report.score), "execution_time": round(sum(g.seconds for g in report.grades), 3),
           "output": report.error or f"{len(tests)} answers graded by symbackprop", "visibility": "visible",
           "stdout_visibility": "hidden", "tests": tests}
    return out


def _answer_markdown(g: Grade) -> str:
    lines = [f"**{g.verdict}** ({_num(g.points)}/{_num(g.max_points)})", "", f"`{_clip(g.equation)}`", ""]
    lines.append(_clip(g.reason, 2000))
    if g.mistake:
        lines += ["", f"Named mistake: **{g.mistake.name}** — {g.mistake.proof}.", f"Hint: {g.mistake.hint}."]
    if g.witness:
        w = g.witness
        where = ", ".join(f"{k} = {v}" for k, v in w.bindings.items())
        lines += ["", "Counterexample" + (f" at {where}" if where else "") + ":"]
        for name, poly in w.functions.items():
            lines.append(f"- activation: {poly}")
        values = ", ".join(f"{k} = {v}" for k, v in list(w.values.items())[:60])
        lines += [f"- values: {values}" + (" …" if len(w.values) > 60 else ""),
                  f"- left side = {w.lhs}, right side = {w.rhs}"]
    if g.conditions:
        lines += ["", "Holds using: " + ", ".join(g.conditions) + "."]
    return "\n".join(lines)


def _clip(text: str, limit: int = 500) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[:limit] + " …"
