"""Verdicts as small typed objects, never bare booleans or dicts."""

from __future__ import annotations

import enum
from dataclasses import dataclass


__all__ = ["Verdict", "Result", "Witness"]


@dataclass(frozen=True)
class Witness:
    """Where the sides differ: variable values, activation polynomials,
    bindings of free indices/layers, and both sides' values."""
    values: dict
    functions: dict
    bindings: dict
    lhs: str
    rhs: str
    link: str = ""

    def as_json(self) -> dict:
        return {"values": self.values, "functions": self.functions, "at": self.bindings,
                "lhs": self.lhs, "rhs": self.rhs, "link": self.link}


class Verdict(str, enum.Enum):
    PROVED = "proved"            # exact algebraic identity on the instances (maybe only almost everywhere)
    REFUTED = "refuted"          # a re-checked counterexample
    ILL_FORMED = "ill-formed"    # can't be true as written: shapes, indices, names
    UNPARSEABLE = "unparseable"  # the LaTeX can't be read
    UNDECIDED = "undecided"      # neither, within the caps


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    reason: str
    witness: Witness | None = None
    seconds: float = 0.0
    conditions: tuple[str, ...] = ()
    position: int | None = None
    fragment: str = ""
    method: str = ""
    numbers: tuple = ()  # worked examples: one NumberCheck per printed number
    almost_everywhere: bool = False  # proved except on a set of measure zero, named in `kinks`
    kinks: str = ""
    vacuous: bool = False  # proved because the premise never holds
    sizes: tuple = ()      # the instances it was decided on
    readings: tuple = ()   # how an ambiguous construct was read ("1 as a 3-vector with 1 in every entry")

    def as_json(self) -> dict:
        return {"verdict": self.verdict.value, "reason": self.reason,
                "witness": self.witness.as_json() if self.witness else None,
                "seconds": round(self.seconds, 4), "conditions": list(self.conditions),
                "position": self.position, "method": self.method,
                "almost_everywhere": self.almost_everywhere, "vacuous": self.vacuous,
                **({"fails_where": self.kinks} if self.kinks else {}),
                **({"sizes": [{k: list(v) if isinstance(v, tuple) else v for k, v in s} for s in self.sizes]}
                   if self.sizes else {}),
                **({"read_as": list(self.readings)} if self.readings else {}),
                **({"numbers": [n.as_json() for n in self.numbers]} if self.numbers else {})}
