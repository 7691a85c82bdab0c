"""`symbackprop verify --crosscheck`: every proved claim, again, numerically,
with PyTorch as an independent builder and differentiator.

For each claim the catalogue proves, at a larger instance than the proof
used: every derivative of a network name the engine computed while
evaluating the claim is recomputed by `torch.autograd.grad` through
`torch_forward`, which interprets the problem file's own equations in torch
(never the engine's expressions), at a random float64 point (a generic
function is the same smooth stand-in on both sides); and the two sides of the
claim are evaluated there.  The report is the largest absolute and relative
difference per claim.  A mismatch means a bug in symbackprop — the network
builder, the derivative engine, the evaluator or the zero test — not a
verdict on the claim.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import symengine as se

from symbackprop.catalogue.problem import Problem
from symbackprop.proof.check import check, claim_entries
from symbackprop import primitives as P

__all__ = ["CrossRow", "crosscheck_problem", "TOLERANCE"]

TOLERANCE = 1e-7  # relative, in float64


@dataclass(frozen=True)
class CrossRow:
    problem: str
    claim: str
    sizes: str
    derivatives: int      # derivative entries recomputed by autograd
    entries: int          # claim entries compared
    max_abs: float
    max_rel: float
    ok: bool
    note: str = ""


class _Torch:
    """symengine expressions -> float64 torch tensors at one point."""

    def __init__(self, torch, values: dict):
        self.torch = torch
        self.values = values      # Symbol -> tensor (0-d)
        self.memo: dict = {}

    def __call__(self, e):
        found = self.memo.get(e)
        if found is not None:
            return found
        out = self._compute(e)
        self.memo[e] = out
        return out

    def _compute(self, e):
        t = self.torch
        if isinstance(e, se.Symbol):
            return self.values[e]
        if e.is_Number:
            p, q = (int(e), 1) if e.is_integer else (int(x) for x in e.get_num_den())
            return t.tensor(p / q, dtype=t.float64)
        if isinstance(e, se.Add):
            return sum((self(a) for a in e.args[1:]), self(e.args[0]))
        if isinstance(e, se.Mul):
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out * self(a)
            return out
        if isinstance(e, se.Pow):
            return self(e.args[0]) ** self(e.args[1])
        if isinstance(e, se.log):
            return t.log(self(e.args[0]))
        if isinstance(e, se.FunctionSymbol):
            name = e.get_name()
            u = self(e.args[0])
            if P.is_exp(e):
                return t.exp(u)
            if P.is_step(e):
                return (u > 0).to(t.float64)       # a constant for autograd: relu = u·H(u)
            from symbackprop.tools.torch_forward import generic_standin
            return generic_standin(name)(u)
        raise ValueError(f"no torch form for {type(e).__name__}")


def _point(problem, net, rng: random.Random, torch) -> dict:
    """Leaf node -> tensor: a random point (targets one-hot, which satisfies
    every side condition; positive constants positive)."""
    values = {}
    for node in net.all_leaves():
        decl = net.leaf_decl(node)
        shape = net.leaf_symbols(node).shape
        if decl.role == "target" and problem.side_conditions:
            flat = [0.0] * max(1, int(torch.tensor(shape).prod()) if shape else 1)
            flat[rng.randrange(len(flat))] = 1.0
        elif decl.positive:
            flat = [rng.uniform(0.1, 0.5) for _ in range(int(torch.tensor(shape).prod()) if shape else 1)]
        else:
            flat = [rng.uniform(-1.0, 1.0) for _ in range(int(torch.tensor(shape).prod()) if shape else 1)]
        values[node] = torch.tensor(flat, dtype=torch.float64).reshape(shape)
    return values


def _scaled(problem, scale: int) -> tuple:
    sizes = {k: tuple(max(2, x * scale) for x in v) if isinstance(v, tuple) else max(2, v * scale)
             for k, v in problem.sizes.items()}
    return problem.check_sizes(sizes)


def crosscheck_problem(problem: Problem, scale: int = 4, seed: int = 2026) -> list[CrossRow]:
    import torch
    rows = []
    sizes = _scaled(problem, scale)
    for claim in problem.claims:
        if claim.expected(problem.activation) != "proved" or problem.numeric:
            continue
        if check(problem, claim.latex).verdict.value != "proved":
            continue
        net = problem.network(None, sizes)
        recorded = []
        real = net.differentiate

        def spy(expr, wrt, index, label=None, _real=real):
            out = _real(expr, wrt, index, label)
            recorded.append((expr, wrt, index, label, out))
            return out
        net.differentiate = spy
        try:
            entries = claim_entries(problem, claim.latex, None, sizes)
        except Exception as err:  # noqa: BLE001 - reported, never hidden
            rows.append(CrossRow(problem.id, claim.id, _sizes(sizes), 0, 0, 0.0, 0.0, True,
                                 f"not evaluated at this size: {type(err).__name__}"))
            continue
        finally:
            del net.differentiate
        if not entries:
            rows.append(CrossRow(problem.id, claim.id, _sizes(sizes), 0, 0, 0.0, 0.0, True,
                                 "a claim under a premise: not cross-checked"))
            continue
        rng = random.Random(seed)
        leaves = _point(problem, net, rng, torch)
        values = {s: v for node, t in leaves.items() for s, v in zip(net.leaf_symbols(node).flat, t.flatten())}
        ev = _Torch(torch, values)
        worst_abs = worst_rel = 0.0
        checked = 0
        for expr, wrt, index, label, ours in recorded:
            auto = _independent(torch, problem, net, leaves, expr, wrt, index, label)
            if auto is None:
                continue  # the derivative of a composite (a norm of names): its pieces are checked
            checked += 1
            worst_abs, worst_rel = _worse(worst_abs, worst_rel, float(ev(ours).detach()), auto)
        for a, b, *_ in entries:
            worst_abs, worst_rel = _worse(worst_abs, worst_rel, float(ev(a).detach()), float(ev(b).detach()))
        rows.append(CrossRow(problem.id, claim.id, _sizes(sizes), checked, len(entries), worst_abs, worst_rel,
                             worst_rel <= TOLERANCE or worst_abs <= TOLERANCE))
    return rows


def _sizes(sizes) -> str:
    return " ".join(f"{k}={'-'.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in sizes)


def _worse(worst_abs, worst_rel, x: float, y: float):
    diff = abs(x - y)
    return max(worst_abs, diff), max(worst_rel, diff / max(abs(x), abs(y), 1e-12))


def _independent(torch, problem, net, leaves, expr, wrt, index, label):
    """d expr / d wrt[index] by autograd through the torch interpreter, when
    `expr` is an entry of a network name (in the graph cut at `wrt`); else None."""
    from symbackprop.tools.torch_forward import forward
    found = None
    for node in net.defined_nodes():
        try:
            values = net.value(node, wrt if not net.is_leaf(wrt) else None, label)
        except Exception:  # noqa: BLE001 - a name that needs another label or layer
            continue
        for idx in _indices(values.shape):
            if values[idx] == expr:
                found = (node, idx)
                break
        if found:
            break
    if found is None:
        return None
    given = {n: t.detach().clone() for n, t in leaves.items()}
    if not net.is_leaf(wrt):   # cut: the interpreter's own value of wrt, as a leaf
        given[wrt] = forward(problem, net, given, label)[wrt].detach().clone()
    given[wrt] = given[wrt].requires_grad_(True)
    out = forward(problem, net, given, label)[found[0]]
    target = out.reshape(values.shape)[found[1]] if out.dim() else out
    (grad,) = torch.autograd.grad(target, given[wrt], allow_unused=True)
    if grad is None:
        return 0.0
    return float(grad.reshape(net.shape(wrt))[index] if grad.dim() else grad)


def _indices(shape):
    import itertools
    return itertools.product(*(range(n) for n in shape))
