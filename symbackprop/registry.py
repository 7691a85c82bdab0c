"""The one registry of functions a problem may use.

Every built-in is one `Builtin` entry: how it is written (`\\tanh`,
`\\text{ReLU}`), its forward rule as a symengine expression in the engine's
primitives (the opaque exponential `Exp`, the step `H`, `log`), how many
derivatives have an elementwise meaning, and its PyTorch form.  Derivatives
are never tabled: they are computed from the forward rule (and `H' = 0`,
`Exp' = Exp`), so relu'(0) = 0 and leaky'(0) = slope fall out of the forward
rules, as PyTorch defines them.  The zero test, the exact and interval
evaluators and the reports only see the primitives, so a new built-in needs
no change anywhere else.

A *generic* function (`\\phi` declared `"generic"`) is opaque: a proof with it
holds for every differentiable function; its derivatives are the functions
named with primes (`phi'`, `phi''`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np
import symengine as se

from symbackprop import primitives as prim

__all__ = ["Builtin", "BUILTINS", "WORDS", "COMMANDS", "lookup", "parse_choice", "Choice", "GENERIC",
           "elementwise_of", "primitives_used"]


@dataclass(frozen=True)
class Builtin:
    name: str
    words: tuple[str, ...] = ()        # \text{..}/\operatorname{..} spellings
    commands: tuple[str, ...] = ()     # TeX commands: \exp, \tanh
    max_order: int = 0                 # derivatives with an elementwise meaning
    forward: Callable | None = None    # (u, parameter) -> expression; None: not elementwise
    torch: Callable | None = None      # (torch, tensor, parameter) -> tensor
    kink: bool = False                 # not differentiable at 0: proofs may hold almost everywhere
    tex: str = ""
    meaning: str = ""                  # one line for `problem show`
    parameter: Fraction | None = None  # leaky relu's default slope
    array: Callable | None = None      # not elementwise: (list of arrays) -> array, or a str why not
    arity: int = 1
    display: str = ""                  # how a verdict names it ("ReLU")
    indexed: bool = False              # a vector function: softmax_k(z) means softmax(z)_k
    construct: str = ""                # read as a construct of the notation instead ("trace")

    def __post_init__(self):
        if not self.display:
            object.__setattr__(self, "display", self.name)

    @property
    def elementwise(self) -> bool:
        return self.forward is not None


def _torch_fn(name):
    return lambda torch, t, a: getattr(torch, name)(t)


def _softmax(torch, t, a):
    return torch.softmax(t, dim=0)


def _log_softmax(torch, t, a):
    return torch.log_softmax(t, dim=0)


def _columns(fn):
    """A vector function of a vector, or of each column of a matrix (a batch)."""
    def apply(args):
        (v,) = args
        if v.ndim <= 1:   # a one-entry vector may arrive as a scalar
            return np.array(fn(list(v.flat)), dtype=object).reshape(v.shape)
        if v.ndim == 2:
            out = np.empty(v.shape, dtype=object)
            for j in range(v.shape[1]):
                out[:, j] = fn(list(v[:, j]))
            return out
        raise ValueError("needs a vector (or a matrix, column by column)")
    return apply


def _softmax_list(values):
    exps = [prim.Exp(t) for t in values]
    total = se.Add(*exps)
    return [e / total for e in exps]


def _log_softmax_list(values):
    lse = se.log(se.Add(*[prim.Exp(t) for t in values]))
    return [t - lse for t in values]


def _max(args):
    """max(a, b) = b + ReLU(a - b); max(0, m) = ReLU(m) exactly, so its
    derivative is 1{m > 0}."""
    a, b = args
    relu = BUILTINS["relu"].forward
    if a.shape == () and a[()] == 0:
        return _map(lambda u: relu(u, None), b)
    if b.shape == () and b[()] == 0:
        return _map(lambda u: relu(u, None), a)
    if a.shape != b.shape and a.shape != () and b.shape != ():
        raise ValueError("max needs equal shapes")
    return b + _map(lambda u: relu(u, None), a - b)


def _diag(args):
    (v,) = args
    if v.ndim != 1:
        raise ValueError("diag needs a vector")
    out = np.full((v.shape[0], v.shape[0]), se.Integer(0), dtype=object)
    for i, x in enumerate(v):
        out[i, i] = x
    return out


def _map(fn, a):
    a = np.asarray(a, dtype=object)
    out = np.empty(a.shape, dtype=object)
    for i in np.ndindex(*a.shape):
        out[i] = fn(a[i])
    return out


BUILTINS = {b.name: b for b in [
    Builtin("identity", ("id", "identity"), (), 2, lambda u, a: u, lambda torch, t, a: t,
            tex=r"\mathrm{id}", meaning="the identity, u"),
    Builtin("relu", ("relu", "ReLU", "Relu", "RELU"), (), 1, lambda u, a: u * prim.H(u), _torch_fn("relu"),
            kink=True, tex=r"\mathrm{ReLU}", meaning="max(0, u); ReLU'(0) = 0", display="ReLU"),
    Builtin("leaky-relu", ("LeakyReLU", "leakyrelu", "lrelu", "LReLU"), (), 1,
            lambda u, a: u * (a + (1 - a) * prim.H(u)),
            lambda torch, t, a: torch.nn.functional.leaky_relu(t, float(a)),
            kink=True, tex=r"\mathrm{LeakyReLU}", meaning="u for u > 0, slope·u otherwise; derivative slope at 0",
            parameter=Fraction(1, 100), display="LeakyReLU"),
    Builtin("sigmoid", ("sigmoid", "sigm", "Sigmoid"), (), 2, lambda u, a: prim.sigmoid(u), _torch_fn("sigmoid"),
            tex=r"\sigma", meaning="the logistic sigmoid 1/(1 + e^{-u})"),
    Builtin("tanh", ("tanh",), ("tanh",), 2, lambda u, a: prim.tanh(u), _torch_fn("tanh"),
            tex=r"\tanh", meaning="the hyperbolic tangent"),
    Builtin("softplus", ("softplus", "Softplus"), (), 2, lambda u, a: se.log(1 + prim.Exp(u)),
            lambda torch, t, a: torch.nn.functional.softplus(t),
            tex=r"\mathrm{softplus}", meaning="ln(1 + e^u)"),
    Builtin("exp", ("exp",), ("exp",), 2, lambda u, a: prim.Exp(u), _torch_fn("exp"),
            tex=r"\exp", meaning="the exponential"),
    Builtin("log", ("log", "ln"), ("ln", "log"), 2, lambda u, a: prim.log(u), _torch_fn("log"),
            tex=r"\ln", meaning="the natural logarithm"),
    Builtin("abs", ("abs",), (), 1, lambda u, a: u * (prim.H(u) - prim.H(-u)), _torch_fn("abs"),
            kink=True, tex=r"|\cdot|", meaning="|u|; derivative sign(u), 0 at 0"),
    Builtin("step", (), (), 0, lambda u, a: prim.H(u), lambda torch, t, a: (t > 0).to(t.dtype),
            tex=r"\mathbb{1}", meaning="1{u > 0}"),
    Builtin("softmax", ("softmax", "Softmax"), ("softmax",), 0, None, _softmax,
            tex=r"\mathrm{softmax}", meaning="softmax(t)_i = e^{t_i} / Σ_k e^{t_k} (a vector function)",
            array=_columns(_softmax_list), indexed=True),
    Builtin("log-softmax", ("logsoftmax", "LogSoftmax", "log_softmax"), (), 0, None, _log_softmax,
            tex=r"\log\mathrm{softmax}", meaning="t_i − ln Σ_k e^{t_k} (a vector function)",
            array=_columns(_log_softmax_list), indexed=True),
    Builtin("max", ("max",), ("max",), 0, None, lambda torch, a, b: torch.maximum(a, b), kink=True, tex=r"\max",
            meaning="max(a, b) = b + ReLU(a − b)", array=_max, arity=2),
    Builtin("tr", ("tr", "Tr", "trace"), ("tr",), 0, None, None, tex=r"\operatorname{tr}", meaning="the trace",
            construct="trace"),
    Builtin("diag", ("diag",), (), 0, None, lambda torch, t, a: torch.diag(t), tex=r"\operatorname{diag}",
            meaning="the diagonal matrix of a vector", array=_diag),
]}

GENERIC = "generic"

WORDS = {w: b.name for b in BUILTINS.values() for w in b.words}
COMMANDS = {c: b.name for b in BUILTINS.values() for c in b.commands}


def is_step(expr) -> bool:
    """Is `expr` an application of the step primitive 1{u > 0}?"""
    return isinstance(expr, se.FunctionSymbol) and expr.get_name() == "H"


def is_exp(expr) -> bool:
    """Is `expr` an application of the (opaque) exponential primitive?"""
    return isinstance(expr, se.FunctionSymbol) and expr.get_name() == "Exp"


def lookup(name: str) -> Builtin | None:
    return BUILTINS.get(name)


@dataclass(frozen=True)
class Choice:
    """One meaning a problem's function name may take: a built-in (maybe with
    a parameter, `leaky-relu(1/10)`) or `generic`."""
    builtin: str
    parameter: Fraction | None = None

    @property
    def label(self) -> str:
        if self.parameter is None or self.parameter == BUILTINS[self.builtin].parameter:
            return self.builtin
        return f"{self.builtin}({self.parameter})"

    @property
    def entry(self) -> Builtin | None:
        return BUILTINS.get(self.builtin)


def parse_choice(text: str) -> Choice:
    """`relu`, `generic`, `leaky-relu`, `leaky-relu(0.2)` -> Choice; ValueError names what is known."""
    text = text.strip()
    name, _, rest = text.partition("(")
    name = name.strip().lower().replace("_", "-").replace(" ", "-")
    name = {"leaky": "leaky-relu", "leakyrelu": "leaky-relu", "logsoftmax": "log-softmax", "ln": "log",
            "id": "identity", "linear": "identity", "logistic": "sigmoid"}.get(name, name)
    if name != GENERIC and name not in BUILTINS:
        raise ValueError(f"unknown function {text!r}")
    entry = BUILTINS.get(name)
    parameter = entry.parameter if entry else None
    if rest:
        if not rest.endswith(")") or entry is None or entry.parameter is None:
            raise ValueError(f"{name} takes no parameter: {text!r}")
        try:
            parameter = Fraction(rest[:-1].strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"bad parameter in {text!r}: write a number, as in leaky-relu(0.01)") from None
    return Choice(name, parameter)


@functools.lru_cache(maxsize=None)
def _derivative(name: str, parameter: Fraction | None, order: int):
    u = se.Symbol("_registry_u")
    parameter = parameter if parameter is not None else BUILTINS[name].parameter
    a = se.Rational(parameter.numerator, parameter.denominator) if parameter is not None else None
    expr = BUILTINS[name].forward(u, a)
    for _ in range(order):
        expr = prim.normalize(se.diff(expr, u))
    return u, expr


@functools.lru_cache(maxsize=None)
def primitives_used(name: str) -> frozenset:
    """Which primitives a built-in's forward rule is made of: "exp" (the
    exponential or a log), "step" (a kink).  For saying how a proof went."""
    entry = BUILTINS[name]
    found = set()
    if entry.kink:
        found.add("step")
    u, v = se.Symbol("_probe_u"), se.Symbol("_probe_v")
    if entry.forward is not None:
        exprs = [entry.forward(u, se.Rational(1, 10) if entry.parameter is not None else None)]
    elif entry.array is not None and entry.arity == 1:
        exprs = list(entry.array([np.array([u, v], dtype=object)]).flat)
    else:
        exprs = []
    for e in exprs:
        if any(prim.is_exp(f) for f in e.atoms(se.FunctionSymbol)) or e.atoms(se.log):
            found.add("exp")
        if any(prim.is_step(f) for f in e.atoms(se.FunctionSymbol)):
            found.add("step")
    return frozenset(found)


def elementwise_of(choice: Choice, order: int = 0, generic_name: str = "") -> Callable:
    """The scalar function u -> f^(order)(u) for a choice (a generic one is
    the opaque function `generic_name` with `order` primes)."""
    if choice.builtin == GENERIC:
        return prim.generic(generic_name + "'" * order)
    entry = BUILTINS[choice.builtin]
    if entry.forward is None:
        raise ValueError(f"{choice.builtin} is not an elementwise function")
    if order > entry.max_order:
        raise ValueError(f"{choice.builtin} has no elementwise derivative of order {order}")
    if order == 0:   # the forward rule on the argument itself (ln simplifies ln(e^a / S) as it builds)
        parameter = choice.parameter if choice.parameter is not None else entry.parameter
        a = se.Rational(parameter.numerator, parameter.denominator) if parameter is not None else None
        return lambda arg: entry.forward(arg, a)
    u, expr = _derivative(choice.builtin, choice.parameter, order)
    return lambda arg: expr.subs({u: arg})


