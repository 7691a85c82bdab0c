"""Check one claim against a problem: parse, resolve, evaluate, decide.

The ladder for each link `A = B` of a claim:
1. parse (unparseable with a position), resolve names (ill-formed);
2. free indices must agree on both sides; a free layer variable is checked at
   every layer where every name in the claim exists;
3. evaluate both sides on the network (shapes checked: ill-formed);
4. the zero test on every entry, first with no side condition, then with the
   problem's (Σ y = 1, one-hot) — proved, naming the conditions it needed;
5. otherwise search for a counterexample and re-check it by substitution —
   refuted with the witness; if none is found within the cap, undecided.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import numpy as np
import symengine as se

from .errors import IllFormed, InputError, TimeLimit
from .evaluate import Evaluator
from .shapes import Env, shape_str, squeeze
from .limits import time_cap
from .numeric import check_worked_equation
from .notation import meaning as M
from .notation.parser import parse_display
from .notation.resolve import resolve
from .problems import Problem
from .verdict import Result, Verdict
from .search import search
from .zerotest import Atomizer, is_zero

__all__ = ["check", "check_statement", "compare", "first_entry", "claim_entries", "side_condition_substitution"]

MAX_ASSIGNMENTS = 5000
_INEQ = {"<", "<=", ">", ">="}


def check(problem: Problem, latex: str, activation: str | None = None, sizes=None,
          timeout: float | None = 60.0) -> Result:
    """The verdict on one claim.  Never raises for bad input."""
    start = time.perf_counter()
    try:
        with time_cap(timeout):
            result = check_statement(problem, latex, activation, sizes)
    except TimeLimit as err:
        result = Result(Verdict.UNDECIDED, f"{err}: neither a proof nor a counterexample yet")
    except InputError as err:
        result = Result(Verdict(err.verdict), err.located(latex), position=err.pos, fragment=err.fragment)
    except RecursionError:
        result = Result(Verdict.UNPARSEABLE, "formula nested too deeply")
    except (ArithmeticError, ValueError, TypeError, IndexError, KeyError, RuntimeError, AttributeError) as err:
        # A bug of ours must not cost the user a traceback, and is never a proof.
        result = Result(Verdict.UNDECIDED, f"internal error ({type(err).__name__}: {err}); "
                                           "please report this formula")
    return replace(result, seconds=time.perf_counter() - start)


def check_statement(problem: Problem, latex: str, activation=None, sizes=None) -> Result:
    """Every equation of the display must hold; the first that doesn't decides."""
    statements = parse_display(latex)
    net = problem.network(activation, sizes)
    ev = Evaluator(net, problem.definitions, problem.default_activation(activation), problem.label_var)
    results: list[Result] = []
    for k, stmt in enumerate(statements):
        if problem.numeric:
            result = check_worked_equation(problem, net, ev, stmt, latex)
        else:
            result = _check_equation(problem, net, ev, stmt, latex)
        if result.verdict is not Verdict.PROVED:
            if len(statements) == 1:
                return result
            return replace(result, reason=f"equation {k + 1} of {len(statements)}: {result.reason}")
        results.append(result)
    if len(results) == 1:
        return results[0]
    if problem.numeric:
        numbers = tuple(n for r in results for n in r.numbers)
        return replace(results[0], reason=f"all {len(results)} equations: " + results[0].reason.split(" (")[0],
                       numbers=numbers)
    conditions = tuple(sorted({c for r in results for c in r.conditions}))
    methods = "; ".join(sorted({r.method for r in results}))
    reason = f"exact identity (all {len(results)} equations)"
    if conditions:
        reason += " using " + ", ".join(conditions)
    return Result(Verdict.PROVED, reason, conditions=conditions, method=methods)


def first_entry(problem: Problem, latex: str, activation=None, sizes=None):
    """(bindings, entry, left, right, network) of the first entry the first
    link of a claim compares — the worked instance a report shows."""
    found = claim_entries(problem, latex, activation, sizes, limit=1)
    if not found:
        return None
    a, b, binds, idx, net = found[0]
    return binds, idx, a, b, net


