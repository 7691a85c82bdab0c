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
        return tomllib.load(fh)["network"]


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


# ============================================================ mle-sheet4
def _outer(u, v):
    return u[:, None] * v[None, :]


@oracle("m-gradW1")
def _(n):
    return grad(n.loss, n.W[1]), _outer(n.delta[2], n.z[1])


@oracle("m-gradW1-preact")
def _(n):
    return grad(n.loss, n.W[1]), _outer(n.delta[2], n.pre[1])


@oracle("m-gradW1-sign")
def _(n):
    return grad(n.loss, n.W[1]), -_outer(n.delta[2], n.z[1])


@oracle("m-gradW2-closed")
def _(n):
    return grad(n.loss, n.W[2]), _outer(n.yhat - n.y, n.z[2])


@oracle("m-gradW2-preact")
def _(n):
    return grad(n.loss, n.W[2]), _outer(n.yhat - n.y, n.pre[2])


@oracle("m-gradW2-sign")
def _(n):
    return grad(n.loss, n.W[2]), _outer(n.y - n.yhat, n.z[2])


@oracle("m-gradW0")
def _(n):
    return grad(n.loss, n.W[0]), _outer((n.W[1].T @ n.delta[2]) * n.dphi(n.pre[1]), n.x)


@oracle("m-gradW0-missing-phi")
def _(n):
    return grad(n.loss, n.W[0]), _outer(n.W[1].T @ n.delta[2], n.x)


@oracle("m-gradW0-entry-extra-phi")
def _(n):
    return grad(n.loss, n.W[0]), _outer(n.delta[1] * n.dphi(n.pre[1]), n.x)


@oracle("m-gradb2-closed")
def _(n):
    return grad(n.loss, n.b[2]), n.yhat - n.y


@oracle("m-gradb2-sign")
def _(n):
    return grad(n.loss, n.b[2]), n.y - n.yhat


@oracle("m-gradb0")
def _(n):
    return grad(n.loss, n.b[0]), (n.W[1].T @ n.delta[2]) * n.dphi(n.pre[1])


@oracle("m-gradb1-closed-two-layers")
def _(n):
    return grad(n.loss, n.b[1]), (n.W[2].T @ (n.yhat - n.y)) * n.dphi(n.pre[2])


@oracle("m-delta2-closed")
def _(n):
    return n.delta[2], (n.W[2].T @ (n.yhat - n.y)) * n.dphi(n.pre[2])


@oracle("m-delta1-phi-at-activation")
def _(n):
    return n.delta[1], (n.W[1].T @ n.delta[2]) * n.dphi(n.z[1])


@oracle("m-delta2-missing-phi")
def _(n):
    return n.delta[2], n.W[2].T @ n.delta[3]


@oracle("m-delta1-two-steps")
def _(n):
    inner = (n.W[2].T @ (n.yhat - n.y)) * n.dphi(n.pre[2])
    return n.delta[1], (n.W[1].T @ inner) * n.dphi(n.pre[1])


@oracle("m-dz3-dz1")
def _(n):
    return jacobian(n.pre[3], n.z[1]), n.W[2] @ torch.diag(n.dphi(n.pre[2])) @ n.W[1]


@oracle("m-dz3-dz1-missing-phi")
def _(n):
    return jacobian(n.pre[3], n.z[1]), n.W[2] @ n.W[1]


@oracle("m-dL-dx-entry")
def _(n):
    return grad(n.loss, n.x), torch.stack([sum(n.W[0][j, m] * n.delta[1][j] for j in range(n.d[1]))
                                           for m in range(n.d[0])])


@oracle("m-dL-dz1")
def _(n):
    return grad(n.loss, n.z[1]), n.W[1].T @ n.delta[2]


@oracle("m-dL-dz1-extra-phi")
def _(n):
    return grad(n.loss, n.z[1]), (n.W[1].T @ n.delta[2]) * n.dphi(n.pre[1])


# ============================================================ assignment1
@oracle("a-dW2-delta")
def _(n):
    return grad(n.loss, n.W[2]), n.delta[2] @ n.Z[1].T


