"""Deciding one link `A = B` of a claim from the entries it compares.

The ladder, for the entries (left, right, bindings, index, premises):
1. a quick look: every entry at a couple of certified points — a difference
   there is already a refutation (this is what makes wrong claims fast);
2. the zero test on every entry, exactly, then almost everywhere; first with
   no side condition, then with each of the problem's (Σ y = 1, one-hot,
   margin > 0), under the premises (solved leaves and indicator facts);
3. otherwise a longer search for a counterexample (away from kinks first,
   then, as a last resort, at a kink under the declared convention) —
   refuted with the witness; if none is found, undecided.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import symengine as se

from symbackprop import registry as R
from symbackprop.notation import meaning as M

from symbackprop.engine.applying import UNCOVERED as _UNCOVERED
from symbackprop.proof.atoms import Atomizer
from symbackprop.proof.premises import facts_for, restrict, solve_for_leaf
from symbackprop.proof.search import QUICK_TRIES, search
from symbackprop.verdict import Result, Verdict
from symbackprop.proof.zerotest import zero_test

__all__ = ["decide", "Condition", "conditions_of", "name_kinks"]


@dataclass(frozen=True)
class Condition:
    """A side condition: its label, the leaf substitutions it allows (all
    must prove the identity: one per hot position for one-hot), and leaves
    it makes positive."""
    label: str
    substitutions: tuple = ({},)
    positive: frozenset = frozenset()


_NONE = Condition("")
_ONE_HOT_CASES = 64   # one-hot targets are proved case by case up to this many cases


def conditions_of(problem, net) -> list[Condition]:
    out = []
    groups = net.target_groups()   # a vector target, or each column of a batch's
    sum_to_one = {g[-1]: 1 - se.Add(*g[:-1]) for g in groups}
    for cond in problem.side_conditions:
        if cond == "sum-to-one" and groups:
            out.append(Condition("Σ y = 1", (sum_to_one,)))
        elif cond == "one-hot" and groups:
            combos = 1
            for g in groups:
                combos *= len(g)
            if combos > _ONE_HOT_CASES:   # too many cases: what one-hot implies per example, Σ y = 1
                out.append(Condition("y one-hot (so Σ y = 1)", (sum_to_one,)))
                continue
            cases = [{}]
            for g in groups:
                cases = [{**c, **{t: se.Integer(int(i == hot)) for i, t in enumerate(g)}} for c in cases
                         for hot in range(len(g))]
            out.append(Condition("y one-hot", tuple(cases)))
    positive = net.positive_symbols()
    if positive:
        names = problem.leaf_names(net)
        out.append(Condition(", ".join(names.get(p, str(p)) for p in positive) + " > 0",
                             positive=frozenset(positive)))
    return out


@dataclass
class _Outcome:
    proved: bool = False
    vacuous: bool = False
    kinks: list = field(default_factory=list)


def _prove_with(a, b, prem, cond: Condition, atomizer: Atomizer, almost: bool) -> _Outcome:
    """Every substitution of the condition must prove a = b under the premises."""
    out = _Outcome(proved=True, vacuous=True)
    for subs in cond.substitutions:
        restriction = restrict(prem, subs)
        if restriction.vacuous:
            continue
        facts = facts_for(restriction, atomizer)
        if isinstance(facts, str):
            continue
        out.vacuous = False
        if almost and any(rel == "=" for _, rel in restriction.conditions):
            return _Outcome()  # an equation we couldn't solve may leave a set of measure zero: no a.e. licence
        z = zero_test(a - b, atomizer, restriction.leaf_subs, facts, almost=almost, exact=not almost)
        if not z:
            return _Outcome()
        if z.kinks and _holds_on_kinks(a - b, atomizer, restriction.leaf_subs, facts, z.kinks):
            continue  # it holds on the kink sets too: exact after all
        out.kinks += list(z.kinks)
    return out


_KINK_DEPTH = 2
_KINK_WIDTH = 4


def _holds_on_kinks(expr, atomizer, leaf_subs: dict, facts: dict, kinks, depth: int = 0) -> bool:
    """An almost-everywhere proof holds wherever no kink argument w is 0.  On
    each set {w = 0} — w solved for one free input, so the set is exactly
    that — prove it again (a kink met there in turn, recursively): if every
    branch is exact, the identity holds everywhere (max(0, a) - max(0, -a) = a)."""
    if depth >= _KINK_DEPTH or len(kinks) > _KINK_WIDTH:
        return False
    for w in kinks:
        solved = solve_for_leaf(se.expand(w.subs(leaf_subs)) if leaf_subs else se.expand(w), atomizer.fixed)
        if solved is None:
            return False
        s, value = solved
        subs = {k: se.expand(v.subs({s: value})) for k, v in leaf_subs.items()}
        subs[s] = value
        z = zero_test(expr, atomizer, subs, facts, almost=True)
        if not z or (z.kinks and not _holds_on_kinks(expr, atomizer, subs, facts, z.kinks, depth + 1)):
            return False
    return True


def decide(problem, net, entries, where: str = "", quick: bool = True) -> Result:
    found = search(problem, net, entries, tries=QUICK_TRIES, quick=True) if quick else None
    if found is not None:
        return _refuted(found, where)
    targets = frozenset(net.symbols_with_role("target"))
    conditions = [_NONE] + conditions_of(problem, net)
    atomizers = {c.label: (Atomizer(positive_symbols=c.positive, fixed=targets),
                           Atomizer(positive_symbols=c.positive, fixed=targets, split_exp=True))
                 for c in conditions}
    needed, kinks, failing, vacuous_all = set(), [], [], True
    preferred = _NONE
    for a, b, binds, idx, prem in entries:
        order = [preferred] + [c for c in conditions if c is not preferred]
        # exact with plain atoms under every condition first (so "margin > 0"
        # beats "almost everywhere except where margin = 0"); then almost
        # everywhere; exponentials split over sums (bigger, so slower) last
        attempts = [(c, split, almost) for split in (0, 1) for almost in (False, True) for c in order]
        for cond, split, almost in attempts:
            if split and not atomizers[cond.label][0].splittable:
                continue  # nothing to split: the same test again
            outcome = _prove_with(a, b, prem, cond, atomizers[cond.label][split], almost)
            if outcome.proved:
                if cond.label:
                    needed.add(cond.label)
                preferred = cond
                vacuous_all &= outcome.vacuous
                kinks += outcome.kinks
                break
        else:
            failing.append((a, b, binds, idx, prem))
    if not failing:
        return _proved(net, problem, needed, kinks, vacuous_all)
    witness = search(problem, net, failing) or search(problem, net, failing, kinks=True)
    if witness is not None:
        return _refuted(witness, where)
    if any(_UNCOVERED in (a - b).free_symbols for a, b, *_ in failing):
        return Result(Verdict.ILL_FORMED, f"the cases don't give a value everywhere (add an `otherwise` case, or "
                                          f"conditions that cover every input){where}")
    return Result(Verdict.UNDECIDED, f"not an identity of the atoms, but no counterexample found{where}")


def _refuted(witness, where: str) -> Result:
    return Result(Verdict.REFUTED, f"the two sides differ{where}: left = {witness.lhs}, right = {witness.rhs}",
                  witness=witness)


def _proved(net, problem, needed: set, kinks: list, vacuous: bool) -> Result:
    conditions = tuple(sorted(needed))
    if vacuous:
        return Result(Verdict.PROVED, "vacuously true: the premise never holds", conditions=conditions,
                      method="the premise contradicts itself or the network", vacuous=True)
    method = _method(net)
    if kinks:
        where = name_kinks(problem, net, kinks)
        return Result(Verdict.PROVED, f"almost everywhere: an exact identity except where {where}",
                      conditions=conditions, method=method, almost_everywhere=True, kinks=where)
    return Result(Verdict.PROVED, "exact identity", conditions=conditions, method=method)


def name_kinks(problem, net, kinks: list, limit: int = 4) -> str:
    """`z̃^(1)[2] = 0 or p[1] - p[2] + margin = 0`: the arguments in the
    problem's own names (network nodes named where they appear)."""
    names, nodes = {}, {}
    for node in net.defined_nodes():
        if node[0] in net.arch.label_families:
            continue
        for idx, v in _flat(net.value(node)):
            label = problem.written_name(node[0], node[1], idx, net.L)
            e = se.expand(v)
            names.setdefault(e, label)
            names.setdefault(se.expand(-e), label)
            nodes.setdefault(v, se.Symbol(label))
    leaf_names = problem.leaf_names(net)
    seen, out = set(), []
    for w in kinks:
        e = se.expand(w)
        text = names.get(e) or leaf_names.get(e) or leaf_names.get(se.expand(-e))
        if not text:  # w = 0 and -w = 0 are the same set: write the one without a leading minus
            forms = [_short(w, nodes, leaf_names), _short(se.expand(-w), nodes, leaf_names)]
            text = min(forms, key=lambda t: (t.startswith("-"), t.count("-"), len(t)))
        if text not in seen:
            seen.add(text)
            out.append(f"{text} = 0")
    shown = out[:limit] + ([f"{len(out) - limit} more"] if len(out) > limit else [])
    return " or ".join(shown) + " (a set of measure zero)"