def claim_entries(problem: Problem, latex: str, activation=None, sizes=None, limit=None) -> list:
    """Every entry (left, right, bindings, entry, network) the first link of a
    claim without premises compares; for benchmarks and cross-checks."""
    statement = parse_display(latex)[0]
    net = problem.network(activation, sizes)
    ev = Evaluator(net, problem.definitions, problem.default_activation(activation), problem.label_var)
    segs = [s for s in statement.segments if s.rels and all(r == "=" for r in s.rels)]
    if len(segs) != len(statement.segments):
        return []  # a claim under a premise holds only where the premise does
    lhs, rhs = (resolve(e, problem.notation, latex) for e in segs[0].exprs[:2])
    free = M.free_indices(lhs) | M.free_indices(rhs)
    if problem.label_var and net.depends_on_label():
        free.add(problem.label_var)
    free = sorted(free)
    out = []
    for env in _layer_assignments(ev, sorted(M.layer_vars(lhs) | M.layer_vars(rhs)), [lhs, rhs]):
        for a, b, binds, idx, _ in _entries(problem, net, ev, env, free, lhs, rhs, [], ""):
            out.append((a, b, binds, idx, net))
            if limit and len(out) >= limit:
                return out
    return out


def side_condition_substitution(problem: Problem, net) -> dict:
    """The substitution for the problem's first side condition (Σ y = 1: the last y), or {}."""
    for cond in problem.side_conditions:
        options = _condition_substitutions(net, cond)
        if len(options) == 1:
            return options[0]
    return {}


def compare(problem: Problem, a: M.Sem, b: M.Sem, premises=(), activation=None, sizes=None) -> Result:
    """The verdict on `a = b` for two meaning trees (built by grading, not typed)."""
    net = problem.network(activation, sizes)
    ev = Evaluator(net, problem.definitions, problem.default_activation(activation), problem.label_var)
    return _check_link(problem, net, ev, a, b, list(premises), "", False)


def _check_equation(problem: Problem, net, ev, stmt, latex: str) -> Result:
    premises, links = [], []
    for seg in stmt.segments:
        exprs = [resolve(e, problem.notation, latex) for e in seg.exprs]
        if seg.rels and all(r in _INEQ for r in seg.rels) and len(exprs) == 2:
            premises.append((exprs[0], seg.rels[0], exprs[1]))
        elif seg.rels and all(r == "=" for r in seg.rels):
            links += [(exprs[i], exprs[i + 1], seg.exprs[i], seg.exprs[i + 1]) for i in range(len(exprs) - 1)]
        elif not seg.rels:
            raise InputError("not a claim: write it as an equation `A = B`", seg.pos)
        else:
            raise InputError("can't check a mix of = and inequalities in one chain", seg.pos)
    if not links:
        raise InputError("nothing to check: the claim has no `=`", 0)
    conditions: set[str] = set()
    methods: set[str] = set()
    for lhs, rhs, lnode, rnode in links:
        link_text = f"{latex[lnode.pos:lnode.end].strip()} = {latex[rnode.pos:rnode.end].strip()}"
        outcome = _check_link(problem, net, ev, lhs, rhs, premises, link_text, len(links) > 1)
        if outcome.verdict is not Verdict.PROVED:
            return outcome
        conditions |= set(outcome.conditions)
        methods.add(outcome.method)
    reason = "exact identity" + (" (every link of the chain)" if len(links) > 1 else "")
    if conditions:
        reason += " using " + ", ".join(sorted(conditions))
    return Result(Verdict.PROVED, reason, conditions=tuple(sorted(conditions)), method="; ".join(sorted(methods)))


