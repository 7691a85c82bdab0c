"""Soundness-corpus oracles for mle-sheet4 and assignment1: both sides of a claim by
hand-written PyTorch, registered with `oracle_fd.oracle` (which imports this module)."""

from __future__ import annotations

import torch

from oracle_fd import outer as _outer, T, grad, jacobian, oracle  # tests/ is on the path


# ============================================================ mle-sheet4
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
