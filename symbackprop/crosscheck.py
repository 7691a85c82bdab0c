"""`symbackprop verify --crosscheck`: every proved claim, again, numerically,
with PyTorch autograd as an independent differentiator.

For each claim the catalogue proves, at a larger instance than the proof
used: every derivative the engine computed while evaluating the claim is
recomputed by `torch.autograd.grad` from the network's forward expression
(ReLU as u·1[u > 0]; a generic activation as tanh), at a random float64
point; and the two sides of the claim are evaluated there.  The report is
the largest absolute and relative difference per claim.  A mismatch means
a bug in symbackprop — the derivative engine, the evaluator or the zero
test — not a verdict on the claim.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import symengine as se

from .problems import Problem
from .verify import check, claim_entries

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
            if name == "Exp":
                return t.exp(u)
            if name == "H":
                return (u > 0).to(t.float64)       # a constant for autograd: relu = u·H(u)
            if name.endswith("''"):
                th = t.tanh(u)
                return -2 * th * (1 - th * th)
            if name.endswith("'"):
                return 1 - t.tanh(u) ** 2            # the generic activation is tanh here
            return t.tanh(u)
        raise ValueError(f"no torch form for {type(e).__name__}")


def _point(net, rng: random.Random, torch) -> dict:
    values = {}
    for node in net.all_leaves():
        syms = net.leaf_symbols(node)
        flat = list(syms.flat)
        if node[0] == "target" and net.spec.kind == "mlp-softmax-ce":
            hot = rng.randrange(len(flat))    # one-hot: satisfies every side condition
            nums = [float(i == hot) for i in range(len(flat))]
        elif node[0] == "margin":
            nums = [rng.uniform(0.1, 0.5)]
        else:
            nums = [rng.uniform(-1.0, 1.0) for _ in flat]
        for s, v in zip(flat, nums):
            values[s] = torch.tensor(v, dtype=torch.float64)
    return values


def crosscheck_problem(problem: Problem, scale: int = 4, seed: int = 2026) -> list[CrossRow]:
    import torch
    rows = []
    sizes = tuple(max(2, s * scale) for s in problem.sizes)
    batch = (problem.batch or 2) * scale if problem.kind == "mlp-mse-batch" else None
    if problem.kind == "softmax-hinge":
        sizes = (problem.sizes[0] * scale,)
    for claim in problem.claims:
        if claim.expected(problem.activation) != "proved" or problem.numeric:
            continue
        if check(problem, claim.latex).verdict.value != "proved":
            continue
        net = problem.network(None, sizes, batch)
        recorded = []
        real = net.differentiate

        def spy(expr, wrt, index, label=None, _real=real):
            out = _real(expr, wrt, index, label)
            recorded.append((expr, wrt, index, label, out))
            return out
        net.differentiate = spy
        try:
            entries = claim_entries(problem, claim.latex, None, sizes, batch=batch)
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
        values = _point(net, rng, torch)
        ev = _Torch(torch, values)
        worst_abs = worst_rel = 0.0
        groups: dict = {}
        for expr, wrt, index, label, ours in recorded:
            groups.setdefault((expr, wrt, label), {})[index] = ours
        for (expr, wrt, label), ours_by_index in groups.items():
            auto = _autograd(torch, net, values, expr, wrt, list(ours_by_index), label)
            for index, ours in ours_by_index.items():
                worst_abs, worst_rel = _worse(worst_abs, worst_rel, float(ev(ours)), auto[index])
        for a, b, *_ in entries:
            worst_abs, worst_rel = _worse(worst_abs, worst_rel, float(ev(a)), float(ev(b)))
        rows.append(CrossRow(problem.id, claim.id, _sizes(sizes), len(recorded), len(entries), worst_abs, worst_rel,
                             worst_rel <= TOLERANCE or worst_abs <= TOLERANCE))
    return rows


def _sizes(sizes) -> str:
    return "-".join(str(s) for s in sizes)


def _worse(worst_abs, worst_rel, x: float, y: float):
    diff = abs(x - y)
    return max(worst_abs, diff), max(worst_rel, diff / max(abs(x), abs(y), 1e-12))


def _autograd(torch, net, values, expr, wrt, indices, label) -> dict:
    """d expr / d wrt[index] for every index, by one torch.autograd pass from
    the forward expression alone."""
    env = dict(values)
    if net.is_leaf(wrt):
        syms = net.leaf_symbols(wrt)
    else:
        syms = net.cut_symbols(wrt)
        true = _Torch(torch, values)
        for sym, value in net._uncut(wrt, label).items():
            env[sym] = true(value).detach()
    leaves = {}
    for index in indices:
        leaf = env[syms[index]].detach().clone().requires_grad_(True)
        env[syms[index]] = leaves[index] = leaf
    out = _Torch(torch, env)(expr)
    if not out.requires_grad:
        return {index: 0.0 for index in indices}
    grads = torch.autograd.grad(out, list(leaves.values()), allow_unused=True)
    return {index: 0.0 if g is None else float(g) for index, g in zip(leaves, grads)}
