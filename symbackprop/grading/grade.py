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
from fractions import Fraction

from symbackprop.errors import ENGINE_FAULTS, InputError, TimeLimit
from symbackprop.limits import time_cap
from symbackprop import registry as R
from symbackprop.grading.mistakes import context_of, MUTATIONS, PREMISE_REVERSED
from symbackprop.grading.align import Budget, Equation, equations, focus, proved_equal
from symbackprop.notation import meaning as M
from symbackprop.catalogue.problem import Problem
from symbackprop.verdict import Verdict
from symbackprop.proof.check import check
from symbackprop.verdict import Witness

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
    cut_short: bool = False           # a time cap stopped part of it: depends on load, never cached
    almost_everywhere: bool = False   # correct except on a named set of measure zero (`fails_where`)
    vacuous: bool = False             # correct because its premise never holds
    fails_where: str = ""

    def as_json(self) -> dict:
        return {"label": self.label, "equation": self.equation, "verdict": self.verdict,
                "reason": self.reason, "witness": self.witness.as_json() if self.witness else None,
                "mistake": self.mistake.name if self.mistake else None,
                "mistake_detail": self.mistake.as_json() if self.mistake else None,
                "conditions": list(self.conditions), "points": self.points, "max_points": self.max_points,
                "seconds": round(self.seconds, 4), "position": self.position, "cut_short": self.cut_short,
                "almost_everywhere": self.almost_everywhere, "vacuous": self.vacuous,
                **({"fails_where": self.fails_where} if self.fails_where else {})}


# ------------------------------------------------------------ grading
NAMING_BUDGET = 600          # comparisons (zero tests) naming one mistake may make: work, not seconds
NAMING_SAFETY_SECONDS = 60.0  # a last resort only; when it fires the grade is marked cut short


def grade_answer(problem: Problem, label: str, equation: str, reference: str | None = None,
                 points: float = 1.0, timeout: float = 10.0, activation: str | None = None,
                 naming_budget: int = NAMING_BUDGET, naming_seconds: float = NAMING_SAFETY_SECONDS,
                 on_naming=None) -> Grade:
    """Grade one answer.  Never raises for bad input.

    `timeout` caps the verdict (the check, whether the answer is about what
    the label asks, the activation it holds for); naming a mistake then has
    `naming_budget` comparisons and, as a last resort, `naming_seconds`
    (`on_naming(grade without the name)` is called when it starts, so a
    supervisor can extend its own deadline and still has the verdict if it
    has to stop the work).  A grade any cap cut short says so in `cut_short`."""
    start = time.perf_counter()
    result, verdict, reason, conditions, cut, on_topic = None, "undecided", "", [], False, not reference
    try:
        with time_cap(timeout):
            result = check(problem, equation, activation, None, timeout)
            verdict, reason, conditions = _FROM_CHECK[result.verdict], result.reason, list(result.conditions)
            if verdict == "correct" and reference:
                verdict, why = _about_the_question(problem, equation, reference)
                reason = why or reason
                on_topic = True
            if verdict == "correct" and activation is None:
                more, cut = _activation_conditions(problem, equation, timeout)
                conditions += more
    except TimeLimit:
        cut = True  # only the activation it holds for may be missing, or more (below)
        if result is not None and verdict == "correct" and not on_topic:  # true, but about what?
            verdict, reason = "undecided", "undecided: the answer holds, but the time limit was reached " \
                                           "before checking that it answers this question"
        elif result is None:
            verdict, reason = "undecided", "undecided: time limit reached"
    mistake = None
    if verdict == "incorrect" and reference:
        if on_naming:  # the grade so far, should naming never finish
            on_naming(Grade(label, equation, verdict, reason, 0.0, points, result.witness, None, tuple(conditions),
                            time.perf_counter() - start, result.position, True))
        try:
            with time_cap(naming_seconds):
                mistake = name_mistake(problem, equation, reference, Budget(naming_budget))
        except TimeLimit:
            cut = True  # the verdict stands; the name is missing and the grade is not cached
        except (InputError, *ENGINE_FAULTS):
            pass  # no mistake is named; the verdict stands
    qualified = verdict == "correct" and result is not None
    if verdict == "correct":
        reason = "correct: " + reason + (" (for ReLU only)" if "ReLU" in conditions else "")
    return Grade(label, equation, verdict, reason, points if verdict == "correct" else 0.0, points,
                 result.witness if result else None, mistake, tuple(conditions), time.perf_counter() - start,
                 result.position if result else None, cut,
                 almost_everywhere=qualified and result.almost_everywhere,
                 vacuous=qualified and result.vacuous, fails_where=result.kinks if qualified else "")