def _flat(values):
    for idx in np.ndindex(*values.shape):
        yield idx, values[idx]


def _short(w, nodes: dict, leaf_names: dict, limit: int = 80) -> str:
    named = w.subs(nodes) if nodes else w
    text = str(named.subs({s: se.Symbol(n) for s, n in leaf_names.items() if s in named.free_symbols}))
    return text if len(text) <= limit else text[:limit] + "…"


def _method(net) -> str:
    """How the proof went, read off what the problem's equations apply (never
    off the expressions themselves: at real widths they are large)."""
    found = set()
    for eq in net.arch.equations:
        layers = [None] if eq.layers is None else list(eq.layers.span(net.L))
        for node in M.walk(eq.body):
            if isinstance(node, (M.Cond, M.Piecewise)):
                found.add("step")
            if not isinstance(node, M.Apply):
                continue
            base = node.fn.rstrip("'")
            names = {base} if not base.startswith("@") else {
                net.function(base[1:], k if net.arch.functions[base[1:]].per_layer else None)[0].builtin
                for k in layers if not (net.arch.functions[base[1:]].per_layer and k is None)}
            for name in names:
                if R.lookup(name) is not None:
                    found |= R.primitives_used(name)
    parts = ["difference cancels to 0 as a rational function of the exponentials exp(z_k)" if "exp" in found
             else "difference expands to 0 as a polynomial"]
    if "step" in found:
        parts.append("every sign pattern at once via exact step indicators 1{u > 0}, 1{u < 0}")
    if net.generic_names():
        parts.append("φ(s), φ'(s) as opaque atoms, so it holds for every activation")
    return "; ".join(parts)
