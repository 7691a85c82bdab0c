"""The network builder against an independent oracle: PyTorch (float64).

`symbackprop.torch_forward` reads each problem's forward equations a second
time and computes them with torch ops; here the symengine network the engine
builds from the same equations is evaluated at the same random point and
compared with it, for every shipped problem under every function choice:
the value of every defined name, the gradient of the loss with respect to
leaf entries (torch autograd against `Network.differentiate`), and with
respect to defined names (a graph cut).  A generic function is the
interpreter's stand-in on both sides.  Negative controls show that a wrong
equation, a wrong function or a wrong derivative is caught.  In CI torch
must be installed (the tests run, they don't skip).
"""

from __future__ import annotations

import functools
import math
import random

import numpy as np
import pytest
import symengine as se

from conftest import IN_CI
from symbackprop.catalogue.load import load_catalogue, load_problem

torch = pytest.importorskip("torch") if not IN_CI else __import__("torch")
from symbackprop.tools import torch_forward as TF  # noqa: E402  (needs torch

REL, ABS = 1e-9, 1e-12
SEEDS = (1, 2, 3)
CASES = [(p.id, v) for p in load_catalogue() for v in p.variants]


@functools.lru_cache(maxsize=None)
def _problem(ref):
    return load_problem(ref)


# ------------------------------------------------------------ symengine -> float
def _number(expr, point: dict, functions: dict, memo: dict) -> float:
    """`expr` at `point` (symbol -> float).  Exp is the exponential, H the step
    1{u > 0}; any other function symbol (phi, phi', f_1) is looked up in
    `functions`, else it is the interpreter's generic stand-in."""
    found = memo.get(expr)
    if found is not None:
        return found
    if isinstance(expr, se.FunctionSymbol):
        name, (arg,) = expr.get_name(), [_number(a, point, functions, memo) for a in expr.args]
        if name == "H":
            out = 1.0 if arg > 0 else 0.0
        elif name == "Exp":
            out = math.exp(arg)
        else:
            fn = functions.get(name) or TF.generic_standin(name)
            out = fn(torch.tensor(arg, dtype=torch.float64)).item()
    elif isinstance(expr, se.Symbol):
        out = point[expr]
    elif expr.is_Number:
        out = float(expr)
    else:
        args = [_number(a, point, functions, memo) for a in expr.args]
        if isinstance(expr, se.Add):
            out = math.fsum(args)
        elif isinstance(expr, se.Mul):
            out = math.prod(args)
        elif isinstance(expr, se.Pow):
            out = args[0] ** args[1]
        elif isinstance(expr, se.log):
            out = math.log(args[0])
        elif isinstance(expr, se.Abs):
            out = abs(args[0])
        elif not expr.free_symbols and not args:
            out = float(expr)  # e, π
        else:
            raise NotImplementedError(f"no numeric rule for {type(expr).__name__}: {expr}")
    memo[expr] = out
    return out


def _canonical(shape) -> tuple:
    """(n, 1) is a vector and one entry a scalar, on both sides."""
    shape = tuple(shape)
    if len(shape) in (1, 2) and math.prod(shape) == 1:
        return ()
    return shape[:1] if len(shape) == 2 and shape[1] == 1 else shape


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(abs(a), abs(b)) + ABS


# ------------------------------------------------------------ points
def _draw(problem, net, rng: random.Random, label) -> dict:
    """Random leaf values off every kink (ReLU, max, comparisons), with targets
    one-hot or on the simplex when the problem's side conditions say so."""
    for _ in range(100):
        values = {}
        for node in net.all_leaves():
            shape, role = net.leaf_symbols(node).shape, net.role(node)
            decl = net.leaf_decl(node)
            if role == "target" and {"one-hot", "sum-to-one"} & set(problem.side_conditions):
                cols = np.zeros(shape if len(shape) == 2 else shape + (1,))
                for j in range(cols.shape[1]):
                    if "one-hot" in problem.side_conditions:
                        cols[rng.randrange(cols.shape[0]), j] = 1.0
                    else:
                        w = [rng.uniform(0.05, 1.0) for _ in range(cols.shape[0])]
                        cols[:, j] = [x / sum(w) for x in w]
                arr = cols.reshape(shape)
            elif decl.positive:
                arr = np.array([rng.uniform(0.02, 0.3) for _ in range(math.prod(shape))]).reshape(shape)
            else:
                arr = np.array([rng.uniform(-3.0, 3.0) for _ in range(math.prod(shape))]).reshape(shape)
            values[node] = torch.tensor(arr, dtype=torch.float64, requires_grad=True)
        kinks: list = []
        TF.forward(problem, net, values, label, kinks)
        if all(bool((k.abs() > 1e-3).all()) for k in kinks):
            return values
    raise AssertionError(f"{problem.id}: no random point off the kinks in 100 tries")