@oracle("a-dW2-closed")
def _(n):
    return grad(n.loss, n.W[2]), ((n.Yout - n.Ygt) * n.fp[2]) @ n.Z[1].T / n.N


@oracle("a-dW2-missing-1-over-N")
def _(n):
    return grad(n.loss, n.W[2]), ((n.Yout - n.Ygt) * n.fp[2]) @ n.Z[1].T


@oracle("a-dW2-pre-for-act")
def _(n):
    return grad(n.loss, n.W[2]), ((n.Yout - n.Ygt) * n.fp[2]) @ n.S[1].T / n.N


@oracle("a-dW2-fprime-at-activation")
def _(n):
    return grad(n.loss, n.W[2]), ((n.Yout - n.Ygt) * n.f[2][1](n.Z[2])) @ n.Z[1].T / n.N


@oracle("a-dW1-delta")
def _(n):
    return grad(n.loss, n.W[1]), n.delta[1] @ n.X.T


@oracle("a-dW1-closed")
def _(n):
    return grad(n.loss, n.W[1]), ((n.W[2].T @ n.delta[2]) * n.fp[1]) @ n.X.T


@oracle("a-dW1-missing-fprime")
def _(n):
    return grad(n.loss, n.W[1]), (n.W[2].T @ n.delta[2]) @ n.X.T


@oracle("a-dW2-entry-sum")
def _(n):
    rhs = torch.stack([torch.stack([sum(n.delta[2][i, k] * n.Z[1][j, k] for k in range(n.N))
                                    for j in range(n.d[1])]) for i in range(n.d[2])])
    return grad(n.loss, n.W[2]), rhs


def _dW1_entry(n, with_fprime: bool):
    def entry(i, j):
        total = 0.0
        for k in range(n.N):
            back = sum(n.W[2][q, i] * n.delta[2][q, k] for q in range(n.d[2]))
            total = total + (n.fp[1][i, k] if with_fprime else 1.0) * n.X[j, k] * back
        return total
    return torch.stack([torch.stack([torch.as_tensor(entry(i, j), dtype=T) for j in range(n.d[0])])
                        for i in range(n.d[1])])


@oracle("a-dW1-entry-sum")
def _(n):
    return grad(n.loss, n.W[1]), _dW1_entry(n, True)


@oracle("a-dW1-entry-sum-no-fprime")
def _(n):
    return grad(n.loss, n.W[1]), _dW1_entry(n, False)


@oracle("a-db1-delta")
def _(n):
    return grad(n.loss, n.b[1]), n.delta[1] @ torch.ones(n.N, dtype=T)


@oracle("a-db1-extra-1-over-N")
def _(n):
    return grad(n.loss, n.b[1]), n.delta[1] @ torch.ones(n.N, dtype=T) / n.N


@oracle("a-db2-entry-closed")
def _(n):
    return grad(n.loss, n.b[2]), ((n.Yout - n.Ygt) * n.fp[2]).sum(dim=1) / n.N


@oracle("a-db2-entry-no-fprime")
def _(n):
    return grad(n.loss, n.b[2]), (n.Yout - n.Ygt).sum(dim=1) / n.N


@oracle("a-dL-dS2")
def _(n):
    return grad(n.loss, n.S[2]), n.delta[2]


@oracle("a-dL-dS1-missing-fprime")
def _(n):
    return grad(n.loss, n.S[1]), n.W[2].T @ n.delta[2]


@oracle("a-dL-dX")
def _(n):
    return grad(n.loss, n.X), n.W[1].T @ n.delta[1]


@oracle("a-delta1-fprime-at-activation")
def _(n):
    return n.delta[1], (n.W[2].T @ n.delta[2]) * n.f[1][1](n.Z[1])


@oracle("a-delta2-closed")
def _(n):
    return n.delta[2], (n.Z[2] - n.Ygt) * n.fp[2] / n.N


@oracle("a-delta2-sign")
def _(n):
    return n.delta[2], (n.Ygt - n.Yout) * n.fp[2] / n.N


# ============================================================ assignment1-hinge
# Free indices (l, j) give matrices; the label y_i runs over every class.
def _labels(n, fn):
    return torch.stack([torch.as_tensor(fn(y), dtype=T) for y in range(n.C)])


