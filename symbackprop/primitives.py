"""The engine's primitives: what every network expression is built from.

Everything is a symengine expression over three kinds of function symbol:

- `Exp(u)`: the exponential, kept opaque so that symengine never merges
  e^a e^b into e^{a+b} (the merged form would escape the zero test's atoms).
  Local derivative: Exp' = Exp.
- `H(u)`: the step 1{u > 0}.  ReLU is u·H(u); its local derivative is 0
  (almost everywhere), so d/du relu(u) = H(u), which also gives the course's
  convention relu'(0) = 0.
- any other undefined function (`phi`, `f_1`, ...): a *generic* function,
  whose derivative is the function named with a prime (`phi'`).  A proof
  with it holds for every differentiable function.

Every built-in of the registry is written in these (and `log`), so the zero
test, the exact and interval evaluators, the chain rule and the reports ask
only `is_exp`, `is_step`, `is_generic` here — never a function's name.
`normalize` rewrites what symengine's `diff` produces (Derivative and Subs
objects) into those forms, so a derivative is again a plain expression.
"""

from __future__ import annotations

import functools

import symengine as se

__all__ = ["Exp", "H", "generic", "derivative_of", "is_exp", "is_step", "is_generic", "local_derivative",
           "normalize", "tanh", "sigmoid", "log", "certainly_positive"]

Exp = se.Function("Exp")
H = se.Function("H")


@functools.lru_cache(maxsize=None)
def generic(name: str):
    """The undefined function `name`; its derivative is `name'`."""
    return se.Function(name)


def derivative_of(name: str) -> str:
    return name + "'"


def is_exp(expr) -> bool:
    """An application of the opaque exponential."""
    return isinstance(expr, se.FunctionSymbol) and expr.get_name() == "Exp"


def is_step(expr) -> bool:
    """An application of the step 1{u > 0}."""
    return isinstance(expr, se.FunctionSymbol) and expr.get_name() == "H"


def is_generic(expr) -> bool:
    """An application of a generic (opaque, differentiable) function."""
    return isinstance(expr, se.FunctionSymbol) and not is_exp(expr) and not is_step(expr)


def local_derivative(fn, arg):
    """d/du f(u) at `arg` for an application `fn` of a primitive: Exp' = Exp,
    H' = 0 almost everywhere, a generic f' is the function f' (a second
    derivative of a generic function is a new generic function f'')."""
    if is_exp(fn):
        return Exp(arg)
    if is_step(fn):
        return se.Integer(0)
    return generic(derivative_of(fn.get_name()))(arg)


def _local_derivative(fname: str, arg):
    return local_derivative(se.Function(fname)(arg), arg)


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


def certainly_positive(e) -> bool:
    """Certainly > 0: a positive number, e^u, and sums, products, integer powers of those."""
    if e.is_Number:
        return e > 0
    if is_exp(e):
        return True
    if isinstance(e, (se.Add, se.Mul)):
        return all(certainly_positive(a) for a in e.args)
    if isinstance(e, se.Pow):
        return e.args[1].is_integer and certainly_positive(e.args[0])
    return False


def log(u):
    """ln u, with ln e^a = a and ln(ab) = ln a + ln b for factors certainly
    positive: ln softmax(z)_k = z_k - ln Σ e^{z_i} as the network is built,
    so its derivatives stay small (the log-sum-exp form, derived, not assumed)."""
    if is_exp(u):
        return u.args[0]
    if not isinstance(u, se.Mul):
        if isinstance(u, se.Pow) and u.args[1].is_integer and certainly_positive(u.args[0]):
            return u.args[1] * log(u.args[0])
        return se.log(u)
    split, rest = [], []
    for f in u.args:
        if is_exp(f) or (f.is_Number and f > 0) or (isinstance(f, se.Pow) and f.args[1].is_integer
                                                     and certainly_positive(f.args[0])):
            split.append(log(f) if not f.is_Number else se.log(f))
        else:
            rest.append(f)
    if not split:
        return se.log(u)
    return se.Add(*split) + (se.log(se.Mul(*rest)) if rest else se.Integer(0))


def tanh(u):
    """(e^u - e^{-u}) / (e^u + e^{-u}), in the opaque exponential."""
    return (Exp(u) - Exp(-u)) / (Exp(u) + Exp(-u))


def sigmoid(u):
    """1 / (1 + e^{-u})."""
    return 1 / (1 + Exp(-u))