def _point(net, values: dict) -> dict:
    point = {}
    for node, tensor in values.items():
        syms, vals = net.leaf_symbols(node), tensor.detach().numpy()
        for idx in np.ndindex(*syms.shape):
            point[syms[idx]] = float(vals[idx])
    return point


def _picks(n: int, rng: random.Random) -> list[int]:
    """A few flat indices: the first, the last and one between."""
    return sorted({0, n - 1, rng.randrange(n)})


# ------------------------------------------------------------ the comparison
def mismatches(problem, net, values: dict, label=None, seed=0, oracle_problem=None, functions=None,
               cuts=True) -> list[str]:
    """Every disagreement between the builder (`net`) and the interpreter
    (reading `oracle_problem`'s equations, by default the same problem's)."""
    functions = functions or {}
    out = TF.forward(oracle_problem or problem, net, values, label)
    point, memo, rng, bad = _point(net, values), {}, random.Random(seed), []
    num = lambda e: _number(e, point, functions, memo)  # noqa: E731
    where = f"{problem.id}[{','.join(c.label for _, c in net.spec.choices) or 'default'}] label={label}"
    for node in net.defined_nodes():
        built = net.value(node, None, label)
        mine = out[node].detach().numpy()
        if _canonical(built.shape) != _canonical(mine.shape):
            bad.append(f"{where} {node}: shape {built.shape} built, {mine.shape} interpreted")
            continue
        for k, (b, m) in enumerate(zip(built.reshape(-1), mine.reshape(-1))):
            if not _close(num(b), float(m)):
                bad.append(f"{where} {node} entry {k}: built {num(b)!r}, interpreted {float(m)!r}")
    loss_node = (problem.arch.loss, None)
    loss = out[loss_node]
    loss_expr = net.value(loss_node, None, label)[()]
    wrt = list(net.all_leaves()) + ([n for n in net.defined_nodes() if n != loss_node] if cuts else [])
    grads = torch.autograd.grad(loss, [values[n] if n in values else out[n] for n in wrt], allow_unused=True)
    for node, grad in zip(wrt, grads):
        shape = tuple(net.leaf_symbols(node).shape) if node in values else tuple(net.value(node, None, label).shape)
        expr = loss_expr if node in values else net.value(loss_node, node, label)[()]
        grad = torch.zeros(math.prod(shape), dtype=torch.float64) if grad is None else grad.reshape(-1)
        for k in _picks(math.prod(shape), rng):
            index = tuple(int(i) for i in np.unravel_index(k, shape))
            ours = num(net.differentiate(expr, node, index, label))
            if not _close(ours, grad[k].item()):
                bad.append(f"{where} dL/d{node}{index}: built {ours!r}, autograd {grad[k].item()!r}")
    return bad


def _labels(net):
    return list(range(net.label_classes())) if net.depends_on_label() else [None]


# ------------------------------------------------------------ every shipped problem
def test_every_shipped_problem_and_choice_is_covered():
    ids = {p for p, _ in CASES}
    assert ids == {p.id for p in load_catalogue()} and len(ids) >= 5
    assert all(_problem(p).arch.equations for p in ids)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ref, variant", CASES)