def _eye(n):
    return torch.eye(n.C, dtype=T)


def _indicator(cond):
    return cond.to(T)


def _hinge_grad(n, y):
    return grad(hinge_loss(n, y), n.o)


def _hinge_terms(n, y, bracket, indicator="gt", all_classes=False):
    """Σ_l ind(p_l - p_y + margin) bracket(l, j) as a vector over j."""
    m = n.p - n.p[y] + n.margin
    ind = {"gt": m > 0, "lt": m < 0}[indicator]
    out = torch.zeros(n.C, dtype=T)
    for l in range(n.C):
        if l == y and not all_classes:
            continue
        out = out + _indicator(ind[l]) * torch.stack([bracket(l, j, y) for j in range(n.C)])
    return out


def _bracket(n):
    e = _eye(n)
    return lambda l, j, y: n.p[l] * (e[l, j] - n.p[j]) - n.p[y] * (e[y, j] - n.p[j])


@oracle("h-dsoftmax-diag")
def _(n):
    J = jacobian(n.p, n.o)
    return torch.diagonal(J), n.p * (1 - n.p)


@oracle("h-dsoftmax-offdiag-always")
def _(n):
    return jacobian(n.p, n.o), -_outer(n.p, n.p)


@oracle("h-dsoftmax-kron")
def _(n):      # entry (l, j): p_j (δ_lj - p_l)
    return jacobian(n.p, n.o), n.p[None, :] * (_eye(n) - n.p[:, None])


@oracle("h-dsoftmax-kron-wrong")
def _(n):      # entry (l, j): p_l (δ_lj - p_l)
    return jacobian(n.p, n.o), n.p[:, None] * (_eye(n) - n.p[:, None])


@oracle("h-ddiff")
def _(n):      # entries (y, l, j)
    J = jacobian(n.p, n.o)
    b = _bracket(n)
    lhs = _labels(n, lambda y: J - J[y][None, :])
    rhs = _labels(n, lambda y: torch.stack([torch.stack([b(l, j, y) for j in range(n.C)]) for l in range(n.C)]))
    return lhs, rhs


def _loss_table(n, fn):
    return _labels(n, lambda y: hinge_loss(n, y)), _labels(n, fn)


@oracle("h-loss-all-classes-minus-margin")
def _(n):
    return _loss_table(n, lambda y: torch.clamp(n.p - n.p[y] + n.margin, min=0).sum() - n.margin)


@oracle("h-loss-all-classes")
def _(n):
    return _loss_table(n, lambda y: torch.clamp(n.p - n.p[y] + n.margin, min=0).sum())


@oracle("h-loss-no-max")
def _(n):
    return _loss_table(n, lambda y: sum(n.p[l] - n.p[y] + n.margin for l in range(n.C) if l != y))


@oracle("h-loss-reversed")
def _(n):
    return _loss_table(n, lambda y: sum(torch.clamp(n.p[y] - n.p[l] + n.margin, min=0)
                                        for l in range(n.C) if l != y))


@oracle("h-grad-gt")
def _(n):
    b = _bracket(n)
    return _labels(n, lambda y: _hinge_grad(n, y)), _labels(n, lambda y: _hinge_terms(n, y, b))


@oracle("h-grad-sign")
def _(n):
    b = _bracket(n)
    return _labels(n, lambda y: _hinge_grad(n, y)), _labels(n, lambda y: -_hinge_terms(n, y, b))


@oracle("h-grad-indicator-reversed")
def _(n):
    b = _bracket(n)
    return _labels(n, lambda y: _hinge_grad(n, y)), _labels(n, lambda y: _hinge_terms(n, y, b, "lt"))


@oracle("h-grad-all-classes")
def _(n):
    b = _bracket(n)
    return (_labels(n, lambda y: _hinge_grad(n, y)),
            _labels(n, lambda y: _hinge_terms(n, y, b, all_classes=True)))