def _check_link(problem, net, ev, lhs, rhs, premises, link_text, chained) -> Result:
    where = f" in `{link_text}`" if chained else ""
    lf, rf = M.free_indices(lhs), M.free_indices(rhs)
    if (lf - rf) and (rf - lf):
        # Each side is quantified over an index the other lacks: which "for all"?
        # (One side lacking an index is fine: ∂z_k/∂(b_2)_k = 1 holds for every k.)
        return Result(Verdict.ILL_FORMED, f"index {', '.join(sorted(lf - rf))} is free on the left side only "
                                          f"and {', '.join(sorted(rf - lf))} on the right side only{where}")
    pf = set()
    for a, _, b in premises:
        pf |= M.free_indices(a) | M.free_indices(b)
    free = lf | rf | pf
    if problem.label_var and net.depends_on_label() and any(
            isinstance(m, M.Quantity) and m.family == "loss" for n in [lhs, rhs] for m in M.walk(n)):
        free.add(problem.label_var)  # the loss depends on the label: check every value of it
    free = sorted(free)
    layer_vars = sorted(set().union(*(M.layer_vars(x) for x in [lhs, rhs] + [p[0] for p in premises] +
                                      [p[2] for p in premises])))
    nodes = [lhs, rhs] + [p[0] for p in premises] + [p[2] for p in premises]
    layer_envs = _layer_assignments(ev, layer_vars, nodes)
    if not layer_envs:
        if layer_vars:
            return Result(Verdict.ILL_FORMED, f"no layer {', '.join(layer_vars)} at which every name in the "
                                              f"claim exists{where}")
        missing = next((m for n in nodes for m in M.walk(n) if not _defined(ev, m, Env())
                        and isinstance(m, (M.Quantity, M.DefRef))), None)
        label = (missing.text or getattr(missing, "label", "")) if missing else "a name"
        return Result(Verdict.ILL_FORMED, f"{label} does not exist in this network "
                                          f"(the last layer is L = {ev.net.L}){where}",
                      position=getattr(missing, "pos", None))
    pairs = []  # (lhs expr, rhs expr, bindings, premise terms)
    for env in layer_envs:
        pairs += _entries(problem, net, ev, env, free, lhs, rhs, premises, where)
    return _decide(problem, net, pairs, where)


def _layer_assignments(ev, layer_vars, nodes) -> list[Env]:
    if not layer_vars:
        return [Env()] if all(_defined(ev, n, Env()) for n in nodes) else []
    envs = []
    for values in itertools.product(range(0, ev.net.L + 1), repeat=len(layer_vars)):
        env = Env()
        for var, v in zip(layer_vars, values):
            env = env.bind(var, v)
        if all(_defined(ev, n, env) for n in nodes):
            envs.append(env)
    return envs


def _defined(ev: Evaluator, node, env: Env) -> bool:
    """Does every layer-labelled name in `node` exist at these layer values?"""
    for n in M.walk(node):
        layer = getattr(n, "layer", None)
        if not isinstance(layer, M.Lin):
            continue
        try:
            k = ev.layer(layer, env)
        except InputError:
            return False
        if isinstance(n, M.Quantity) and not ev.net.has((n.family, k)):
            return False
        if isinstance(n, M.Size) and not 0 <= k <= ev.net.L:
            return False
        if isinstance(n, M.Apply) and not 1 <= k <= ev.net.L:
            return False
        if isinstance(n, M.DefRef):
            var, body = ev.defs[n.name]
            if not _defined(ev, body, env.bind(var, k) if var else env):
                return False
    return True


def _entries(problem, net, ev, env, free, lhs, rhs, premises, where):
    ev.ranges.clear()
    probe = env
    for var in free:
        probe = probe.bind(var, 1)
    if problem.label_var and problem.label_var in free:
        ev.ranges.setdefault(problem.label_var, set()).add(net.spec.sizes[-1])
    for node in [lhs, rhs] + [p[0] for p in premises] + [p[2] for p in premises]:
        ev.value(node, probe)
    ranges = {}
    for var in free:
        sizes = ev.ranges.get(var)
        if not sizes:
            raise InputError(f"can't tell what index {var} ranges over{where}")
        if len(sizes) > 1:
            raise IllFormed(f"index {var} runs over {' and '.join(map(str, sorted(sizes)))} values in different "
                            f"places{where}: it can't index both")
        ranges[var] = sizes.pop()
    total = int(np.prod([ranges[v] for v in free])) if free else 1
    if total > MAX_ASSIGNMENTS:
        raise InputError(f"too many index values to check ({total}); use smaller --sizes")
    out = []
    for values in itertools.product(*[range(1, ranges[v] + 1) for v in free]):
        e = env
        for var, v in zip(free, values):
            e = e.bind(var, v)
        a, b = squeeze(ev.value(lhs, e)), squeeze(ev.value(rhs, e))
        if a.shape != b.shape:
            return_msg = f"the left side is {shape_str(a.shape)} but the right side is {shape_str(b.shape)}{where}"
            raise InputError(return_msg)
        prem = []
        for p_l, rel, p_r in premises:
            u = squeeze(squeeze(ev.value(p_l, e)) - squeeze(ev.value(p_r, e)))
            if u.ndim:
                raise InputError("a premise must compare scalars")
            prem.append((u[()], rel))
        for idx in np.ndindex(*a.shape):
            out.append((a[idx], b[idx], dict(e.binds), idx if a.shape else (), prem))
    return out


