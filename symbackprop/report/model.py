"""What a report says, as data: built from the problem, the verdicts and the
grades; templates only lay it out.  Every LaTeX fragment here is either
typeset by us from a parsed formula (`TeX`) or plain text that the templates
escape.  No timings go in: a report must be the same every time it is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbackprop.errors import ENGINE_FAULTS, InputError
from symbackprop.grading.gradebook import Report
from symbackprop.notation.parser import parse_display
from symbackprop.notation.typeset import typeset_statement
from symbackprop.catalogue.listing import function_rows, notation_rows, size_rows
from symbackprop.catalogue.problem import Problem
from symbackprop.proof.check import check, first_entry
from symbackprop.text.escape import TeX, tex_escape
from symbackprop.report.exprtex import expr_tex, name_tex

__all__ = ["ProblemPage", "problem_page", "FeedbackPage", "feedback_page", "statement_tex", "MARKS"]

MARKS = {"proved": "✓", "refuted": "✗", "ill-formed": "✗", "unparseable": "?", "undecided": "…",
         "correct": "✓", "incorrect": "✗"}
TEX_MARKS = {"proved": r"\textcolor{okgreen}{$\checkmark$}", "correct": r"\textcolor{okgreen}{$\checkmark$}",
             "refuted": r"\textcolor{badred}{$\times$}", "incorrect": r"\textcolor{badred}{$\times$}",
             "ill-formed": r"\textcolor{badred}{$\times$}", "unparseable": r"\textcolor{gray}{?}",
             "undecided": r"\textcolor{gray}{$\ldots$}"}


def statement_tex(latex: str) -> TeX | None:
    """The claim typeset from its parse, or None when it does not parse."""
    try:
        return TeX(r" \qquad ".join(typeset_statement(s) for s in parse_display(latex)))
    except (InputError, RecursionError, TypeError):
        return None


@dataclass(frozen=True)
class Outcome:
    activation: str
    verdict: str
    mark: str
    tex_mark: TeX
    expected: str
    reason: str
    method: str = ""
    conditions: str = ""
    at: str = ""
    functions: tuple = ()
    values: tuple = ()      # (TeX name, value)
    lhs: str = ""
    rhs: str = ""
    numbers: tuple = ()     # worked examples: (side, entry, printed, status, exact)
    qualifier: str = ""     # "almost everywhere": proved except on a set of measure zero the reason names


@dataclass(frozen=True)
class Worked:
    instance: str
    entry: str
    computed: TeX
    closed: TeX


@dataclass(frozen=True)
class ClaimRow:
    id: str
    seed: str
    note: str
    statement: TeX | None
    raw: str
    outcomes: tuple
    worked: Worked | None = None


@dataclass(frozen=True)
class ProblemPage:
    id: str
    title: str
    source: str
    instance: str
    notation: tuple          # (TeX symbol, meaning, TeX formula, TeX shape)
    definitions: tuple       # TeX
    claims: tuple
    all_expected: bool = True


def _math(latex: str) -> TeX:
    """A problem file's LaTeX, re-typeset from its parse (never copied into the report as it is)."""
    if not latex:
        return TeX("")
    return statement_tex(latex) or TeX(r"\text{%s}" % tex_escape(latex))


def _instance(problem: Problem) -> str:
    text = problem.describe_sizes(problem.check_sizes())
    fns = [f"{d.key} = {' / '.join(c.label for c in d.choices) or ', '.join(c.label for c in d.by_layer.values())}"
           for d in problem.arch.functions.values()]
    if fns:
        text += "; functions: " + ", ".join(fns)
    if problem.also_check:
        text += "; every claim also checked with " + ", ".join(problem.also_check)
    return text


def _outcome(problem: Problem, claim, activation: str) -> Outcome:
    r = check(problem, claim.latex, activation, None, 60.0)
    v = r.verdict.value
    ae = bool(getattr(r, "almost_everywhere", False))
    out = dict(activation=activation, verdict=v, mark=MARKS[v], tex_mark=TeX(TEX_MARKS[v]),
               expected=claim.expected(activation), reason=_reason(r.reason, ae), method=r.method,
               conditions=", ".join(r.conditions), qualifier=_qualifier(ae, getattr(r, "vacuous", False)))
    out["numbers"] = tuple((n.side, ", ".join(str(i + 1) for i in n.entry), n.printed, n.status, n.exact)
                           for n in r.numbers if n.status in ("exact", "rounded", "truncated", "wrong"))
    if r.witness:
        w = r.witness
        out.update(at=", ".join(f"{k} = {val}" for k, val in w.bindings.items()),
                   functions=tuple(w.functions.values()),
                   values=tuple((TeX(name_tex(k)), val) for k, val in w.values.items()), lhs=w.lhs, rhs=w.rhs)
    return Outcome(**out)


_QUALIFIER = "almost everywhere"


def _qualifier(almost_everywhere: bool, vacuous: bool) -> str:
    """What a bare ✓ would hide: a proof up to a set of measure zero, or one whose premise never holds."""
    return "vacuously" if vacuous else (_QUALIFIER if almost_everywhere else "")


