"""Worked examples: every printed number against the exact value.

A worked example (seed 003, Exercise 2) is a chain of sides per display:
`S_1 = W_1 X = [0.6 ...][0.75 ...] = [0.458 ...]`, or an update
`W_2 \\leftarrow W_2 - 0.5 g = [0.0714 ...]`.  The problem file gives the
exercise's inputs; the first side of each chain (after an update's target) is
its *meaning*, computed exactly from those inputs with every number in it at
face value.  Each later side is then

- symbolic (no printed decimal): it must equal the meaning exactly;
- printed (every entry a printed number): each number is classified against
  the exact entry as exact, rounded or truncated to its printed digits, or
  wrong if it is further off;
- an expression with printed numbers: consistent if the exact value lies in
  the interval the expression spans when each printed decimal may be off by
  one unit in its last place (the most rounding or truncation can do).

Nothing here is sampled: every value is an exact rational or a rigorous interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import symengine as se

from symbackprop.errors import IllFormed, InputError
from symbackprop.notation import meaning as M
from symbackprop.notation.resolve import resolve
from symbackprop.engine.shapes import Env, elementwise, shape_str, squeeze
from symbackprop.verdict import Result, Verdict
from symbackprop.proof.points import Point, Undetermined, evaluate
from symbackprop.verdict import Witness

__all__ = ["NumberCheck", "check_worked_equation", "classify", "decimal_str"]

_IV = mpmath.iv  # precision set by .witness (256 bits)


@dataclass(frozen=True)
class NumberCheck:
    """One printed number (or one entry of a printed expression) and its verdict:
    exact | rounded | truncated | wrong (a printed number), equal | wrong (an entry
    of a symbolic side), consistent | inconsistent (of an expression with printed numbers)."""
    printed: str
    exact: str
    status: str
    side: int
    entry: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status not in ("wrong", "inconsistent")

    def as_json(self) -> dict:
        return {"printed": self.printed, "exact": self.exact, "status": self.status,
                "side": self.side, "entry": [e + 1 for e in self.entry]}


def classify(printed: Fraction, decimals: int, exact: Fraction) -> str:
    """How `printed` (shown with `decimals` digits after the point) relates to `exact`."""
    if printed == exact:
        return "exact"
    unit = Fraction(1, 10 ** decimals)
    off = abs(exact - printed)
    if off * 2 < unit or (off * 2 == unit and abs(printed) > abs(exact)):
        return "rounded"  # within half a unit (a tie rounds away from zero)
    truncated = Fraction(int(exact / unit)) * unit  # int() truncates toward zero
    return "truncated" if truncated == printed else "wrong"


def decimal_str(x: Fraction, digits: int = 12) -> str:
    """An exact decimal when it terminates within `digits` places, else ≈ one."""
    for places in range(digits + 1):
        scaled = x * 10 ** places
        if scaled.denominator == 1:
            text = f"{abs(scaled.numerator):0{places + 1}d}"
            body = text if places == 0 else text[:-places] + "." + text[-places:]
            return ("-" if x < 0 else "") + body
    return "≈" + format(float(x), f".{digits}g")


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def check_worked_equation(problem, net, ev, stmt, latex: str) -> Result:
    if len(stmt.segments) != 1 or not stmt.segments[0].rels:
        raise InputError("a worked example is an equation or an update `A \\leftarrow B = C`", stmt.pos)
    seg = stmt.segments[0]
    exprs, rels = list(seg.exprs), list(seg.rels)
    if rels[0] == "<-":  # W_2 \leftarrow W_2 - 0.5 g = [...]: the target's old value is not the claim
        exprs, rels = exprs[1:], rels[1:]
    if any(r != "=" for r in rels) or len(exprs) < 2:
        raise InputError("a worked example chains sides with `=` (after at most one \\leftarrow)", seg.pos)
    sides = [resolve(e, problem.notation, latex) for e in exprs]
    for side in sides:
        if M.free_indices(side) or M.layer_vars(side):
            raise IllFormed("a worked example has concrete layers and entries, not free indices",
                            side.pos, side.text)
    ev.printed = {}
    values = [squeeze(ev.value(side, Env())) for side in sides]
    inputs = problem.numeric_inputs(net)
    face = Point({**inputs, **{s: n.value for s, n in ev.printed.items()}})
    spans = Point({**inputs, **{s: _span(n) for s, n in ev.printed.items()}})
    checks: list[NumberCheck] = []
    try:
        reference = elementwise(lambda e: evaluate(e, face), values[0])
        for k, value in enumerate(values[1:], start=2):
            if value.shape != reference.shape:
                node = exprs[k - 1]
                raise IllFormed(f"side {k} is {shape_str(value.shape)} but side 1 is "
                                f"{shape_str(reference.shape)}", node.pos, latex[node.pos:node.end])
            checks += _check_side(k, value, reference, ev.printed, face, spans)
    except Undetermined as err:
        raise InputError(f"can't evaluate the worked example: {err}", seg.pos) from None
    bad = next((c for c in checks if not c.ok), None)
    if bad is not None:
        return _refutation(problem, net, inputs, bad, tuple(checks))
    counts = {s: sum(1 for c in checks if c.status == s) for s in ("exact", "rounded", "truncated")}
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    reason = f"every printed number is consistent ({', '.join(parts) or 'none printed'})"
    mixed = sum(1 for c in checks if c.status == "consistent")
    if mixed:
        reason += f"; {mixed} entries of expressions with printed numbers within their precision"
    return Result(Verdict.PROVED, reason, numbers=tuple(checks),
                  method="exact rational arithmetic from the exercise's inputs; printed decimals classified "
                         "as rounded or truncated, expressions with printed numbers in interval arithmetic")


def _refutation(problem, net, inputs, bad: NumberCheck, checks) -> Result:
    where = f"side {bad.side}" + (f", entry ({', '.join(str(i + 1) for i in bad.entry)})" if bad.entry else "")
    if bad.status == "wrong":
        reason = f"{where}: printed {bad.printed} but the exact value is {bad.exact}"
    else:
        reason = (f"{where}: the expression with the printed numbers gives about {bad.printed}, "
                  f"which can't be the exact value {bad.exact} even allowing for rounding")
    names = problem.leaf_names(net)
    at = {"side": bad.side, **({"entry": str(tuple(i + 1 for i in bad.entry))} if bad.entry else {})}
    witness = Witness({names[s]: decimal_str(v) for s, v in inputs.items()}, {}, at, bad.exact, bad.printed)
    return Result(Verdict.REFUTED, reason, witness=witness, numbers=checks)


def _span(n: M.Number):
    """A printed decimal may be off by up to one unit in its last place."""
    unit = _IV.mpf(1) / 10 ** _decimals(n.digits)
    return _exact_iv(n.value) + _IV.mpf([-1, 1]) * unit


def _exact_iv(x: Fraction):
    return _IV.mpf(x.numerator) / x.denominator


def _printed_entry(e, printed: dict):
    """(value, decimals, text) when the entry is one printed number, ± sign; else None."""
    sign = 1
    if isinstance(e, se.Mul) and len(e.args) == 2 and se.Integer(-1) in e.args:
        sign, e = -1, [a for a in e.args if a != se.Integer(-1)][0]
    if e in printed:
        n = printed[e]
        return sign * n.value, _decimals(n.digits), ("-" if sign < 0 else "") + n.digits
    if e.is_Number and e.is_integer:
        return Fraction(int(e)), 0, str(int(e))
    return None


def _check_side(k, value, reference, printed, face, spans) -> list[NumberCheck]:
    entries = list(np.ndindex(*value.shape))
    has_printed = any(s in printed for idx in entries for s in value[idx].free_symbols)
    out = []
    for idx in entries:
        exact = reference[idx]
        if not isinstance(exact, Fraction):
            raise Undetermined("the exact value is not rational")
        e = value[idx]
        shown = _printed_entry(e, printed) if has_printed else None
        if shown is not None:
            p, decimals, text = shown
            out.append(NumberCheck(text, decimal_str(exact), classify(p, decimals, exact), k, idx))
        elif not has_printed:
            got = evaluate(e, face)
            out.append(NumberCheck(decimal_str(got), decimal_str(exact), "equal" if got == exact else "wrong", k, idx))
        else:
            span = evaluate(e, spans)
            if isinstance(span, Fraction):  # the printed numbers cancelled out
                inside, mid = span == exact, decimal_str(span)
            else:
                inside, mid = _exact_iv(exact) in span, format(float(span.mid), ".6g")
            out.append(NumberCheck(mid, decimal_str(exact), "consistent" if inside else "inconsistent", k, idx))
    return out
