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

from symbackprop.grading.grade import Grade

__all__ = ["Report", "reports_json", "gradebook_csv", "gradescope_results", "notes_markdown", "NOT_A_QUESTION"]

NOT_A_QUESTION = "not a question of this problem"


@dataclass(frozen=True)
class Report:
    """One student's graded submission to one problem."""
    student: str
    problem: str
    grades: tuple[Grade, ...] = ()
    error: str = ""           # the submission could not be read
    labels: tuple[str, ...] = field(default=())  # every label the problem grades, in order
    max_points: dict = field(default_factory=dict)  # label -> points, for labels not answered
    notes: tuple[str, ...] = ()  # what was not graded and why ("bonus: not a question of this problem")

    @property
    def score(self) -> float:
        # one grade per label of the problem, so the sum can't pass the maximum; the cap says it can't
        return min(sum(g.points for g in self.grades), self.max_score)

    @property
    def max_score(self) -> float:
        """The problem's points (each label once), whatever was submitted."""
        per_label = {g.label: g.max_points for g in self.grades}
        per_label.update(self.max_points)
        return sum(per_label.values())

    def as_json(self) -> dict:
        out = {"student": self.student, "problem": self.problem, "score": _num(self.score),
               "max_score": _num(self.max_score), "answers": [g.as_json() for g in self.grades]}
        if self.error:
            out["error"] = self.error
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def _num(x: float):
    return int(x) if float(x).is_integer() else round(x, 4)


def reports_json(reports: list[Report]) -> list:
    """A list, one object per student and problem (for one submission too)."""
    return [r.as_json() for r in reports]


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
    summary = report.error or f"{len(tests)} answers graded by symbackprop"
    out = {"score": _num(report.score), "execution_time": round(sum(g.seconds for g in report.grades), 3),
           "output": "\n".join((summary,) + report.notes), "visibility": "visible",
           "stdout_visibility": "hidden", "tests": tests}
    return out


def notes_markdown(report: Report) -> str:
    """A feedback section listing what was not graded and why, or ''."""
    if not report.notes:
        return ""
    from symbackprop.text.escape import md_escape  # the report package builds on this module
    return "\n## Not graded as written\n\n" + "".join(f"- {md_escape(_clip(n, 300))}\n" for n in report.notes)


def _answer_markdown(g: Grade) -> str:
    """One answer as Gradescope shows it (`output_format: md`): the formula as
    typed in a code span, our messages escaped (they quote the student's
    text), and the counterexample as one table holding every value — no blank
    line inside it, every row as many cells as the header."""
    # imported here: the report package builds on this module, not the other way round
    from symbackprop.text.escape import md_escape
    from symbackprop.text.mathtext import value_text

    def text(s) -> str:
        return md_escape(value_text(s))

    verdict = g.verdict + (" (almost everywhere)" if getattr(g, "almost_everywhere", False) else "")
    lines = [f"**{verdict}** ({_num(g.points)}/{_num(g.max_points)})", "",
             "`" + (_clip(g.equation).replace("\n", " ") or " ") + "`", "", md_escape(_clip(g.reason, 2000))]
    if g.mistake:
        lines += ["", f"Named mistake: **{md_escape(g.mistake.name)}** — {md_escape(g.mistake.proof)}.", "",
                  f"Hint: {md_escape(g.mistake.hint)}."]
    if g.witness:
        w = g.witness
        where = ", ".join(f"{k} = {v}" for k, v in w.bindings.items())
        lines += ["", "Counterexample" + (f" at {text(where)}" if where else "") +
                  f": left side = {text(w.lhs)}, right side = {text(w.rhs)}" +
                  "".join(f"; {text(poly)}" for poly in w.functions.values()) + "."]
        shown = list(w.values.items())[:60]
        if shown:
            lines += ["", "| name | value | name | value | name | value |", "|---|---|---|---|---|---|"]
            for start in range(0, len(shown), 3):
                row = shown[start:start + 3]
                cells = [f" {md_escape(k)} | {text(v)} " for k, v in row] + ["  |  "] * (3 - len(row))
                lines.append("|" + "|".join(cells) + "|")
            if len(w.values) > len(shown):
                lines += ["", f"and {len(w.values) - len(shown)} more values."]
    if g.conditions:
        lines += ["", "Holds using: " + md_escape(", ".join(g.conditions)) + "."]
    return "\n".join(lines)


def _clip(text: str, limit: int = 500) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[:limit] + " …"
