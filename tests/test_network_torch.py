"""The network builder against an independent oracle: PyTorch autograd (float64).

Same random instance on both sides: the symbolic derivative of the loss,
evaluated at the point, must match torch's gradient.  In CI torch must be
installed (the tests run, they don't skip).
"""

import random

import pytest

from conftest import IN_CI
from symbackprop.network import Network, Spec
from symbackprop.witness import evaluate, random_point, to_float

torch = pytest.importorskip("torch") if not IN_CI else __import__("torch")


_float = to_float


def _torch_net(net, point, poly):
    d = net.spec.sizes
    t = lambda arr: torch.tensor([[float(point.values[s]) for s in row] for row in arr], dtype=torch.float64,
                                 requires_grad=True)  # noqa: E731
    v = lambda arr: torch.tensor([float(point.values[s]) for s in arr], dtype=torch.float64,  # noqa: E731
                                 requires_grad=True)
    params = {}
    h = v(net.leaf_symbols(("act", 0)))
    for k in range(1, net.L + 1):
        W, b = t(net.leaf_symbols(("W", k))), v(net.leaf_symbols(("b", k)))
        params[k] = (W, b)
        s = W @ h + b
        if k < net.L:
            a = net.activation(k)
            h = torch.relu(s) if a == "relu" else sum(float(c) * s ** i for i, c in enumerate(poly))
        else:
            h = s
    y = torch.tensor([float(point.values[s]) for s in net.leaf_symbols(("target", None))], dtype=torch.float64)
    loss = -(y * torch.log_softmax(h, 0)).sum()
    loss.backward()
    return params, len(d)


@pytest.mark.parametrize("activation", ["relu", "generic:phi"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gradients_match_autograd(activation, seed):
    net = Network(Spec("mlp-softmax-ce", (2, 3, 4, 5), (activation, activation, "identity")))
    rng = random.Random(seed)
    leaves = [s for node in net.all_leaves() for s in net.leaf_symbols(node).flat]
    targets = list(net.leaf_symbols(("target", None)).flat)
    while True:  # a point off ReLU's kinks, where the derivative exists
        point = random_point(leaves, rng, ["phi"] if activation != "relu" else [], targets, "one-hot")
        if all(evaluate(e, point) != 0 for k in (1, 2) for e in net.value(("pre", k)).flat):
            break
    poly = point.functions.get("phi", ())
    params, _ = _torch_net(net, point, poly)
    loss = net.value(("loss", None))[()]
    for k, (W, b) in params.items():
        for (i, j) in [(0, 0), (W.shape[0] - 1, W.shape[1] - 1)]:
            ours = _float(evaluate(net.differentiate(loss, ("W", k), (i, j)), point))
            assert ours == pytest.approx(W.grad[i, j].item(), rel=1e-9, abs=1e-12), (k, i, j)
        ours = _float(evaluate(net.differentiate(loss, ("b", k), (0,)), point))
        assert ours == pytest.approx(b.grad[0].item(), rel=1e-9, abs=1e-12), (k, "b")


def test_cut_at_preactivation_matches_autograd():
    """∂L/∂z~^{(L)} through a graph cut equals torch's gradient at the logits."""
    net = Network(Spec("mlp-softmax-ce", (2, 3, 4), ("relu", "identity")))
    rng = random.Random(7)
    leaves = [s for node in net.all_leaves() for s in net.leaf_symbols(node).flat]
    while True:
        point = random_point(leaves, rng, [], list(net.leaf_symbols(("target", None)).flat), "one-hot")
        if all(evaluate(e, point) != 0 for e in net.value(("pre", 1)).flat):
            break
    cut_loss = net.value(("loss", None), cut=("pre", 2))[()]
    logits = torch.tensor([_float(evaluate(e, point)) for e in net.value(("pre", 2))], dtype=torch.float64,
                          requires_grad=True)
    y = torch.tensor([float(point.values[s]) for s in net.leaf_symbols(("target", None))], dtype=torch.float64)
    (-(y * torch.log_softmax(logits, 0)).sum()).backward()
    for j in range(4):
        ours = _float(evaluate(net.differentiate(cut_loss, ("pre", 2), (j,)), point))
        assert ours == pytest.approx(logits.grad[j].item(), rel=1e-9, abs=1e-12)


def test_crosscheck_agrees_with_autograd():
    """`verify --crosscheck` on the hinge problem: every derivative the engine
    computed, recomputed by torch.autograd, and both sides of each proved claim."""
    from symbackprop.crosscheck import crosscheck_problem
    from symbackprop.problems import load_problem
    rows = crosscheck_problem(load_problem("assignment1-hinge"), scale=1)
    assert rows and all(r.ok for r in rows), [r for r in rows if not r.ok]
    assert sum(r.derivatives for r in rows) > 0
