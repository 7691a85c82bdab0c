"""The counterexample search: concrete points where the two sides differ.

Run only after the zero test failed to prove an identity.  Points are small
rationals (simple ones first, so a counterexample is easy to read), targets
drawn to satisfy the problem's side condition, a polynomial for each generic
activation; points at a ReLU kink or outside a premise are skipped.  Both
sides are evaluated from the original expressions (`witness.evaluate`), and a
point counts only if they provably differ.  Among the first few found, the
shortest to write down is kept.
"""

from __future__ import annotations

import random

from .witness import Undetermined, Witness, _sign, differs, evaluate, fmt, random_point

__all__ = ["search", "WITNESS_TRIES"]

WITNESS_TRIES = 200
WITNESS_POLISH = 12  # further tries after the first counterexample, for a simpler one


def _target_mode(problem) -> str:
    if "one-hot" in problem.side_conditions:
        return "one-hot"
    return "sum-to-one" if "sum-to-one" in problem.side_conditions else "any"


def search(problem, net, failing, tries=WITNESS_TRIES):
    rng = random.Random(20261122)
    leaves = []
    for node in net.all_leaves():
        leaves += list(net.leaf_symbols(node).flat)
    targets = list(net.leaf_symbols(("target", None)).flat) if net.spec.kind != "softmax-hinge" else []
    positive = list(net.leaf_symbols(("margin", None)).flat) if net.spec.kind == "softmax-hinge" else []
    generics = sorted({a.split(":", 1)[1] for a in net.spec.activations if a.startswith("generic:")})
    best, found_at = None, None
    for attempt in range(tries):
        if found_at is not None and attempt > found_at + WITNESS_POLISH:
            break
        point = random_point(leaves, rng, generics, targets, _target_mode(problem), positive,
                             simple=attempt < tries // 2)
        a, b, binds, idx, prem = failing[attempt % len(failing)]
        try:
            if not all(_satisfied(evaluate(u, point), rel) for u, rel in prem):
                continue
            _check_kinks(net, point)
            va, vb = evaluate(a, point), evaluate(b, point)
        except (Undetermined, ZeroDivisionError):
            continue
        if differs(va, vb):
            at = {k: v for k, v in binds.items()}
            if idx:
                at["entry"] = "(" + ", ".join(str(i + 1) for i in idx) + ")"
            names = problem.leaf_names(net)
            values = {names.get(s, str(s)): str(v) for s, v in point.values.items()}
            funcs = {name: _poly_str(name, c) for name, c in point.functions.items()}
            witness = Witness(values, funcs, at, fmt(va), fmt(vb))
            if best is None or _size(witness) < _size(best):
                best = witness  # keep the easiest counterexample to read
            found_at = attempt if found_at is None else found_at
    return best


def _size(w: Witness) -> int:
    return len(w.lhs) + len(w.rhs) + sum(len(v) for v in w.values.values()) + sum(map(len, w.functions.values()))


def _check_kinks(net, point):
    """Reject points where a ReLU pre-activation is exactly 0."""
    if "relu" not in net.spec.activations:
        return
    for k in range(1, net.L + 1):
        if net.spec.activations[k - 1] == "relu" and net.has(("pre", k)):
            for e in net.value(("pre", k)).flat:
                if evaluate(e, point) == 0:
                    raise Undetermined("a pre-activation at 0")


def _satisfied(v, rel) -> bool:
    if v == 0:
        return rel in ("<=", ">=")
    s = _sign(v)
    return s < 0 if rel in ("<", "<=") else s > 0


def _poly_str(name: str, coeffs) -> str:
    """φ(t) = t - t^2 + 1/3*t^3, as a person would write it."""
    text = ""
    for k, c in enumerate(coeffs):
        if c == 0:
            continue
        mono = "" if k == 0 else ("t" if k == 1 else f"t^{k}")
        mag = abs(c)
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}*{mono}")
        text += (" - " if c < 0 else " + ") + body if text else ("-" if c < 0 else "") + body
    shown = {"phi": "φ", "varphi": "φ", "sigma": "σ"}.get(name, name)
    return f"{shown}(t) = {text or '0'}"
