"""A numeric oracle for the soundness corpus, independent of symbackprop.

Each problem's network is rebuilt in PyTorch float64 at the sizes of its
derivations/<id>.toml, with random inputs and parameters.  Every corpus entry
marked `oracle = true` has a function here, keyed by its id, that evaluates
both sides of the claim by hand-written torch code: derivatives on the left by
autograd, the formula on the right as written.  `agrees(id, problem, act)`
tells, at several random points, whether the two sides match; autograd itself
is checked against central finite differences in `fd_check`.

Activations: "relu" is max(0, t) with relu'(0) = 0; "generic" is a smooth
function (tanh; in assignment1 a different one per layer), enough to expose a
claim that only holds for ReLU.  Nothing here parses or evaluates LaTeX.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace

import torch

DERIVATIONS = Path(__file__).resolve().parent.parent / "derivations"
ORACLES: dict[str, callable] = {}
T = torch.float64


def oracle(entry_id: str):
    def register(fn):
        assert entry_id not in ORACLES, entry_id
        ORACLES[entry_id] = fn
        return fn
    return register


def network_section(problem_id: str) -> dict:
    with (DERIVATIONS / f"{problem_id}.toml").open("rb") as fh:
        data = tomllib.load(fh)["sizes"]
    # the problem format's [sizes]: d = [d_0, ..., d_L] per layer, or one number per size symbol
    if "C" in data and "d" not in data:
        return {"sizes": [data["C"]]}
    if "h" in data:
        return {"sizes": [data["d"], data["h"], data["K"]]}
    return {"sizes": list(data["d"]), "batch": data.get("N")}


# ------------------------------------------------------------ activations
def _relu(t):
    return torch.clamp(t, min=0)


def _relu_prime(t):
    return (t > 0).to(T)


def _tanh_prime(t):
    return 1 - torch.tanh(t) ** 2


def _sigmoid_prime(t):
    s = torch.sigmoid(t)
    return s * (1 - s)


def activation_pair(activation: str, layer: int = 1):
    """(φ, φ') for the activation; generic layers alternate tanh and sigmoid."""
    if activation == "relu":
        return _relu, _relu_prime
    if layer % 2 == 1:
        return torch.tanh, _tanh_prime
    return torch.sigmoid, _sigmoid_prime


def _rand(gen, *shape, scale=1.0):
    return (torch.randn(*shape, generator=gen, dtype=T) * scale).requires_grad_(True)


def outer(u, v):
    return u[:, None] * v[None, :]


def grad(out, wrt):
    """d out / d wrt (out a scalar), keeping the graph for later calls."""
    (g,) = torch.autograd.grad(out, wrt, retain_graph=True, create_graph=False)
    return g


def jacobian(out, wrt):
    """d out_k / d wrt_j as a matrix (out and wrt vectors of one forward pass)."""
    rows = [grad(out[k], wrt) for k in range(out.shape[0])]
    return torch.stack(rows)


# ------------------------------------------------------------ the four networks
def build(problem_id: str, activation: str, seed: int) -> SimpleNamespace:
    gen = torch.Generator().manual_seed(seed)
    net = network_section(problem_id)
    return _BUILDERS[problem_id](net, activation, gen)


def _mle(net, activation, gen):
    d = list(net["sizes"])
    L = len(d) - 1
    phi, dphi = activation_pair(activation)
    x = _rand(gen, d[0])
    W = {l: _rand(gen, d[l + 1], d[l]) for l in range(L)}
    b = {l: _rand(gen, d[l + 1], scale=0.5) for l in range(L)}
    w = torch.rand(d[L], generator=gen, dtype=T) + 0.05
    y = w / w.sum()                          # Σ y = 1, as the problem requires
    z = {0: x}
    pre = {}
    for l in range(1, L + 1):
        pre[l] = W[l - 1] @ z[l - 1] + b[l - 1]
        if l < L:
            z[l] = phi(pre[l])
    yhat = torch.softmax(pre[L], dim=0)
    loss = -(y * torch.log(yhat)).sum()
    ns = SimpleNamespace(d=d, L=L, phi=phi, dphi=dphi, x=x, W=W, b=b, y=y, z=z, pre=pre, yhat=yhat, loss=loss)
    ns.delta = {l: grad(loss, pre[l]) for l in range(1, L + 1)}
    return ns


def _assignment1(net, activation, gen):
    d = list(net["sizes"])
    N = int(net["batch"])
    L = len(d) - 1
    f = {l: activation_pair(activation, l) for l in range(1, L + 1)}
    X = _rand(gen, d[0], N)
    W = {l: _rand(gen, d[l], d[l - 1]) for l in range(1, L + 1)}
    b = {l: _rand(gen, d[l], scale=0.5) for l in range(1, L + 1)}
    Ygt = torch.randn(d[L], N, generator=gen, dtype=T)
    Z = {0: X}
    S = {}
    for l in range(1, L + 1):
        S[l] = W[l] @ Z[l - 1] + b[l][:, None]
        Z[l] = f[l][0](S[l])
    loss = ((Z[L] - Ygt) ** 2).sum() / (2 * N)
    ns = SimpleNamespace(d=d, N=N, L=L, f=f, X=X, W=W, b=b, Ygt=Ygt, Z=Z, S=S, loss=loss, Yout=Z[L])
    ns.fp = {l: f[l][1](S[l]) for l in range(1, L + 1)}
    ns.dZ = {l: grad(loss, Z[l]) for l in range(0, L + 1)}
    ns.delta = {l: ns.dZ[l] * ns.fp[l] for l in range(1, L + 1)}   # δ_l := ∂L/∂Z_l ⊙ f'_l(S_l)
    return ns


def _cs446(net, activation, gen):
    d, h, K = net["sizes"]
    phi, dphi = activation_pair(activation)
    x = _rand(gen, d)
    W1, b1 = _rand(gen, h, d), _rand(gen, h, scale=0.5)
    W2, b2 = _rand(gen, K, h), _rand(gen, K, scale=0.5)
    y = torch.zeros(K, dtype=T)
    y[int(torch.randint(K, (1,), generator=gen))] = 1.0    # one-hot
    a = W1 @ x + b1
    z = W2 @ phi(a) + b2
    yhat = torch.softmax(z, dim=0)
    err = -(y * torch.log(yhat)).sum()
    return SimpleNamespace(d=d, h=h, K=K, phi=phi, dphi=dphi, x=x, W1=W1, b1=b1, W2=W2, b2=b2, y=y, a=a,
                           z=z, yhat=yhat, err=err)


def _hinge(net, activation, gen):
    (C,) = net["sizes"]
    o = _rand(gen, C, scale=1.5)
    p = torch.softmax(o, dim=0)
    margin = 0.05 + 0.4 * float(torch.rand(1, generator=gen, dtype=T))
    return SimpleNamespace(C=C, o=o, p=p, margin=margin)


def hinge_loss(ns, label: int):
    m = ns.p - ns.p[label] + ns.margin
    keep = torch.ones(ns.C, dtype=torch.bool)
    keep[label] = False
    return torch.clamp(m[keep], min=0).sum()


_BUILDERS = {"mle-sheet4": _mle, "assignment1": _assignment1, "cs446-hw0": _cs446, "assignment1-hinge": _hinge}


# ------------------------------------------------------------ comparing
def evaluate(entry_id: str, problem_id: str, activation: str, seed: int):
    """Both sides of the entry at one random point, as tensors of one shape."""
    ns = build(problem_id, activation, seed)
    lhs, rhs = ORACLES[entry_id](ns)
    lhs, rhs = torch.as_tensor(lhs, dtype=T), torch.as_tensor(rhs, dtype=T)
    assert lhs.shape == rhs.shape, (entry_id, lhs.shape, rhs.shape)
    return lhs.detach(), rhs.detach()


def agrees(entry_id: str, problem_id: str, activation: str, seeds=range(6)) -> list[bool]:
    """At each random point: do the two sides match (to 1e-9)?"""
    out = []
    for seed in seeds:
        lhs, rhs = evaluate(entry_id, problem_id, activation, seed)
        out.append(bool(torch.allclose(lhs, rhs, rtol=1e-9, atol=1e-11)))
    return out


def fd_check(problem_id: str, activation: str, seed: int = 0, eps: float = 1e-6) -> float:
    """Largest gap between autograd and central finite differences of the loss
    over every parameter entry (ReLU points are random, so away from kinks)."""
    ns = build(problem_id, activation, seed)
    leaves, loss_of = _leaves_and_loss(problem_id, ns, activation)
    worst = 0.0
    for leaf in leaves:
        g = grad(loss_of(), leaf)
        flat = leaf.detach().view(-1)
        for k in range(flat.numel()):
            with torch.no_grad():
                old = float(flat[k])
                flat[k] = old + eps
                up = float(loss_of())
                flat[k] = old - eps
                down = float(loss_of())
                flat[k] = old
            worst = max(worst, abs((up - down) / (2 * eps) - float(g.view(-1)[k])))
    return worst


def _leaves_and_loss(problem_id, ns, activation):
    if problem_id == "mle-sheet4":
        def loss():
            z = ns.x
            for l in range(ns.L):
                s = ns.W[l] @ z + ns.b[l]
                z = ns.phi(s) if l + 1 < ns.L else s
            return -(ns.y * torch.log_softmax(z, dim=0)).sum()
        return [ns.x, *ns.W.values(), *ns.b.values()], loss
    if problem_id == "assignment1":
        def loss():
            Z = ns.X
            for l in range(1, ns.L + 1):
                Z = ns.f[l][0](ns.W[l] @ Z + ns.b[l][:, None])
            return ((Z - ns.Ygt) ** 2).sum() / (2 * ns.N)
        return [ns.X, *ns.W.values(), *ns.b.values()], loss
    if problem_id == "cs446-hw0":
        def loss():
            z = ns.W2 @ ns.phi(ns.W1 @ ns.x + ns.b1) + ns.b2
            return -(ns.y * torch.log_softmax(z, dim=0)).sum()
        return [ns.x, ns.W1, ns.b1, ns.W2, ns.b2], loss
    ns.margin = 0.6         # most terms active, so the gradient is not trivially 0

    def loss():
        ns.p = torch.softmax(ns.o, dim=0)
        return sum(hinge_loss(ns, label) for label in range(ns.C))
    return [ns.o], loss


# The per-entry oracles live in oracle_entries*.py; importing them registers them.
import oracle_entries  # noqa: E402,F401
import oracle_entries_more  # noqa: E402,F401