def _premise_subs(atomizer: Atomizer, prem) -> dict:
    """u <= 0 fixes the indicator of u > 0 to 0; u > 0 fixes it to 1."""
    subs = {}
    for u, rel in prem:
        step = atomizer.step(atomizer(u))
        want = 0 if rel in ("<", "<=") else 1
        if step in atomizer.meaning:
            subs[step] = se.Integer(want)
        elif isinstance(step, se.Add) and len(step.args) == 2 and se.Integer(1) in step.args:
            atom = -[x for x in step.args if x != 1][0]
            if atom in atomizer.meaning:
                subs[atom] = se.Integer(1 - want)
    return subs


def _condition_substitutions(net, condition: str) -> list[dict]:
    if net.spec.kind == "softmax-hinge" or condition not in ("sum-to-one", "one-hot"):
        return [{}]
    y = list(net.leaf_symbols(("target", None)).flat)
    if condition == "sum-to-one":
        return [{y[-1]: 1 - se.Add(*y[:-1])}]
    return [{t: se.Integer(int(i == hot)) for i, t in enumerate(y)} for hot in range(len(y))]


_LABELS = {"sum-to-one": "Σ y = 1", "one-hot": "y one-hot"}


def _decide(problem: Problem, net, pairs, where) -> Result:
    atomizer = Atomizer()
    failing = []
    for k, (a, b, binds, idx, prem) in enumerate(pairs):
        if failing and k == len(failing) and problem.side_conditions:
            # every entry so far needed a side condition: the rest go straight to
            # it (an identity holds under a substitution too, so nothing is lost)
            failing.append((a, b, binds, idx, prem))
        elif not is_zero(a - b, atomizer, _premise_subs(atomizer, prem)):
            failing.append((a, b, binds, idx, prem))
    method = _method(net)
    if not failing:
        return Result(Verdict.PROVED, "exact identity", method=method)
    needed = []
    for cond in problem.side_conditions:
        options = _condition_substitutions(net, cond)
        still = []
        for a, b, binds, idx, prem in failing:
            base = _premise_subs(atomizer, prem)
            if not all(is_zero(a - b, atomizer, {**base, **s}) for s in options):
                still.append((a, b, binds, idx, prem))
        if len(still) < len(failing):
            needed.append(_LABELS[cond])
        failing = still
        if not failing:
            return Result(Verdict.PROVED, "exact identity", conditions=tuple(needed), method=method)
    witness = search(problem, net, failing)
    if witness is not None:
        return Result(Verdict.REFUTED, f"the two sides differ{where}: left = {witness.lhs}, right = {witness.rhs}",
                      witness=witness)
    return Result(Verdict.UNDECIDED, f"not an identity of the atoms, but no counterexample found{where}")


def _method(net) -> str:
    acts = set(net.spec.activations[:-1] if net.spec.kind == "mlp-softmax-ce" else net.spec.activations)
    parts = ["difference cancels to 0 as a rational function of the exponentials exp(z_k)"
             if net.spec.kind != "mlp-mse-batch" else "difference expands to 0 as a polynomial"]
    if "relu" in acts:
        parts.append("all ReLU sign patterns at once via indicator symbols (a² = a)")
    if any(a.startswith("generic") for a in acts):
        parts.append("φ(s), φ'(s) as opaque atoms, so it holds for every activation")
    return "; ".join(parts)