def _about_the_question(problem: Problem, equation: str, reference: str) -> tuple[str, str]:
    """(verdict, reason) for a true answer: still correct when it is about
    what the reference's left side names; incorrect when it is proved to be
    about something else; undecided when that could not be decided."""
    try:
        ref = equations(problem, reference)[0]
        if any(focus(problem, eq, ref) is not None for eq in equations(problem, equation)):
            return "correct", ""
    except (InputError, *ENGINE_FAULTS) as err:
        return "undecided", f"undecided: the answer holds, but checking that it answers this question failed " \
                            f"({type(err).__name__})"
    return "incorrect", "a true statement, but not the one asked for: it is not about " + \
        (ref.sides[0].text or "the reference's left side")


def _activation_conditions(problem: Problem, equation: str, timeout: float) -> tuple[list[str], bool]:
    """(['ReLU'] when the answer is right for the problem's default function
    (ReLU) but not for a generic φ the problem also lists, whether that check
    was cut short)."""
    if problem.activation == R.GENERIC or R.GENERIC not in problem.also_check:
        return [], False
    general = check(problem, equation, R.GENERIC, None, timeout)
    if general.verdict is Verdict.UNDECIDED:
        return [], True
    entry = R.lookup(problem.activation.split("(")[0])
    return ([] if general.verdict is Verdict.PROVED else [entry.display if entry else problem.activation]), False


def name_mistake(problem: Problem, equation: str, reference: str, budget: Budget | None = None) -> Mistake | None:
    """The first known mistake proved to turn the reference into the answer,
    trying mutations in a fixed order within `budget` comparisons.  Every
    equation of the reference is tried against every equation of the answer
    (a display can state several), and every form the reference gives after
    its left side (the last first: a chain ends in the closed form)."""
    budget = budget or Budget(NAMING_BUDGET)
    answers = equations(problem, equation)
    refs = equations(problem, reference)
    focused = False
    for ref in refs:
        for eq in answers:
            found = focus(problem, eq, ref, budget)
            if found is None:
                continue
            focused = True
            al, closed = found
            answer = al.answer(closed)
            if eq.premises != ref.premises:
                named = _premise_mistake(problem, eq, ref, al, answer, al.reference(ref.sides[-1]), budget)
                if named is not None:
                    return named
            premises = tuple(ref.premises) or tuple(eq.premises)
            same = _comparer(problem, al.reference(ref.sides[0]), premises, budget)
            for form in (ref.sides[-1],) + tuple(ref.sides[1:-1]):
                named = _mutation_proved(problem, same, answer, al.reference(form))
                if named is not None or budget.spent:
                    return named
    return None if focused else _left_side_mistake(problem, answers, refs, budget)


