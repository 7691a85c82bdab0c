"""Every step of a write-up judged on its own: each link `A rel B` is a
claim about the problem, checked exactly as `symbackprop check` would; an
unreadable piece is unparseable at its position; a definition is recorded
(not yet added to the notation: a later step that uses its name is reported
as not defined in the problem).  Pure: pieces in, verdicts out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from symbackprop import registry as R
from symbackprop.catalogue.problem import Problem
from symbackprop.proof.check import check
from symbackprop.verdict import Result, Verdict
from symbackprop.writeup.source import Piece
from symbackprop.writeup.steps import Definition, Link, Unreadable, steps_of

__all__ = ["Judged", "judge", "summary"]

_REL_TEX = {"=": "=", "<": "<", ">": ">", "<=": r"\leq", ">=": r"\geq", "!=": r"\neq"}


@dataclass(frozen=True)
class Judged:
    step: object              # Link | Definition | Unreadable
    result: Result | None     # None for a definition

    @property
    def verdict(self) -> str:
        return "definition" if self.result is None else self.result.verdict.value

    def as_json(self) -> dict:
        s = self.step
        out = {"line": s.line, "column": s.col, "verdict": self.verdict}
        if isinstance(s, Link):
            out.update(left=s.left, relation=s.rel, right=s.right, chain=s.chain)
        else:
            out["latex"] = s.text
        if self.result is not None:
            out.update({k: v for k, v in self.result.as_json().items() if k != "verdict"})
        return out


def judge(problem: Problem, pieces: list[Piece], activation: str | None = None,
          timeout: float = 10.0) -> list[Judged]:
    out = []
    heads: dict = {}   # chain -> its first expression
    said = _assumptions(pieces, problem, activation)
    for step in steps_of(pieces):
        activation = next((a for at, a in reversed(said) if at < (step.line, step.col)), activation)
        if isinstance(step, Definition):
            out.append(Judged(step, None))
        elif isinstance(step, Unreadable):
            out.append(Judged(step, Result(Verdict.UNPARSEABLE, step.message)))
        elif isinstance(step, Link):
            head = heads.setdefault(step.chain, step.left)
            rel = _REL_TEX.get(step.rel, step.rel)
            result = check(problem, f"{step.left} {rel} {step.right}", activation, None, timeout)
            if result.verdict is Verdict.ILL_FORMED and "ranges over" in result.reason and head != step.left:
                # δ_ij - ŷ_j in a chain that began with ∂ ln ŷ_i / ∂z̃_j: the indices range as the
                # chain's first expression says; adding 0·(that expression) to both sides changes no value
                hinted = check(problem, f"{step.left} + 0 \\cdot ({head}) {rel} {step.right} + 0 \\cdot ({head})",
                               activation, None, timeout)
                if hinted.verdict is not Verdict.ILL_FORMED:
                    result = hinted
            out.append(Judged(step, result))
    return out


def _assumptions(pieces: list[Piece], problem: Problem, default: str | None) -> list:
    """((line, col), function choice) where prose says which function it is about
    ("for ReLU", "for the generic φ" keeps the default): for the rest of the
    section; a heading goes back to `default`."""
    events = []
    for p in pieces:
        if p.kind == "heading":
            events.append(((p.line, p.col), default))
        elif p.kind == "prose":
            for m in re.finditer(r"\bfor (?:the |a |an )?([A-Za-z][\w-]*)", p.text, re.I):
                try:
                    label = R.parse_choice(m.group(1)).label
                except ValueError:
                    continue
                if label in problem.variants:
                    events.append(((p.line, p.col), label))
    return events


def summary(judged: list[Judged]) -> dict:
    counts: dict = {}
    for j in judged:
        counts[j.verdict] = counts.get(j.verdict, 0) + 1
    return {"steps": sum(1 for j in judged if isinstance(j.step, Link)), "verdicts": counts}
