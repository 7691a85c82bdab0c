"""`symbackprop verify`: the catalogue (or problem files) with every verdict
compared to the expected one; `--crosscheck` against PyTorch."""

from __future__ import annotations

import json
import sys

from symbackprop.catalogue.load import load_catalogue
from symbackprop.cli.exits import Exit
from symbackprop.proof.check import check

__all__ = ["run_verify"]


def run_verify(args) -> int:
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
    if args.crosscheck:
        bugs = _crosscheck(problems, args.crosscheck_scale)
        if bugs is None:
            return Exit.UNDECIDED
        failures += bugs
    return Exit.OK if failures == 0 else Exit.FAILED


def _crosscheck(problems, scale: int) -> int | None:
    import importlib.util
    if importlib.util.find_spec("torch") is None:
        print("symbackprop: --crosscheck needs PyTorch: pip install torch==2.13.0 (the CPU build)", file=sys.stderr)
        return None
    from symbackprop.tools.crosscheck import crosscheck_problem
    bugs = 0
    print(f"cross-check with PyTorch autograd (float64, sizes x{scale}):")
    for problem in problems:
        for row in crosscheck_problem(problem, scale):
            mark = "ok " if row.ok else "BUG"
            bugs += not row.ok
            print(f"{mark} {row.problem:18} {row.claim:34} {row.sizes:14} {row.derivatives:5} derivatives "
                  f"{row.entries:5} entries  max abs {row.max_abs:.1e}  max rel {row.max_rel:.1e}"
                  + (f"  ({row.note})" if row.note else ""))
    print("no mismatch: autograd agrees with every proved claim" if not bugs else
          f"{bugs} MISMATCHES: a bug in symbackprop, please report it")
    return bugs