def _reason(reason: str, almost_everywhere: bool) -> str:
    """The first line; all of it for an almost-everywhere proof, whose later
    lines say where it fails."""
    lines = [line.strip() for line in (reason or "").splitlines() if line.strip()]
    if not lines:
        return ""
    return "; ".join(lines) if almost_everywhere else lines[0]


def _small_instances(problem: Problem):
    """Small instances first (every size 2, so two classes or examples),
    then the problem's own: the first where the claim can be evaluated
    gives the shortest worked example."""
    small = {k: tuple(2 for _ in v) if isinstance(v, tuple) else 2 for k, v in problem.sizes.items()}
    return [small, None]


def _worked(problem: Problem, claim) -> Worked | None:
    if problem.numeric:
        return None
    for sizes in _small_instances(problem):
        try:
            found = first_entry(problem, claim.latex, None, sizes)
        except (InputError, *ENGINE_FAULTS):
            continue
        if found is None:
            continue
        binds, idx, a, b, net = found
        names = {s: name_tex(w) for s, w in problem.leaf_names(net).items()}
        where = ", ".join(f"{k} = {v}" for k, v in binds.items())
        if idx:
            where += (", " if where else "") + "entry (" + ", ".join(str(i + 1) for i in idx) + ")"
        sizes_text = problem.describe_sizes(net.spec.sizes)
        return Worked(sizes_text, where, expr_tex(a, names), expr_tex(b, names))
    return None


def problem_page(problem: Problem) -> ProblemPage:
    rows = []
    all_ok = True
    for claim in problem.claims:
        outcomes = tuple(_outcome(problem, claim, a) for a in (problem.activation,) + problem.also_check)
        all_ok &= all(o.verdict == o.expected for o in outcomes)
        proved = any(o.verdict == "proved" for o in outcomes)
        rows.append(ClaimRow(claim.id, claim.seed, claim.note, statement_tex(claim.latex), claim.latex, outcomes,
                             _worked(problem, claim) if proved else None))
    notation = tuple((_math(r.name), r.meaning, _math(r.formula), _math(r.shape)) for r in
                     notation_rows(problem) + size_rows(problem) + function_rows(problem))
    return ProblemPage(problem.id, problem.title, problem.source, _instance(problem), notation,
                       tuple(TeX(f"{name} := {statement_tex(body_latex)}") for name, body_latex in
                             _definition_texts(problem) if statement_tex(body_latex)),
                       tuple(rows), all_ok)


def _definition_texts(problem: Problem):
    return [(TeX(problem.definition_written.get(name, name)), latex)
            for name, latex in problem.definition_sources.items()]


# ------------------------------------------------------------ feedback
@dataclass(frozen=True)
class AnswerRow:
    label: str
    verdict: str
    mark: str
    tex_mark: TeX
    points: str
    statement: TeX | None
    raw: str
    reason: str
    mistake: str = ""
    mistake_proof: str = ""
    hint: str = ""
    at: str = ""
    functions: tuple = ()
    values: tuple = ()
    lhs: str = ""
    rhs: str = ""
    conditions: str = ""
    qualifier: str = ""


@dataclass(frozen=True)
class FeedbackPage:
    student: str
    problem: str
    title: str
    score: str
    error: str
    answers: tuple = ()
    missing: tuple = field(default=())


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def feedback_page(report: Report, title: str = "") -> FeedbackPage:
    rows = []
    for g in report.grades:
        w = g.witness
        ae = bool(getattr(g, "almost_everywhere", False))
        rows.append(AnswerRow(
            g.label, g.verdict, MARKS[g.verdict], TeX(TEX_MARKS[g.verdict]), f"{_num(g.points)}/{_num(g.max_points)}",
            statement_tex(g.equation), g.equation, _reason(g.reason, ae),
            g.mistake.name if g.mistake else "", g.mistake.proof if g.mistake else "",
            g.mistake.hint if g.mistake else _hint(g.verdict),
            ", ".join(f"{k} = {v}" for k, v in w.bindings.items()) if w else "",
            tuple(w.functions.values()) if w else (),
            tuple((TeX(name_tex(k)), v) for k, v in w.values.items()) if w else (),
            w.lhs if w else "", w.rhs if w else "", ", ".join(g.conditions),
            _qualifier(ae, getattr(g, "vacuous", False))))
    answered = {g.label for g in report.grades}
    return FeedbackPage(report.student, report.problem, title or report.problem,
                        f"{_num(report.score)} / {_num(report.max_score)}", report.error, tuple(rows),
                        tuple(label for label in report.labels if label not in answered))


def _hint(verdict: str) -> str:
    return {"unparseable": "the formula could not be read at the position shown; check the braces and commands "
                           "there",
            "undecided": "this answer could not be decided automatically; a TA will look at it",
            "incorrect": "compare each factor's shape and layer with the definitions; the counterexample is a "
                         "point where your formula and the true derivative differ"}.get(verdict, "")