@oracle("h-grad-missing-label-term")
def _(n):
    e = _eye(n)
    half = lambda l, j, y: n.p[l] * (e[l, j] - n.p[j])   # noqa: E731
    return _labels(n, lambda y: _hinge_grad(n, y)), _labels(n, lambda y: _hinge_terms(n, y, half))


@oracle("h-grad-at-label")
def _(n):
    def rhs(y):
        m = n.p - n.p[y] + n.margin
        return -sum(_indicator(m[l] > 0) * n.p[y] * (1 - n.p[y] + n.p[l]) for l in range(n.C) if l != y)
    return _labels(n, lambda y: _hinge_grad(n, y)[y]), _labels(n, rhs)


@oracle("h-grad-sums-to-zero")
def _(n):
    return _labels(n, lambda y: _hinge_grad(n, y).sum()), torch.zeros(n.C, dtype=T)


def _dmax(n):
    return grad(torch.clamp(n.p[0] - n.p[1] + n.margin, min=0), n.o)[0]


@oracle("h-dmax-softmax")
def _(n):
    ind = _indicator(n.p[0] - n.p[1] + n.margin > 0)
    return _dmax(n), ind * n.p[0] * (1 - n.p[0] + n.p[1])


@oracle("h-dmax-softmax-wrong")
def _(n):
    ind = _indicator(n.p[0] - n.p[1] + n.margin > 0)
    return _dmax(n), ind * n.p[0] * (1 - n.p[0] - n.p[1])


# ============================================================ cs446-hw0
@oracle("c-dErr-dz")
def _(n):
    return grad(n.err, n.z), n.yhat - n.y


@oracle("c-dErr-dz-sign")
def _(n):
    return grad(n.err, n.z), n.y - n.yhat


@oracle("c-dErr-dW2-entry")
def _(n):
    return grad(n.err, n.W2), _outer(n.yhat - n.y, n.phi(n.a))


@oracle("c-dErr-dW2-entry-phiprime")
def _(n):
    return grad(n.err, n.W2), _outer(n.yhat - n.y, n.dphi(n.a))


@oracle("c-dErr-dW2-entry-preact")
def _(n):
    return grad(n.err, n.W2), _outer(n.yhat - n.y, n.a)


@oracle("c-dErr-dW2-matrix")
def _(n):
    return grad(n.err, n.W2), (n.yhat - n.y)[:, None] @ n.phi(n.a)[None, :]


@oracle("c-dErr-db1")
def _(n):
    return grad(n.err, n.b1), (n.W2.T @ (n.yhat - n.y)) * n.dphi(n.a)


@oracle("c-dErr-db1-missing-phi")
def _(n):
    return grad(n.err, n.b1), n.W2.T @ (n.yhat - n.y)


@oracle("c-dErr-db1-phi-at-activation")
def _(n):
    return grad(n.err, n.b1), (n.W2.T @ (n.yhat - n.y)) * n.dphi(n.phi(n.a))


@oracle("c-dErr-dW1")
def _(n):
    return grad(n.err, n.W1), _outer((n.W2.T @ (n.yhat - n.y)) * n.dphi(n.a), n.x)


@oracle("c-dErr-dW1-missing-phi")
def _(n):
    return grad(n.err, n.W1), _outer(n.W2.T @ (n.yhat - n.y), n.x)


def _dW1_entry_cs(n, partial: bool):
    def entry(j, m):
        inner = n.W1[j, m] * n.x[m] + n.b1[j] if partial else n.a[j]
        return sum((n.yhat[k] - n.y[k]) * n.W2[k, j] for k in range(n.K)) * n.dphi(inner) * n.x[m]
    return torch.stack([torch.stack([entry(j, m) for m in range(n.d)]) for j in range(n.h)])


@oracle("c-dErr-dW1-entry")
def _(n):
    return grad(n.err, n.W1), _dW1_entry_cs(n, False)


@oracle("c-dErr-dW1-entry-partial-sum")
def _(n):
    return grad(n.err, n.W1), _dW1_entry_cs(n, True)


@oracle("c-dErr-dx")
def _(n):
    return grad(n.err, n.x), n.W1.T @ ((n.W2.T @ (n.yhat - n.y)) * n.dphi(n.a))