def test_builder_matches_torch(ref, variant, seed):
    problem = _problem(ref)
    net = problem.network(variant)
    for label in _labels(net):
        values = _draw(problem, net, random.Random(f"{ref}:{variant}:{seed}:{label}"), label)
        assert mismatches(problem, net, values, label, seed) == []


@pytest.mark.parametrize("ref, variant", CASES)
def test_points_reach_both_sides_of_every_kink(ref, variant):
    """Across the seeds (and labels) the random points put ReLU and max
    arguments on both sides of 0, so both branches are compared above."""
    problem = _problem(ref)
    net = problem.network(variant)
    kinks: list = []
    for seed in SEEDS:
        for label in _labels(net):
            values = _draw(problem, net, random.Random(f"{ref}:{variant}:{seed}:{label}"), label)
            TF.forward(problem, net, values, label, kinks)
    if kinks:
        every = torch.cat(kinks)
        assert bool((every > 0).any()) and bool((every < 0).any())


def test_worked_example_inputs_match_torch():
    """assignment1-ex2 at its given numbers: the seed's own loss, 0.49161."""
    problem = _problem("assignment1-ex2")
    net = problem.network()
    given = problem.numeric_inputs(net)
    values = {n: torch.tensor(np.vectorize(lambda s: float(given[s]), otypes=[float])(net.leaf_symbols(n)),
                              dtype=torch.float64, requires_grad=True) for n in net.all_leaves()}
    assert mismatches(problem, net, values) == []
    loss = TF.forward(problem, net, values)[(problem.arch.loss, None)].item()
    assert abs(loss - 0.49161) < 5e-6


def test_generic_standin_derivatives():
    """The stand-in's autograd derivatives against its closed form."""
    t = torch.linspace(-2, 2, 9, dtype=torch.float64)
    f0, f1, f2 = (TF.generic_standin("phi" + "'" * k) for k in range(3))
    h = 1e-5
    assert torch.allclose(f1(t), (f0(t + h) - f0(t - h)) / (2 * h), atol=1e-8)
    assert torch.allclose(f2(t), (f1(t + h) - f1(t - h)) / (2 * h), atol=1e-7)
    assert not torch.allclose(TF.generic_standin("f_1")(t), TF.generic_standin("f_2")(t))


# ------------------------------------------------------------ a problem written here, and negative controls
TINY = r"""
id = "tiny-logreg"
title = "a tiny sigmoid/BCE model with weight decay"
sizes = { d = 3 }
tensors = [
  { latex = 'x', shape = ["d"], role = "input" },
  { latex = 'y', shape = [], role = "target" },
  { latex = 'w', shape = ["d"], role = "parameter" },
  { latex = 'b', shape = [], role = "parameter" },
  { latex = '\lambda', shape = [], role = "constant", positive = true },
]
functions = { '\phi' = ["generic", "tanh", "relu"], '\sigma' = "sigmoid" }

[network]
forward = [
  'z = w^\top x + b',
  'h = \phi(z)',
  '\hat{y} = \sigma(h)',
  '\mathcal{L} = -y \ln \hat{y} - (1 - y) \ln (1 - \hat{y}) + \frac{\lambda}{2} \|w\|^2',
]
loss = '\mathcal{L}'
"""

# derivative applications (φ', σ'), every elementwise choice, trace, inner product
DERIVATIVES = r"""
id = "derivative-applications"
sizes = { d = 3 }
tensors = [{ latex = 'x', shape = ["d"], role = "input" }, { latex = 'w', shape = ["d"], role = "parameter" }]
functions = { '\phi' = ["generic", "tanh", "relu", "leaky-relu(0.2)", "softplus"], '\sigma' = "sigmoid" }

[network]
forward = [
  'u = w \odot x',
  "h = \\phi(u) + \\phi'(u) \\odot u",
  "s = \\sigma'(h)",
  '\mathcal{L} = \sum_{k=1}^{d} s_k + \text{tr}(h h^T) - \langle h, x \rangle',
]
loss = '\mathcal{L}'
"""

