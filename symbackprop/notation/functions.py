"""Function names the resolver knows without a problem's notation, and what
their decorations mean.

A written function name is a command (`\\exp`, `\\tanh`), a word
(`\\text{ReLU}`, `\\operatorname{softmax}`) or the problem's activation.  Each
decoration means something or is refused, never dropped:

- primes (`'`, `^\\prime`, `''`) take derivatives: `\\text{ReLU}'` is the step
  1{u > 0} (ReLU'(0) = 0, the course's convention), `\\tanh'` is 1 - tanh²,
  `\\sigma'` is σ(1 - σ).  A function whose derivative is not elementwise
  (softmax, max, trace, diag) refuses primes: write the Jacobian with ∂.
- a positive integer power `\\tanh^2(x)` is the power of the value;
- a subscript on softmax names an entry, `\\text{softmax}_k(z) = softmax(z)_k`;
- anything else (an accent, a calligraphic font, `\\log_2`, `\\exp^T`) is
  ill-formed.

The resolver records the result as an `Apply` whose `fn` is the canonical
name followed by one `'` per derivative (`relu'`, `tanh''`, `act'`), and
`applying.function` builds it.
"""

from __future__ import annotations

from . import syntax as S

__all__ = ["builtin", "MAX_ORDER", "ELEMENTWISE", "COSMETIC_STYLES", "derivative_problem",
           "is_plain"]

# Written spelling -> canonical function.  Commands come from the grammar's
# FUNC terminal; words from \text{...} / \operatorname{...}.
_COMMANDS = {"exp": "exp", "ln": "log", "log": "log", "max": "max", "tr": "tr", "softmax": "softmax",
             "tanh": "tanh"}
_WORDS = {"relu": "relu", "ReLU": "relu", "Relu": "relu", "RELU": "relu",
          "tanh": "tanh", "sigmoid": "sigmoid", "sigm": "sigmoid", "Sigmoid": "sigmoid",
          "softmax": "softmax", "Softmax": "softmax", "exp": "exp", "log": "log", "ln": "log",
          "max": "max", "tr": "tr", "Tr": "tr", "trace": "tr", "diag": "diag"}

# How many derivatives of each function have a meaning here.  ReLU has no
# second derivative at 0; softmax, max, tr, diag are not elementwise, so a
# prime would not say which Jacobian is meant.
MAX_ORDER = {"exp": 2, "log": 2, "tanh": 2, "sigmoid": 2, "relu": 1, "act": 2,
             "softmax": 0, "max": 0, "tr": 0, "diag": 0}
ELEMENTWISE = {"exp", "log", "tanh", "sigmoid", "relu", "act"}

# Fonts that only change how a name looks (the notation tables drop them too).
COSMETIC_STYLES = {"bf", "ul", "rm", "sf", ""}


def is_plain(name: S.Name) -> bool:
    """No accent and no font that would make it a different name."""
    return not name.accents and set(name.styles) <= COSMETIC_STYLES


def builtin(name: S.Name) -> str | None:
    """The canonical function a command or word names, else None."""
    if name.kind == "func":
        return _COMMANDS.get(name.base)
    if name.kind == "text":
        return _WORDS.get(name.base.rstrip("'"))
    return None


def derivative_problem(fn: str, order: int, label: str = "") -> str | None:
    """Why `order` derivatives of `fn` (written `label`) have no meaning here, or None."""
    if order <= 0:
        return None
    label = label or fn
    most = MAX_ORDER.get(fn, 0)
    if most == 0:
        return (f"{label}' has no elementwise meaning: write its derivative with \\partial "
                "(a Jacobian)")
    if order > most:
        if fn == "relu":
            return "ReLU has no second derivative (its first has a jump at 0)"
        return f"only first and second derivatives of {label} are supported, not order {order}"
    return None