def _left_side_mistake(problem, answers, refs, budget) -> Mistake | None:
    """An answer about another layer than asked (δ^{(L)} for δ^{(L-1)}) with
    the right closed form: its left side is proved to be the reference's
    with a layer label moved, and its closed form equal to the reference's."""
    for ref in refs:
        free = frozenset(M.free_indices(ref.sides[0]))
        for mutation in MUTATIONS:
            if mutation.name != "layer index off by one":
                continue
            for moved in mutation.made(ref.sides[0], free, None, context_of(problem)):
                wrong = Equation((moved,) + tuple(ref.sides[1:]), ref.premises)
                for eq in answers:
                    found = focus(problem, eq, wrong, budget)
                    if found is None:
                        continue
                    al, closed = found
                    if eq.premises != ref.premises:
                        continue
                    # the premises are the reference's: only the left side and the closed form can differ
                    same = _comparer(problem, al.reference(moved), (), budget)
                    if same(al.answer(closed), al.reference(ref.sides[-1])):
                        return Mistake(mutation.name, problem.hints.get(mutation.name, mutation.hint),
                                       "proved: your answer is the reference answer for another layer")
                if budget.spent:
                    return None
    return None


def _mutation_proved(problem, same, answer, target) -> Mistake | None:
    if same(answer, target):
        return None  # this closed form is right: the mistake is elsewhere (e.g. the left side)
    free = frozenset(M.free_indices(target) | M.free_indices(answer))
    for mutation in MUTATIONS:
        for wrong in mutation.made(target, free, answer, context_of(problem)):
            if same(answer, wrong):
                return Mistake(mutation.name, problem.hints.get(mutation.name, mutation.hint),
                               "proved: your answer equals the reference answer with this mistake made")
        for repaired in mutation.undone(answer, free, target, context_of(problem)):
            if same(repaired, target):
                return Mistake(mutation.name, problem.hints.get(mutation.name, mutation.hint),
                               "proved: undoing this mistake turns your answer into the reference answer")
    return None


def _comparer(problem, left_side, premises, budget):
    """Proved equality of two closed forms, read where the reference's left
    side gives their indices a range: an index the closed form only tests
    (the j of 1_j^n) ranges over what ∂/∂(Z_l)_{ij} says.  Adding 0·(left
    side) to both changes no value."""
    if M.free_indices(left_side):
        zero = M.Mul(M.Number(Fraction(0)), left_side)
        return lambda a, b: proved_equal(problem, M.Add(a, zero), M.Add(b, zero), premises, budget)
    return lambda a, b: proved_equal(problem, a, b, premises, budget)


def _premise_mistake(problem, eq, ref, al, answer, target, budget) -> Mistake | None:
    """"premise reversed": the answer's premise is the reference's with the
    relation negated (both sides proved equal), and its closed form is right."""
    if len(eq.premises) != 1 or len(ref.premises) != 1:
        return None
    (a, rel, b), (ra, rrel, rb) = eq.premises[0], ref.premises[0]
    if _NEGATED.get(rrel) != rel:
        return None
    a, b = al.answer(a), al.answer(b)
    if proved_equal(problem, a, ra, (), budget) and proved_equal(problem, b, rb, (), budget) \
            and proved_equal(problem, answer, target, ref.premises, budget):
        return Mistake(PREMISE_REVERSED.name, problem.hints.get(PREMISE_REVERSED.name, PREMISE_REVERSED.hint),
                       "proved: your answer is the reference answer with its condition reversed")
    return None


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def grade_from_json(row: dict) -> Grade:
    """A Grade back from `Grade.as_json` (the result cache)."""
    w = row.get("witness")
    witness = Witness(w["values"], w["functions"], w["at"], w["lhs"], w["rhs"], w.get("link", "")) if w else None
    m = row.get("mistake_detail")
    mistake = Mistake(m["name"], m["hint"], m["proof"]) if m else None
    return Grade(row["label"], row["equation"], row["verdict"], row["reason"], float(row["points"]),
                 float(row["max_points"]), witness, mistake, tuple(row.get("conditions", ())),
                 float(row.get("seconds", 0.0)), row.get("position"), bool(row.get("cut_short", False)),
                 almost_everywhere=bool(row.get("almost_everywhere", False)), vacuous=bool(row.get("vacuous", False)),
                 fails_where=row.get("fails_where", ""))
