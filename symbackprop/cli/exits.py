"""The exit codes of every command, in one place."""

from __future__ import annotations

import enum

from symbackprop.verdict import Verdict

__all__ = ["Exit", "CHECK_EXIT"]


class Exit(enum.IntEnum):
    OK = 0            # verify: every verdict as expected; check: proved
    FAILED = 1        # verify: a verdict differs; check: refuted or ill-formed
    UNDECIDED = 2     # check: unparseable or undecided; any command: usage error
    PROBLEM_FILE = 3  # a problem file is broken (author-facing)


CHECK_EXIT = {Verdict.PROVED: Exit.OK, Verdict.REFUTED: Exit.FAILED, Verdict.ILL_FORMED: Exit.FAILED,
               Verdict.UNPARSEABLE: Exit.UNDECIDED, Verdict.UNDECIDED: Exit.UNDECIDED}
