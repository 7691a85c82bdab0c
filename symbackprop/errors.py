"""Every error symbackprop raises, under one root.

Two audiences: `ProblemError` is for the author of a problem file (a broken
catalogue is a bug to fix, not a verdict); `InputError` and its children are
about a claim someone typed, and become verdicts (unparseable, ill-formed)
with a position and the fragment at fault.
"""

from __future__ import annotations

__all__ = [
    "SymbackpropError", "ProblemError", "InputError", "ParseError", "IllFormed",
    "LimitExceeded", "TimeLimit", "SizeError", "ENGINE_FAULTS",
]


class SymbackpropError(Exception):
    """Root of every error this package raises on purpose."""


class ProblemError(SymbackpropError):
    """A problem or catalogue file is wrong.  Audience: the course author.
    Remedy: fix the file named in the message."""


class SizeError(SymbackpropError):
    """Sizes a problem can't take (a worked example's are fixed; a hinge
    problem takes one size).  Audience: whoever ran the command; a usage
    error (exit 2), not a verdict."""


class InputError(SymbackpropError):
    """A claim can't be checked as written.  Audience: whoever typed it.

    `pos` is the offset in the input (or None), `fragment` the text at fault.
    """

    verdict = "ill-formed"

    def __init__(self, message: str, pos: int | None = None, fragment: str = ""):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.fragment = fragment

    def located(self, source: str) -> str:
        """The message with a caret under the position, for terminals."""
        if self.pos is None or not source:
            return self.message
        line_start = source.rfind("\n", 0, self.pos) + 1
        line_end = source.find("\n", self.pos)
        line = source[line_start: line_end if line_end >= 0 else len(source)]
        col = self.pos - line_start
        if len(line) > 100:  # keep a window around the position
            lo = max(0, col - 50)
            line, col = line[lo: lo + 100], col - lo
        return f"{self.message}\n  {line}\n  {' ' * col}^"


class ParseError(InputError):
    """The LaTeX can't be read: unbalanced braces, an unknown command, a
    stray token.  Remedy: fix the input at the position given."""

    verdict = "unparseable"


class IllFormed(InputError):
    """The claim reads, but can't be true as written: shapes that don't
    match, an index free on one side only, an undefined name or layer."""

    verdict = "ill-formed"


class LimitExceeded(InputError):
    """The input is over a size or depth cap.  Remedy: shorten it."""

    verdict = "unparseable"


class TimeLimit(BaseException):
    """A time cap fired.  Derives from BaseException so that no broad
    `except Exception` on the way can turn it into a wrong verdict."""


# What evaluating a claim can raise besides our own errors: arithmetic at an
# edge (division by zero), or a bug of ours.  One policy everywhere: never a
# proof — a claim's verdict becomes undecided ("internal error"), a grade's
# extra check is skipped, a candidate rewrite proves nothing.
ENGINE_FAULTS = (ArithmeticError, ValueError, TypeError, IndexError, KeyError, AttributeError, RuntimeError)
