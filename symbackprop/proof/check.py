"""Check one claim against a problem: parse, resolve, evaluate, decide.

The ladder for each link `A = B` of a claim:
1. parse (unparseable with a position), resolve names (ill-formed);
2. free indices must agree on both sides; a free layer variable is checked at
   every layer where every name in the claim exists;
3. evaluate both sides on the network (shapes checked: ill-formed);
4. `decide`: a quick certified look for a difference, then the zero test on
   every entry (exactly, then almost everywhere), then a longer search;
5. the whole claim again on a second instance whose every size differs, so
   a literal that happens to equal a size can't make a claim true.

Premises: in `P ⇒ Q ⇒ R`, the first segment is only assumed, each later one
is a claim under every segment before it (never itself checked).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import numpy as np
import symengine as se

from symbackprop.errors import ENGINE_FAULTS, IllFormed, InputError, TimeLimit
from symbackprop.engine.evaluate import Evaluator
from symbackprop.engine.shapes import Env, shape_str, squeeze
from symbackprop.limits import time_cap
from symbackprop.proof.worked import check_worked_equation
from symbackprop.notation import meaning as M
from symbackprop.notation.parser import parse_display
from symbackprop.notation.resolve import resolve, resolve_premise
from symbackprop.catalogue.problem import Problem
from symbackprop.verdict import Result, Verdict
from symbackprop.proof.decide import conditions_of, decide

__all__ = ["check", "check_statement", "compare", "first_entry", "claim_entries", "side_condition_substitution",
           "split_premises"]

MAX_ASSIGNMENTS = 5000
_PREMISE_RELS = {"=", "!=", "<", "<=", ">", ">="}


def check(problem: Problem, latex: str, activation: str | None = None, sizes=None,
          timeout: float | None = 60.0, batch: int | None = None) -> Result:
    """The verdict on one claim.  Never raises for bad input (sizes the
    problem can't take raise `SizeError`, a usage error, before any work)."""
    start = time.perf_counter()
    instances = problem.instances(sizes, batch)
    try:
        with time_cap(timeout):
            result = check_statement(problem, latex, activation, instances)
    except TimeLimit as err:
        result = Result(Verdict.UNDECIDED, f"{err}: neither a proof nor a counterexample yet")
    except InputError as err:
        result = Result(Verdict(err.verdict), err.located(latex), position=err.pos, fragment=err.fragment)
    except RecursionError:
        result = Result(Verdict.UNPARSEABLE, "formula nested too deeply")
    except ENGINE_FAULTS as err:
        # A bug of ours must not cost the user a traceback, and is never a proof.
        result = Result(Verdict.UNDECIDED, f"internal error ({type(err).__name__}: {err}); "
                                           "please report this formula")
    return replace(result, seconds=time.perf_counter() - start)


def check_statement(problem: Problem, latex: str, activation=None, instances=None) -> Result:
    """The claim on every instance (default: the problem's two), the
    cheapest first (so a wrong claim is refuted fast even at large --sizes);
    the first that doesn't prove it decides, and says which sizes it was."""
    instances = instances or problem.instances()
    given = instances[0]
    statements = parse_display(latex)
    proofs = []
    for k, sizes in enumerate(sorted(instances, key=_cost)):
        try:
            # the quick look for a difference pays on the first (cheapest)
            # instance; once that one is proved, the larger goes straight to the proof
            result = _check_instance(problem, statements, latex, activation, sizes, quick=k == 0)
        except InputError as err:
            if sizes == given:
                raise
            result = Result(Verdict(err.verdict), err.located(latex), position=err.pos, fragment=err.fragment)
        if result.verdict is not Verdict.PROVED:
            if sizes == given:
                return result
            at = problem.describe_sizes(sizes)
            witness = result.witness
            if witness is not None:
                witness = replace(witness, bindings={"sizes": at, **witness.bindings})
            return replace(result, reason=f"{result.reason} (on the second instance, {at})", witness=witness)
        proofs.append(result)
    first = proofs[0]
    if len(proofs) == 1:
        return replace(first, sizes=tuple(instances))
    ae = next((r for r in proofs if r.almost_everywhere), None)
    conditions = tuple(sorted({c for r in proofs for c in r.conditions}))
    out = ae or first
    return replace(out, conditions=conditions, sizes=tuple(instances),
                   vacuous=all(r.vacuous for r in proofs),
                   reason=out.reason + f" (on two instances: {problem.describe_sizes(instances[0])}; "
                                       f"{problem.describe_sizes(instances[1])})")


def _cost(instance) -> int:
    flat = [x for _, v in instance for x in (v if isinstance(v, tuple) else (v,))]
    return sum(a * b for a, b in zip(flat, flat[1:])) + sum(flat)


def _check_instance(problem: Problem, statements, latex: str, activation, sizes,
                    quick: bool = True) -> Result:
    """Every equation of the display must hold; the first that doesn't decides."""
    net = problem.network(activation, sizes)
    ev = Evaluator(net, problem.definitions, problem.label_var)
    ev.quick_look = quick
    result = _check_statements(problem, net, ev, statements, latex)
    readings = tuple(dict.fromkeys(ev.readings))
    if readings:
        result = replace(result, readings=readings, reason=result.reason + "; read " + "; ".join(readings))
    return result


def _check_statements(problem, net, ev, statements, latex) -> Result:
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
    return _combine(results, f"all {len(results)} equations")


def _combine(results: list[Result], what: str) -> Result:
    """Proofs of several equations or links as one."""
    conditions = tuple(sorted({c for r in results for c in r.conditions}))
    methods = "; ".join(sorted({r.method for r in results if r.method}))
    ae = [r for r in results if r.almost_everywhere]
    if all(r.vacuous for r in results):
        return Result(Verdict.PROVED, f"vacuously true ({what}): the premise never holds", conditions=conditions,
                      method=methods, vacuous=True)
    if ae:
        kinks = "; ".join(dict.fromkeys(r.kinks for r in ae))
        return Result(Verdict.PROVED, f"almost everywhere ({what}): an exact identity except where {kinks}",
                      conditions=conditions, method=methods, almost_everywhere=True, kinks=kinks)
    reason = f"exact identity ({what})"
    if conditions:
        reason += " using " + ", ".join(conditions)
    return Result(Verdict.PROVED, reason, conditions=conditions, method=methods)


def first_entry(problem: Problem, latex: str, activation=None, sizes=None, batch=None):
    """(bindings, entry, left, right, network) of the first entry the first
    link of a claim compares — the worked instance a report shows."""
    found = claim_entries(problem, latex, activation, sizes, limit=1, batch=batch)
    if not found:
        return None
    a, b, binds, idx, net = found[0]
    return binds, idx, a, b, net


def claim_entries(problem: Problem, latex: str, activation=None, sizes=None, limit=None, batch=None) -> list:
    """Every entry (left, right, bindings, entry, network) the first link of a
    claim without premises compares; for benchmarks and cross-checks."""
    statement = parse_display(latex)[0]
    net = problem.network(activation, sizes, batch)
    ev = Evaluator(net, problem.definitions, problem.label_var)
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
    for cond in conditions_of(problem, net):
        if len(cond.substitutions) == 1 and cond.substitutions[0]:
            return cond.substitutions[0]
    return {}


def compare(problem: Problem, a: M.Sem, b: M.Sem, premises=(), activation=None, sizes=None) -> Result:
    """The verdict on `a = b` for two meaning trees (built by grading, not typed)."""
    net = problem.network(activation, sizes)
    ev = Evaluator(net, problem.definitions, problem.label_var)
    return _check_link(problem, net, ev, a, b, list(premises), "", False)


def split_premises(problem: Problem, stmt, latex: str, updates: bool = False) -> list[tuple[list, list]]:
    """[(premises, links)] for each claim of `P ⇒ Q ⇒ R`: the first segment
    is only assumed; each later one is a claim under all before it.
    Premises are (left, rel, right) meaning trees; links (lhs, rhs, lnode, rnode).
    `updates`: a worked example's `W \\leftarrow …` links like `=`."""
    segments = stmt.segments
    out, premises = [], []
    links_rel = ("=", "<-") if updates else ("=",)
    for k, seg in enumerate(segments):
        if not seg.rels:
            raise InputError("not a claim: write it as an equation `A = B`", seg.pos)
        if "<-" in seg.rels and len(segments) > 1:
            raise InputError("an update `\\leftarrow` can't be a premise or follow one", seg.pos)
        is_claim = k > 0 or len(segments) == 1
        if is_claim and all(r in links_rel for r in seg.rels):
            exprs = [resolve(e, problem.notation, latex) for e in seg.exprs]
            links = [(exprs[i], exprs[i + 1], seg.exprs[i], seg.exprs[i + 1]) for i in range(len(exprs) - 1)]
            out.append((list(premises), links))
        elif is_claim and k == len(segments) - 1:
            if all(r != "=" for r in seg.rels):
                raise InputError("nothing to check: the claim has no `=` (an inequality can only be a premise)",
                                 seg.pos)
            raise InputError("can't check a mix of = and inequalities in one chain", seg.pos)
        if k < len(segments) - 1:
            for i, rel in enumerate(seg.rels):
                if rel not in _PREMISE_RELS:
                    raise InputError(f"can't use {rel} in a premise", seg.pos)
                left, right = resolve_premise(seg.exprs[i], seg.exprs[i + 1], problem.notation, latex)
                premises.append((left, rel, right))
    if not out:
        raise InputError("nothing to check: the claim has no `=`", 0)
    return out


def _check_equation(problem: Problem, net, ev, stmt, latex: str) -> Result:
    results = []
    claims = split_premises(problem, stmt, latex)
    for premises, links in claims:
        for lhs, rhs, lnode, rnode in links:
            link_text = f"{latex[lnode.pos:lnode.end].strip()} = {latex[rnode.pos:rnode.end].strip()}"
            outcome = _check_link(problem, net, ev, lhs, rhs, premises, link_text,
                                  len(links) > 1 or len(claims) > 1)
            if outcome.verdict is not Verdict.PROVED:
                return outcome
            results.append(outcome)
    if len(results) == 1:
        r = results[0]
        if r.conditions and not r.almost_everywhere and not r.vacuous:
            return replace(r, reason=r.reason + " using " + ", ".join(r.conditions))
        return r
    return _combine(results, "every link of the chain")


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
    if problem.label_var and any(isinstance(m, M.Quantity) and m.family in problem.arch.label_families
                                 for n in [lhs, rhs] for m in M.walk(n)):
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
    return decide(problem, net, pairs, where, quick=getattr(ev, "quick_look", True))


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


def _size_indices(problem, net, free) -> dict:
    """Index letters that name a size (ŷ_C, (δ)_{1N}): the last entry, not a free index."""
    out = {}
    for var in free:
        rule = problem.notation.names.get(var)
        if rule is not None and rule.kind == "size" and rule.layer != "sub":
            layer = net.L if rule.layer == "last" else rule.fixed_layer
            out[var] = net.size(rule.family, layer)
    return out


def _entries(problem, net, ev, env, free, lhs, rhs, premises, where):
    sized = _size_indices(problem, net, free)
    for var, value in sized.items():
        env = env.bind(var, value)
    free = [v for v in free if v not in sized]
    probe = env
    for var in free:
        probe = probe.bind(var, 1)
    seen = ev.index_ranges([lhs, rhs] + [p[0] for p in premises] + [p[2] for p in premises], probe)
    if problem.label_var and problem.label_var in free:
        seen.setdefault(problem.label_var, set()).add(net.label_classes())
    ranges = {}
    for var in free:
        sizes = seen.get(var)
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
        a, b = _zero_matrix(a, b), _zero_matrix(b, a)
        if a.shape != b.shape:
            return_msg = f"the left side is {shape_str(a.shape)} but the right side is {shape_str(b.shape)}{where}"
            raise InputError(return_msg)
        prem = []
        for p_l, rel, p_r in premises:
            pl, pr = squeeze(ev.value(p_l, e)), squeeze(ev.value(p_r, e))
            if pl.shape != pr.shape and pl.shape != () and pr.shape != ():
                raise InputError(f"a premise compares a {shape_str(pl.shape)} value with a "
                                 f"{shape_str(pr.shape)} one", p_l.pos)
            u = squeeze(pl - pr)  # a vector or matrix premise holds entry by entry (0 is the zero matrix)
            if u.ndim and rel == "!=":
                raise InputError("≠ between vectors or matrices says only that some entry differs: "
                                 "write the premise for one entry", p_l.pos)
            prem += [(u[i], rel) for i in np.ndindex(*u.shape)]
        for idx in np.ndindex(*a.shape):
            out.append((a[idx], b[idx], dict(e.binds), idx if a.shape else (), prem))
    return out


def _zero_matrix(x, other):
    """A written 0 beside a vector or matrix is the zero vector or matrix."""
    if x.shape == () and other.shape != () and x[()] == 0:
        return np.full(other.shape, se.Integer(0), dtype=object)
    return x
