"""Activations and losses, each beside its derivative and side conditions.

Everything is a symengine expression.  Three function symbols carry meaning:

- `Exp(u)`: the exponential, kept opaque so that symengine never merges
  e^a e^b into e^{a+b} (the merged form would escape the zero test's atoms).
  Local derivative: Exp' = Exp.
- `H(u)`: the step 1{u > 0}.  ReLU is u·H(u); its local derivative is 0
  (almost everywhere), so d/du relu(u) = H(u), which also gives the course's
  convention relu'(0) = 0.
- any other undefined function (`phi`, `f_1`, ...): a *generic* activation,
  whose derivative is the function named with a prime (`phi'`).  A proof
  with it holds for every differentiable activation.

`normalize` rewrites what symengine's `diff` produces (Derivative and Subs
objects) into those forms, so a derivative is again a plain expression.
"""

from __future__ import annotations

import functools

import symengine as se

__all__ = ["Exp", "H", "generic", "derivative_of", "relu", "tanh", "sigmoid", "named", "normalize", "is_fn",
           "softmax", "cross_entropy_lse", "cross_entropy", "mse", "hinge", "ACTIVATIONS"]

Exp = se.Function("Exp")
H = se.Function("H")
ACTIVATIONS = ("relu", "generic", "identity")


@functools.lru_cache(maxsize=None)
def generic(name: str):
    """The undefined function `name`; its derivative is `name'`."""
    return se.Function(name)


def derivative_of(name: str) -> str:
    return name + "'"


def relu(u):
    """max(0, u) = u · 1{u > 0}."""
    return u * H(u)


def is_fn(expr, name: str | None = None) -> bool:
    if not isinstance(expr, se.FunctionSymbol):
        return False
    return name is None or expr.get_name() == name


def _local_derivative(fname: str, arg):
    """d/du f(u) for the function symbols above: Exp' = Exp, H' = 0 a.e.,
    generic f' is the function f'.  A second derivative of a generic
    function is a new generic function f''."""
    if fname == "Exp":
        return Exp(arg)
    if fname == "H":
        return se.Integer(0)
    return generic(derivative_of(fname))(arg)


def normalize(expr):
    """Replace Derivative(f(x), x) and Subs(Derivative(f(_xi), _xi), _xi, u)
    by the local derivative of f at u.  Leaves everything else untouched.
    The search and the replacement both run in symengine's C++ core."""
    found = expr.atoms(se.Subs, se.Derivative)
    if not found:
        return expr
    mapping = {}
    for d in found:
        if isinstance(d, se.Subs):
            mapping[d] = _local_from_subs(d)
        elif not d.free_symbols <= _dummies(d):
            mapping[d] = _local_from_derivative(d)
    out = expr.subs(mapping)
    # a point of evaluation could itself hold a derivative (never for first
    # derivatives of our networks): go round again until none is left
    return normalize(out) if out.atoms(se.Subs, se.Derivative) else out


def _dummies(d) -> set:
    """The bound variable of a Derivative inside a Subs (it names no input)."""
    return {s for s in d.free_symbols if str(s).startswith("_xi")}


def _local_from_subs(expr):
    inner, variables, points = expr.args
    if isinstance(inner, se.Derivative):
        fn, *wrt = inner.args
        if len(wrt) == 1 and isinstance(fn, se.FunctionSymbol) and len(fn.args) == 1 and fn.args[0] == wrt[0]:
            point = points[0] if isinstance(points, (tuple, list)) else points
            return _local_derivative(fn.get_name(), point)
    raise NotImplementedError(f"cannot normalize {expr}")


def _local_from_derivative(expr):
    fn, *wrt = expr.args
    if len(wrt) == 1 and isinstance(fn, se.FunctionSymbol) and len(fn.args) == 1 and fn.args[0] == wrt[0]:
        return _local_derivative(fn.get_name(), fn.args[0])
    raise NotImplementedError(f"cannot normalize {expr}")


# ------------------------------------------------- named elementwise functions
# tanh and the logistic sigmoid, built from the opaque Exp so the zero test
# reads them as rational functions of its exponential atoms (e^{-u} = (e^u)^{-1}).
def tanh(u):
    """(e^u - e^{-u}) / (e^u + e^{-u})."""
    return (Exp(u) - Exp(-u)) / (Exp(u) + Exp(-u))


def sigmoid(u):
    """1 / (1 + e^{-u})."""
    return 1 / (1 + Exp(-u))


_NAMED = {"exp": Exp, "log": se.log, "tanh": tanh, "sigmoid": sigmoid}


@functools.lru_cache(maxsize=None)
def _named_derivative(name: str, order: int):
    u = se.Symbol("_named_u")
    expr = _NAMED[name](u)
    for _ in range(order):
        expr = normalize(se.diff(expr, u))
    return u, expr


def named(name: str, order: int = 0):
    """exp, log, tanh or sigmoid, differentiated `order` times, as a function
    of one argument: named("tanh", 1)(u) = 1 - tanh(u)^2 (in Exp form)."""
    if order == 0:
        return _NAMED[name]
    u, expr = _named_derivative(name, order)
    return lambda arg: expr.subs({u: arg})


# ----------------------------------------------------------------- losses
def softmax(logits: list) -> list:
    """softmax(t)_i = e^{t_i} / Σ_k e^{t_k}, built from Exp (no hand Jacobian)."""
    exps = [Exp(t) for t in logits]
    total = se.Add(*exps)
    return [e / total for e in exps]


def cross_entropy_lse(logits: list, targets: list):
    """-Σ_i y_i log softmax(t)_i, written with log(e^u/S) = u - log S so the
    exponentials stay atoms: -Σ y_i t_i + (Σ_i y_i) log Σ_k e^{t_k}.
    Side condition for the familiar δ = ŷ - y: Σ_i y_i = 1."""
    lse = se.log(se.Add(*[Exp(t) for t in logits]))
    return -se.Add(*[y * t for y, t in zip(targets, logits)]) + se.Add(*targets) * lse


def cross_entropy(probs: list, targets: list):
    """-Σ_i y_i log p_i, for a graph cut at the probabilities."""
    return -se.Add(*[y * se.log(p) for y, p in zip(targets, probs)])


def mse(outputs: list, targets: list, batch: int):
    """1/(2N) ||Y_out - Y_gt||_F^2 over all entries."""
    return se.Rational(1, 2 * batch) * se.Add(*[(o - t) ** 2 for o, t in zip(outputs, targets)])


def hinge(probs: list, label: int, margin):
    """Σ_{l ≠ y} max(0, p_l - p_y + margin), label y 0-based here."""
    return se.Add(*[relu(p - probs[label] + margin) for l, p in enumerate(probs) if l != label])
