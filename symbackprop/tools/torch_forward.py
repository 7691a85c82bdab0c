"""A second, independent reading of a problem's forward equations, in PyTorch.

The engine builds a network by evaluating the meaning trees of the forward
equations into symengine expressions (evaluate.py).  This module reads the
same trees and computes them with torch float64 ops, written from the
mathematics and not from the evaluator, so a test can hold the builder against
it: the value of every defined name and, by autograd, the loss's gradient.
It reads only the architecture and the instance's sizes and function choices.

A *generic* function becomes a fixed smooth stand-in, one per generic name
(`phi`, `f_1`, `f_2` differ, so swapping two layers' functions can't hide);
derivative applications (`phi'`, `relu'`) are autograd of the function.
Anything else raises NotImplementedError, so a test fails loudly.
"""

from __future__ import annotations

import zlib

try:   # PyTorch is the optional `oracle` extra: without it this module is never used (crosscheck checks first)
    import torch
except ImportError:  # pragma: no cover - exercised on a machine without torch
    torch = None

from symbackprop import registry as R
from symbackprop.notation import meaning as M

__all__ = ["forward", "generic_standin", "derivative", "squeeze"]


def generic_standin(name: str):
    """The stand-in for the generic function `name` (primes stripped first):
    t -> tanh(a t) + b t, smooth, monotone and odd, with (a, b) fixed by the name."""
    h = zlib.crc32(name.rstrip("'").encode())
    a, b = 0.7 + (h % 7) / 10, 0.3 + (h // 7 % 5) / 10
    f = lambda t: torch.tanh(a * t) + b * t  # noqa: E731
    return derivative(f, len(name) - len(name.rstrip("'")))


def derivative(f, order: int):
    """f^(order) of an elementwise torch f, by autograd, itself differentiable (create_graph)."""
    if order == 0:
        return f
    g = derivative(f, order - 1)

    def d(u):
        x = u if u.requires_grad else u.detach().requires_grad_(True)
        with torch.enable_grad():
            y = g(x)
            if not y.requires_grad:  # a step: flat wherever it is differentiable
                return torch.zeros_like(u)
            (grad,) = torch.autograd.grad(y.sum(), x, create_graph=True, allow_unused=True)
        return torch.zeros_like(u) if grad is None else grad
    return d


def _scalar(x):
    return torch.tensor(float(x), dtype=torch.float64)


def squeeze(t):
    """A canonical shape: a column (n, 1) is a vector, anything of one entry a scalar."""
    if t.dim() in (1, 2) and t.numel() == 1:
        return t.reshape(())
    if t.dim() == 2 and t.shape[1] == 1:
        return t[:, 0]
    return t


def forward(problem, net, values: dict, label: int | None = None, kinks: list | None = None) -> dict:
    """Every defined node of `net` -> its torch value, from leaf values (node ->
    float64 tensor); `label` is the class label, 0-based.  A list `kinks`
    receives the arguments of every kink met (ReLU, max, |.|, comparisons)."""
    if torch is None:
        raise RuntimeError("the PyTorch oracle needs torch: pip install torch==2.13.0 (the CPU build)")
    if problem.arch.label_var is not None and label is None:
        raise ValueError(f"{problem.id} depends on the class label {problem.arch.label_var}: pass label=")
    return _Interpreter(problem, net, values, label, kinks).run()


class _Interpreter:
    def __init__(self, problem, net, values, label, kinks):
        self.problem, self.arch, self.net, self.L = problem, problem.arch, net, net.L
        self.leaves = dict(values)
        self.label, self.kinks = label, kinks
        self.out: dict = {}
        self.busy: set = set()
        self.recording: list | None = None   # (index variable, axis size) of every entry taken

    def run(self) -> dict:
        for eq in self.arch.equations:  # every instance, dependencies first (layered equations interleave)
            for layer in self._span(eq.layers):
                self.node((eq.family, layer))
        return dict(self.out)

    def _span(self, layers) -> list:
        return [None] if layers is None else list(range(layers.lo.value({"L": self.L}),
                                                        layers.hi.value({"L": self.L}) + 1))

    def node(self, node):
        if node in self.leaves:
            return self.leaves[node]
        if node in self.out:
            return self.out[node]
        eqs = [e for e in self.arch.equations if e.family == node[0] and node[1] in self._span(e.layers)]
        if len(eqs) != 1:
            raise ValueError(f"{node} is defined by {len(eqs)} equations" if eqs else f"{node} is not defined")
        if node in self.busy:
            raise ValueError(f"{node} is defined in terms of itself")
        self.busy.add(node)
        env = {eqs[0].layer_var: node[1]} if eqs[0].layer_var else {}
        if self.arch.label_var is not None:
            env[self.arch.label_var] = self.label + 1
        self.out[node] = self.ev(eqs[0].body, env)
        self.busy.discard(node)
        return self.out[node]

    # ------------------------------------------------------------ the meaning tree
    def ev(self, n, env):
        method = getattr(self, "_" + type(n).__name__, None)
        if method is None:
            raise NotImplementedError(f"the torch interpreter can't read {type(n).__name__} ({n.text!r})")
        return method(n, env)

    def _layer(self, lin, env):
        return None if lin is None else lin.value({"L": self.L, **env})

    def _Quantity(self, n, env):
        return self.node((n.family, self._layer(n.layer, env)))

    def _DefRef(self, n, env):
        var, body = self.problem.definitions[n.name]
        return self.ev(body, env if var is None else {**env, var: self._layer(n.layer, env)})

    def _Size(self, n, env):
        return _scalar(self.net.size(n.kind, self._layer(n.layer, env)))

    def _Number(self, n, env):
        return _scalar(n.value)

    def _Ones(self, n, env):
        return torch.ones(int(self.ev(n.size, env)), dtype=torch.float64)

    def _index(self, idx: M.Idx, env) -> int:
        if idx.var is not None and idx.var not in env:
            raise ValueError(f"index {idx.var} is not bound")
        return idx.fixed if idx.var is None else env[idx.var] + idx.offset

    def _Entry(self, n, env):
        base = self.ev(n.base, env)
        if base.dim() == 2 and base.shape[0] == 1 and len(n.indices) == 1:
            base = base[0]  # one index into a row
        if len(n.indices) != base.dim():
            raise ValueError(f"{n.text}: {len(n.indices)} indices into a tensor of shape {tuple(base.shape)}")
        key = []
        for idx, size in zip(n.indices, base.shape):
            if idx.all:
                key.append(slice(None))
                continue
            if idx.var is not None and self.recording is not None:
                self.recording.append((idx.var, size))
            i = self._index(idx, env)
            if not 1 <= i <= size:
                raise ValueError(f"{n.text}: index {i} out of 1..{size}")
            key.append(i - 1)
        return base[tuple(key)]

    def _Transpose(self, n, env):  # a vector is a column: its transpose a row, and back
        a = self.ev(n.operand, env)
        if a.dim() == 1:
            return a.reshape(1, -1)
        return (a[0] if a.shape[0] == 1 else a.T) if a.dim() == 2 else a

    def _Neg(self, n, env):
        return -self.ev(n.operand, env)

    def _Norm(self, n, env):
        return torch.sqrt((self.ev(n.operand, env) ** 2).sum())

    def _Add(self, n, env):
        a, b = squeeze(self.ev(n.left, env)), squeeze(self.ev(n.right, env))
        if a.shape != b.shape and a.dim() and b.dim():
            if a.dim() == 2 and b.dim() == 1 and a.shape[0] == b.shape[0]:
                b = b[:, None]   # a bias added to every column
            elif b.dim() == 2 and a.dim() == 1 and a.shape[0] == b.shape[0]:
                a = a[:, None]
            else:
                raise ValueError(f"{n.text}: can't add shapes {tuple(a.shape)} and {tuple(b.shape)}")
        return squeeze(a + b if n.sign > 0 else a - b)

    def _Mul(self, n, env):
        a, b = self.ev(n.left, env), self.ev(n.right, env)
        if a.dim() == 0 or b.dim() == 0:
            return a * b
        if n.dot and squeeze(a).dim() <= 1 and squeeze(b).dim() <= 1:
            if a.numel() != b.numel():
                raise ValueError(f"{n.text}: dot product of lengths {a.numel()} and {b.numel()}")
            return (a.reshape(-1) * b.reshape(-1)).sum()
        left = a if a.dim() == 2 else a[:, None]
        right = b if b.dim() == 2 else b[:, None]
        if left.shape[1] != right.shape[0]:
            raise ValueError(f"{n.text}: can't multiply {tuple(a.shape)} by {tuple(b.shape)}")
        return squeeze(left @ right)

    def _Hadamard(self, n, env):
        a, b = squeeze(self.ev(n.left, env)), squeeze(self.ev(n.right, env))
        if a.shape != b.shape and a.dim() and b.dim():
            raise ValueError(f"{n.text}: ⊙ of shapes {tuple(a.shape)} and {tuple(b.shape)}")
        return a / b if n.divide else a * b

    def _Div(self, n, env):
        a, b = self.ev(n.num, env), squeeze(self.ev(n.den, env))
        if b.dim():
            raise ValueError(f"{n.text}: division by a non-scalar")
        return a / b

    def _Power(self, n, env):
        e = squeeze(self.ev(n.exponent, env))
        if isinstance(n.base, M.Norm):  # ‖A‖^e = (Σ a²)^(e/2)
            return (self.ev(n.base.operand, env) ** 2).sum() ** (e / 2)
        a = squeeze(self.ev(n.base, env))
        if a.dim() or e.dim():
            raise ValueError(f"{n.text}: a power of a non-scalar")
        return a ** e

    def _Inner(self, n, env):
        a, b = squeeze(self.ev(n.left, env)), squeeze(self.ev(n.right, env))
        if a.shape != b.shape:
            raise ValueError(f"{n.text}: ⟨A, B⟩ of shapes {tuple(a.shape)} and {tuple(b.shape)}")
        return (a * b).sum()

    def _Trace(self, n, env):
        a = squeeze(self.ev(n.operand, env))
        if a.dim() and (a.dim() != 2 or a.shape[0] != a.shape[1]):
            raise ValueError(f"{n.text}: trace of shape {tuple(a.shape)}")
        return torch.diagonal(a).sum() if a.dim() else a

    def _Literal(self, n, env):
        return torch.stack([torch.stack([squeeze(self.ev(c, env)) for c in row]) for row in n.rows])

    # ------------------------------------------------------------ sums and indicators
    def _SumOver(self, n, env):
        if n.upper is not None:
            lo = int(self.ev(n.lower, env)) if n.lower is not None else 1
            values = range(lo, int(self.ev(n.upper, env)) + 1)
        elif n.lower is not None:
            raise NotImplementedError(f"{n.text}: a sum with a lower bound and no upper one")
        else:  # the range is the size of every axis the variable indexes
            saved, self.recording = self.recording, []
            try:
                self.ev(n.body, {**env, n.var: 1})
                sizes = {size for var, size in self.recording if var == n.var}
            finally:
                self.recording = saved
            if len(sizes) != 1:
                raise ValueError(f"{n.text}: the range of {n.var} is {sorted(sizes) or 'unknown'}")
            values = range(1, sizes.pop() + 1)
        skip = self._index(n.exclude, env) if n.exclude is not None else None
        terms = [squeeze(self.ev(n.body, {**env, n.var: v})) for v in values if v != skip]
        return torch.stack(terms).sum(0) if terms else _scalar(0)

    def _Kron(self, n, env):
        return _scalar(self._index(n.a, env) == self._index(n.b, env))

    def _IndexValue(self, n, env):
        return _scalar(self._index(n.idx, env))

    _RELATIONS = {">": torch.gt, "<": torch.lt, ">=": torch.ge, "<=": torch.le, "=": torch.eq, "!=": torch.ne}

    def _Cond(self, n, env):
        a, b = squeeze(self.ev(n.left, env)), squeeze(self.ev(n.right, env))
        if n.rel not in self._RELATIONS:
            raise NotImplementedError(f"{n.text}: the relation {n.rel}")
        self._kink(a - b)
        return self._RELATIONS[n.rel](a, b).to(torch.float64)

    def _Piecewise(self, n, env):
        total, none_yet = 0, 1
        for value, cond in n.rows:
            c = self.ev(cond, env) if cond is not None else none_yet
            total = total + self.ev(value, env) * (none_yet * c if cond is not None else c)
            none_yet = none_yet * (1 - c) if cond is not None else 0
        if torch.is_tensor(none_yet) and bool((none_yet != 0).any()):
            raise ValueError(f"{n.text}: no case applies")
        return squeeze(total)

    def _kink(self, u):
        if self.kinks is not None:
            self.kinks.append(u.detach().reshape(-1))

    # ------------------------------------------------------------ functions
    def _Apply(self, n, env):
        base = n.fn.rstrip("'")
        order = len(n.fn) - len(base)
        args = [squeeze(self.ev(a, env)) for a in n.args]
        if base.startswith("@"):
            choice, name = self._choice(base[1:], self._layer(n.layer, env))
        else:
            choice, name = R.Choice(base), base
        if choice.builtin == R.GENERIC:
            fn = generic_standin(name + "'" * order)
        else:
            entry = R.lookup(choice.builtin)
            if entry is None or entry.torch is None:
                raise NotImplementedError(f"{n.text}: no torch form for {choice.builtin}")
            if entry.arity != len(args):
                raise ValueError(f"{n.text}: {entry.name} takes {entry.arity} arguments")
            if entry.kink or (entry.elementwise and entry.max_order == 0):  # a ReLU, max, |.|, a step
                self._kink(args[0] - args[1] if entry.arity == 2 else args[0])
            if entry.arity == 2 and order == 0:
                a, b = torch.broadcast_tensors(*args)
                return entry.torch(torch, a, b)
            if not entry.elementwise and order:
                raise NotImplementedError(f"{n.text}: a derivative of the vector function {entry.name}")
            p = choice.parameter if choice.parameter is not None else entry.parameter
            fn = derivative(lambda t: entry.torch(torch, t, None if p is None else float(p)), order)
        if len(args) != 1:
            raise ValueError(f"{n.text}: {n.fn} takes one argument")
        return fn(args[0])

    def _choice(self, key: str, layer):
        """(choice, generic name) of the problem's function `key` at `layer`:
        a per-layer fixed choice, else the instance's pick, else the default."""
        decl = self.arch.functions[key]
        name = f"{key}_{layer}" if decl.per_layer else key
        if layer in decl.by_layer:
            return decl.by_layer[layer], name
        picked = dict(self.net.spec.choices).get(key)
        if picked is None and not decl.choices:
            raise ValueError(f"no function {key} at layer {layer}")
        return picked or decl.choices[0], name
