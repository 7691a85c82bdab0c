"""The command line: a thin shell over `verify.check` and the catalogue.

    symbackprop verify [FILE...] [--format text|json]
    symbackprop check --problem ID [--activation relu|generic] [--sizes 2,3,4] 'LATEX'

Exit codes are the `Exit` enum below; `main(argv)` returns one and
`console_main()` is the installed script.
"""

from __future__ import annotations

import argparse
import difflib
import enum
import json
import sys

from .errors import InputError, ProblemError
from .problems import load_catalogue, load_problem, problem_ids
from .verdict import Verdict
from .verify import check

__all__ = ["Exit", "main", "console_main"]


class Exit(enum.IntEnum):
    OK = 0            # verify: every verdict as expected; check: proved
    FAILED = 1        # verify: a verdict differs; check: refuted or ill-formed
    UNDECIDED = 2     # check: unparseable or undecided; any command: usage error
    PROBLEM_FILE = 3  # a problem file is broken (author-facing)


_CHECK_EXIT = {Verdict.PROVED: Exit.OK, Verdict.REFUTED: Exit.FAILED, Verdict.ILL_FORMED: Exit.FAILED,
               Verdict.UNPARSEABLE: Exit.UNDECIDED, Verdict.UNDECIDED: Exit.UNDECIDED}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="symbackprop", description="Exact verification of backprop derivations "
                                "written in course LaTeX.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser("verify", help="run the catalogue and compare every verdict with the expected one",
                       description="Run the catalogue (default: every problem in derivations/). Exit 0 only if "
                                   "every verdict equals the catalogue's expected one.")
    v.add_argument("files", nargs="*", metavar="FILE", help="problem ids or .toml files (default: all)")
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.add_argument("--timeout", type=float, default=60.0, help="seconds per claim (default 60)")
    c = sub.add_parser("check", help="check one claim",
                       description="Check one claim. Exit 0 proved, 1 refuted or ill-formed, "
                                   "2 unparseable, undecided or usage error.")
    c.add_argument("latex", metavar="LATEX", help="the claim, e.g. '\\delta^{(L)} = \\hat{y} - y'")
    c.add_argument("--problem", required=True, help=f"problem id ({', '.join(problem_ids())})")
    c.add_argument("--activation", choices=("relu", "generic"), default=None,
                   help="activation of the hidden layers (default: the problem's)")
    c.add_argument("--sizes", default=None, help="layer widths d_0,...,d_L, e.g. 2,3,4")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    return p


def main(argv=None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return Exit.UNDECIDED
    try:
        if args.command == "check":
            return _check(args)
        return _verify(args)
    except ProblemError as err:
        print(f"symbackprop: problem file error: {err}", file=sys.stderr)
        return Exit.PROBLEM_FILE


def _check(args) -> int:
    if args.problem not in problem_ids() and not args.problem.endswith(".toml"):
        near = difflib.get_close_matches(args.problem, problem_ids(), n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        print(f"symbackprop: unknown problem {args.problem!r}{hint}", file=sys.stderr)
        return Exit.UNDECIDED
    problem = load_problem(args.problem)
    sizes = None
    if args.sizes:
        try:
            sizes = tuple(int(s) for s in args.sizes.split(","))
        except ValueError:
            print("symbackprop: --sizes takes comma-separated whole numbers, e.g. 2,3,4", file=sys.stderr)
            return Exit.UNDECIDED
    try:
        result = check(problem, args.latex, args.activation, sizes, args.timeout)
    except InputError as err:
        print(f"symbackprop: {err.message}", file=sys.stderr)
        return Exit.UNDECIDED
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(f"{result.verdict.value}: {result.reason}")
        if result.witness:
            w = result.witness
            print(f"  at {w.bindings}" if w.bindings else "", end="\n" if w.bindings else "")
            for name, f in w.functions.items():
                print(f"  {name}: {f}")
            print("  values: " + ", ".join(f"{k}={v}" for k, v in w.values.items()))
        for n in result.numbers:
            if n.status in ("exact", "rounded", "truncated", "wrong"):
                entry = f" entry ({', '.join(str(i + 1) for i in n.entry)})" if n.entry else ""
                print(f"  side {n.side}{entry}: printed {n.printed:>10}  {n.status:9}  exact {n.exact}")
        print(f"  ({result.seconds:.2f} s)")
    return _CHECK_EXIT[result.verdict]


def _verify(args) -> int:
    problems = load_catalogue(args.files or None)
    rows, failures = [], 0
    for problem in problems:
        for activation in (problem.activation,) + problem.also_check:
            for claim in problem.claims:
                result = check(problem, claim.latex, activation, None, args.timeout)
                expected = claim.expected(activation)
                ok = result.verdict.value == expected
                failures += not ok
                rows.append({"problem": problem.id, "claim": claim.id, "seed": claim.seed,
                             "activation": activation, "expected": expected, "ok": ok, **result.as_json()})
                if args.format == "text":
                    mark = "ok  " if ok else "FAIL"
                    print(f"{mark} {problem.id:18} {claim.id:34} {activation:8} seed {claim.seed:8} "
                          f"{result.verdict.value:11} {result.seconds:6.2f}s"
                          + ("" if ok else f"  (expected {expected}: {result.reason.splitlines()[0]})"))
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print(f"{len(rows) - failures}/{len(rows)} verdicts as expected")
    return Exit.OK if failures == 0 else Exit.FAILED


def console_main() -> None:
    sys.exit(main())
