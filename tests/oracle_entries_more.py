"""Soundness-corpus oracles for assignment1-hinge and cs446-hw0 (see oracle_entries)."""

from __future__ import annotations

import torch

from oracle_fd import outer as _outer, T, grad, hinge_loss, jacobian, oracle  # tests/ is on the path


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
