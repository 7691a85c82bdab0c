"""Network expressions (symengine) as LaTeX, for the worked instances in reports.

Leaves are printed in the problem's notation (`W^{(1)}_{13}`), e^u for the
opaque exponential, 1[u > 0] for ReLU's step, φ and φ' for a generic
activation.  Long expressions are cut with an ellipsis: this is an
illustration, the proof is the zero test.
"""

from __future__ import annotations

import re

import symengine as se

from symbackprop.text.escape import TeX
from symbackprop.text.mathtext import to_math
from symbackprop import primitives as P

__all__ = ["expr_tex", "name_tex"]

_GREEK = {"phi": r"\varphi", "varphi": r"\varphi", "sigma": r"\sigma"}


def name_tex(written: str) -> str:
    """`W^(1)[1,3]` -> `W^{(1)}_{13}`; `Y_gt[2,3]` -> `(Y_{gt})_{23}`; `o[2]` -> `o_{2}`;
    `margin` -> `\\mathrm{margin}`."""
    m = re.fullmatch(r"([A-Za-z]+)(?:\^\((-?\d+)\)|_([A-Za-z0-9]+))?(?:\[([0-9,]+)\])?", written)
    if not m:
        # z̃^(1)[2], ŷ[1]: typeset from whitelisted tokens, else only its letters and digits
        return to_math(written) or r"\mathrm{" + (re.sub(r"[^A-Za-z0-9]", "", written) or "?") + "}"
    base, sup, sub, idx = m.groups()
    idx = (idx or "").replace(",", "")
    if len(base) > 1:  # a word (margin) is upright, not a product of letters
        base = r"\mathrm{" + base + "}"
    if sub and idx:  # (W_1)_{12}: the layer label and the entry apart
        return "(" + base + "_{" + sub + "})_{" + idx + "}"
    out = base + ("^{(" + sup + ")}" if sup is not None else "")
    label = sub or idx
    return out + ("_{" + label + "}" if label else "")


def expr_tex(expr, names: dict, limit: int = 700) -> TeX:
    """At most about `limit` characters: whole terms (or factors) are kept
    and the rest is announced, so the LaTeX always stays balanced."""
    text = _tex(expr, names)
    if len(text) <= limit:
        return TeX(text)
    if isinstance(expr, (se.Add, se.Mul)):
        sep = " + " if isinstance(expr, se.Add) else " "
        kept, used = [], 0
        for arg in _ordered(expr):
            t = _tex(arg, names)
            if isinstance(expr, se.Mul) and isinstance(arg, se.Add):
                t = "\\left(" + t + "\\right)"
            if used + len(t) > limit and kept:
                break
            if len(t) > limit:
                t = r"\cdots"
            kept.append(t)
            used += len(t)
        rest = len(_ordered(expr)) - len(kept)
        more = r" + \cdots" if isinstance(expr, se.Add) else r" \cdots"
        body = kept[0]
        for t in kept[1:]:
            body += (" " + t if t.startswith("-") else sep + t) if sep == " + " else sep + t
        return TeX(body + (more + r"\ (\text{%d more %s})" % (rest, "terms" if sep == " + " else "factors")
                                     if rest else ""))
    return TeX(r"\cdots\ (\text{a long expression})")


def _canonical(e) -> str:
    """A key that doesn't depend on symengine's internal term order (which
    follows the history of the process, not the expression)."""
    if isinstance(e, (se.Add, se.Mul)):
        return type(e).__name__ + "(" + ",".join(sorted(_canonical(a) for a in e.args)) + ")"
    if e.args:
        return type(e).__name__ + "(" + ",".join(_canonical(a) for a in e.args) + ")"
    return str(e)


def _ordered(e) -> list:
    """A sum's terms or a product's factors in a fixed order (numbers first),
    so a report is the same whatever ran before it."""
    return sorted(e.args, key=lambda a: (not a.is_Number, _canonical(a)))


def _tex(e, names) -> str:
    if isinstance(e, se.Symbol):
        return names.get(e, r"\mathrm{" + re.sub(r"[^A-Za-z0-9]", "", str(e)) + "}")
    if e.is_Number:
        if e.is_integer:
            return str(int(e))
        p, q = e.get_num_den()
        sign = "-" if int(p) < 0 else ""
        return rf"{sign}\tfrac{{{abs(int(p))}}}{{{int(q)}}}"
    if isinstance(e, se.Add):
        parts = [_tex(a, names) for a in _ordered(e)]
        out = parts[0]
        for p in parts[1:]:
            out += " " + p if p.startswith("-") else " + " + p
        return out
    if isinstance(e, se.Mul):
        args = _ordered(e)
        sign = ""
        if args and args[0].is_Number and args[0] == -1:
            sign, args = "-", args[1:]
        parts = []
        for a in args:
            t = _tex(a, names)
            parts.append("\\left(" + t + "\\right)" if isinstance(a, se.Add) else t)
        return sign + " ".join(parts)
    if isinstance(e, se.Pow):
        base, exp = e.args
        if exp == -1:
            return r"\frac{1}{" + _tex(base, names) + "}"
        b = _tex(base, names)
        if not isinstance(base, se.Symbol):
            b = "\\left(" + b + "\\right)"
        return b + "^{" + _tex(exp, names) + "}"
    if isinstance(e, se.log):
        return r"\log\left(" + _tex(e.args[0], names) + r"\right)"
    if isinstance(e, se.FunctionSymbol):
        name = e.get_name()
        arg = _tex(e.args[0], names)
        if P.is_exp(e):
            return "e^{" + arg + "}"
        if P.is_step(e):
            return r"\mathbb{1}[" + arg + " > 0]"
        base = name.rstrip("'")
        fn = _GREEK.get(base.split("_")[0], base.split("_")[0])
        sub = "_{" + base.split("_", 1)[1] + "}" if "_" in base else ""
        return fn + sub + "'" * (len(name) - len(base)) + r"\left(" + arg + r"\right)"
    return r"\mathrm{?}"
