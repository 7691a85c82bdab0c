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

from symbackprop import registry as R
from symbackprop.notation import syntax as S

__all__ = ["builtin", "MAX_ORDER", "ELEMENTWISE", "COSMETIC_STYLES", "derivative_problem",
           "is_plain"]

# Written spelling -> canonical function, and how many derivatives of each
# have an elementwise meaning, come from the one registry.  A problem's own
# function (`\\phi` declared in the problem) is "@" + its key and may take
# two primes; the choice made for it decides at evaluation.
_COMMANDS = R.COMMANDS
_WORDS = R.WORDS
MAX_ORDER = {name: b.max_order for name, b in R.BUILTINS.items()}
ELEMENTWISE = {name for name, b in R.BUILTINS.items() if b.elementwise}
DECLARED_MAX_ORDER = 2


# Fonts that only change how a name looks (the notation tables drop them too).
COSMETIC_STYLES = {"bf", "ul", "rm", "sf", ""}


def is_plain(name: S.Name) -> bool:
    """No accent and no font that would make it a different name."""
    return not name.accents and set(name.styles) <= COSMETIC_STYLES


def is_elementwise(fn: str) -> bool:
    return fn.startswith("@") or fn in ELEMENTWISE


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
    most = DECLARED_MAX_ORDER if fn.startswith("@") else MAX_ORDER.get(fn, 0)
    if most == 0:
        return (f"{label}' has no elementwise meaning: write its derivative with \\partial "
                "(a Jacobian)")
    if order > most:
        if R.BUILTINS.get(fn) is not None and R.BUILTINS[fn].kink:
            return f"{label} has no second derivative (its first has a jump at 0)"
        return f"only first and second derivatives of {label} are supported, not order {order}"
    return None
