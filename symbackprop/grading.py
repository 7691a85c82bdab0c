"""Grading one answer: a verdict a student can act on, and the mistake named.

An answer is *correct* when it is a proved identity (in any form: component
or matrix, δ or its closed form, other index letters, a free l for L-1) and
it is about what the label asks — the same derivative or quantity as the
reference answer's left side.  An incorrect answer gets its counterexample
or shape/index error, and where one fits, the name of the mistake: a
`mistakes.Mutation` of the reference that the zero test *proves* equal to
the answer.  Pure: no files, no printing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .errors import InputError, TimeLimit
from .limits import time_cap
from .mistakes import MUTATIONS
from .alignment import equations, focus, proved_equal
from .notation import meaning as M
from .problems import Problem
from .verdict import Verdict
from .verify import check
from .witness import Witness

__all__ = ["Grade", "Mistake", "grade_answer", "grade_from_json", "name_mistake"]

_FROM_CHECK = {Verdict.PROVED: "correct", Verdict.REFUTED: "incorrect", Verdict.ILL_FORMED: "incorrect",
               Verdict.UNPARSEABLE: "unparseable", Verdict.UNDECIDED: "undecided"}


@dataclass(frozen=True)
class Mistake:
    name: str
    hint: str
    proof: str  # the statement that was proved to name it

    def as_json(self) -> dict:
        return {"name": self.name, "hint": self.hint, "proof": self.proof}


@dataclass(frozen=True)
class Grade:
    label: str
    equation: str
    verdict: str                      # correct | incorrect | unparseable | undecided
    reason: str
    points: float = 0.0
    max_points: float = 1.0
    witness: Witness | None = None
    mistake: Mistake | None = None
    conditions: tuple[str, ...] = ()
    seconds: float = 0.0
    position: int | None = None

    def as_json(self) -> dict:
        return {"label": self.label, "equation": self.equation, "verdict": self.verdict,
                "reason": self.reason, "witness": self.witness.as_json() if self.witness else None,
                "mistake": self.mistake.name if self.mistake else None,
                "mistake_detail": self.mistake.as_json() if self.mistake else None,
                "conditions": list(self.conditions), "points": self.points, "max_points": self.max_points,
                "seconds": round(self.seconds, 4), "position": self.position}


# ------------------------------------------------------------ grading
def grade_answer(problem: Problem, label: str, equation: str, reference: str | None = None,
                 points: float = 1.0, timeout: float = 10.0, activation: str | None = None) -> Grade:
    """Grade one answer.  Never raises for bad input."""
    start = time.perf_counter()
    result = check(problem, equation, activation, None, timeout)
    verdict = _FROM_CHECK[result.verdict]
    reason = result.reason
    conditions = list(result.conditions)
    mistake = None
    left = lambda: max(0.5, timeout - (time.perf_counter() - start))  # noqa: E731
    try:
        with time_cap(left()):
            if verdict == "correct" and reference:
                off_topic = _off_topic(problem, equation, reference)
                if off_topic:
                    verdict, reason = "incorrect", off_topic
            if verdict == "correct" and activation is None:
                conditions += _activation_conditions(problem, equation, left())
            if verdict == "incorrect" and reference:
                mistake = name_mistake(problem, equation, reference)
    except TimeLimit:
        pass  # the verdict stands; only the mistake's name is missing
    except (InputError, ArithmeticError, ValueError, TypeError, IndexError, KeyError, AttributeError,
            RuntimeError):
        pass  # only the mistake's name (or a condition) is missing; the verdict stands
    if verdict == "correct":
        reason = "correct: " + result.reason + (" (for ReLU only)" if "ReLU" in conditions else "")
    return Grade(label, equation, verdict, reason, points if verdict == "correct" else 0.0, points,
                 result.witness, mistake, tuple(conditions), time.perf_counter() - start, result.position)


def _off_topic(problem: Problem, equation: str, reference: str) -> str:
    """Why a true answer doesn't answer the label's question, or ''."""
    ref = equations(problem, reference)[0]
    if any(focus(problem, eq, ref) is not None for eq in equations(problem, equation)):
        return ""
    return "a true statement, but not the one asked for: it is not about " + \
           (ref.sides[0].text or "the reference's left side")


def _activation_conditions(problem: Problem, equation: str, timeout: float) -> list[str]:
    """'ReLU' when the answer is right for ReLU but not for a general φ."""
    if problem.activation != "relu" or "generic" not in problem.also_check:
        return []
    general = check(problem, equation, "generic", None, timeout)
    return [] if general.verdict is Verdict.PROVED else ["ReLU"]


def name_mistake(problem: Problem, equation: str, reference: str) -> Mistake | None:
    """The first known mistake proved to turn the reference into the answer."""
    ref = equations(problem, reference)[0]
    for eq in equations(problem, equation):
        found = focus(problem, eq, ref)
        if found is None:
            continue
        al, closed = found
        answer, target = al.answer(closed), al.reference(ref.sides[-1])
        premises = tuple(ref.premises) or tuple(eq.premises)
        free = frozenset(M.free_indices(target) | M.free_indices(answer))
        for mutation in MUTATIONS:
            for wrong in mutation.forward(target, free):
                if proved_equal(problem, answer, wrong, premises):
                    return Mistake(mutation.name, mutation.hint,
                                   "proved: your answer equals the reference answer with this mistake made")
            if mutation.inverse is None:
                continue
            for repaired in mutation.inverse(answer, free):
                if proved_equal(problem, repaired, target, premises):
                    return Mistake(mutation.name, mutation.hint,
                                   "proved: undoing this mistake turns your answer into the reference answer")
    return None


def grade_from_json(row: dict) -> Grade:
    """A Grade back from `Grade.as_json` (the result cache)."""
    w = row.get("witness")
    witness = Witness(w["values"], w["functions"], w["at"], w["lhs"], w["rhs"], w.get("link", "")) if w else None
    m = row.get("mistake_detail")
    mistake = Mistake(m["name"], m["hint"], m["proof"]) if m else None
    return Grade(row["label"], row["equation"], row["verdict"], row["reason"], float(row["points"]),
                 float(row["max_points"]), witness, mistake, tuple(row.get("conditions", ())),
                 float(row.get("seconds", 0.0)), row.get("position"))