# a batch: softmax and log-softmax by columns, |.|, max of matrices, δ, cases, Frobenius norm
BATCH = r"""
id = "batch-mix"
sizes = { d = 2, C = 3, N = 4 }
tensors = [
  { latex = 'X', shape = ["d", "N"], role = "input" },
  { latex = 'Y', shape = ["C", "N"], role = "target" },
  { latex = 'W', shape = ["C", "d"], role = "parameter" },
  { latex = 'b', shape = ["C"], role = "parameter" },
  { latex = '\lambda', shape = [], role = "constant", positive = true },
]

[network]
forward = [
  'S = W X + b \mathbb{1}_N^T',
  'P = \text{softmax}(S)',
  'Q = \text{logsoftmax}(S)',
  'A = \text{abs}(S)',
  'M = \max(0, S - P)',
  '''\mathcal{L} = -\frac{1}{N} \sum_{n=1}^{N} \sum_{k=1}^{C} Y_{kn} Q_{kn} + \frac{\lambda}{2} \|W\|_F^2
     + \sum_{k=1}^{C} \sum_{n=1}^{N} (M_{kn} \mathbf{1}_k^n + A_{kn} P_{kn})
     + \sum_{k=1}^{C} \begin{cases} S_{k1} & S_{k1} > 0 \\ 2 S_{k1} & \text{otherwise} \end{cases}''',
]
loss = '\mathcal{L}'
side_conditions = ["one-hot"]
"""


def _tiny(tmp_path, text=TINY, name="tiny.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_problem(path)


@pytest.mark.parametrize("text, choices", [(TINY, 3), (DERIVATIVES, 5), (BATCH, 1)],
                         ids=["bce", "derivatives", "batch"])
def test_problems_written_here_match_torch(tmp_path, text, choices):
    problem = _tiny(tmp_path, text)
    assert len(problem.variants) == choices
    for variant in problem.variants:
        net = problem.network(variant)
        for seed in SEEDS:
            values = _draw(problem, net, random.Random(seed), None)
            assert mismatches(problem, net, values, None, seed) == []


def test_a_wrong_equation_is_caught(tmp_path):
    """The interpreter reading z = w^T x - b against the builder of z = w^T x + b."""
    problem = _tiny(tmp_path)
    wrong = _tiny(tmp_path, TINY.replace("'z = w^\\top x + b'", "'z = w^\\top x - b'"), "wrong.toml")
    assert wrong.arch.equations[0].body != problem.arch.equations[0].body
    net = problem.network("generic")
    values = _draw(problem, net, random.Random(5), None)
    assert mismatches(problem, net, values, None) == []
    found = mismatches(problem, net, values, None, oracle_problem=wrong)
    assert any("('z', None)" in m for m in found) and any("dL/d" in m for m in found)


def test_a_wrong_function_is_caught(tmp_path, monkeypatch):
    """The interpreter with another generic stand-in: every value from φ on differs."""
    problem = _tiny(tmp_path)
    net = problem.network("generic")
    values = _draw(problem, net, random.Random(6), None)
    standin = TF.generic_standin
    monkeypatch.setattr(TF, "generic_standin", lambda name: standin(name.replace("phi", "other")))
    found = mismatches(problem, net, values, None, functions={"phi": standin("phi"), "phi'": standin("phi'")})
    assert any("('h', None)" in m for m in found) and not any("('z', None) entry" in m for m in found)


def test_a_wrong_derivative_is_caught(tmp_path):
    """The builder's φ' evaluated as something else: values agree, gradients don't."""
    problem = _tiny(tmp_path)
    net = problem.network("generic")
    values = _draw(problem, net, random.Random(7), None)
    found = mismatches(problem, net, values, None, functions={"phi'": lambda t: 1 + 0 * t})
    assert found and all("dL/d" in m for m in found)


def test_unsupported_meaning_fails_loudly(tmp_path):
    from symbackprop.notation import meaning as M
    problem = _tiny(tmp_path)
    net = problem.network("generic")
    q = M.Quantity("x", None, "x")
    interp = TF._Interpreter(problem, net, {("x", None): torch.zeros(3, dtype=torch.float64)}, None, None)
    with pytest.raises(NotImplementedError):
        interp.ev(M.Deriv(q, q), {})
