"""`symbackprop check`: one claim, its verdict, a witness, a named mistake."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

from symbackprop.catalogue.load import load_problem, problem_ids
from symbackprop.cli.exits import CHECK_EXIT, Exit
from symbackprop.errors import InputError, SizeError
from symbackprop.proof.check import check
from symbackprop.verdict import Verdict

__all__ = ["run_check", "parse_sizes"]


def parse_sizes(text: str):
    """`2,3,4` (widths, or the sizes in order) or `d=3,N=5` (by name)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and all("=" in p for p in parts):
        return {k.strip(): int(v) for k, v in (p.split("=", 1) for p in parts)}
    return tuple(int(p) for p in parts)


def run_check(args) -> int:
    if not Path(args.problem).suffix and args.problem not in problem_ids():
        near = difflib.get_close_matches(args.problem, problem_ids(), n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        print(f"symbackprop: unknown problem {args.problem!r}{hint}", file=sys.stderr)
        return Exit.UNDECIDED
    problem = load_problem(args.problem)
    sizes = None
    if args.sizes:
        try:
            sizes = parse_sizes(args.sizes)
        except ValueError:
            print("symbackprop: --sizes takes comma-separated whole numbers (2,3,4) or sizes by name (d=3,N=5)",
                  file=sys.stderr)
            return Exit.UNDECIDED
    try:
        result = check(problem, args.latex, args.activation, sizes, args.timeout, args.batch)
    except (InputError, SizeError) as err:
        print(f"symbackprop: {getattr(err, 'message', err)}", file=sys.stderr)
        return Exit.UNDECIDED
    mistake = None
    if args.reference and result.verdict in (Verdict.REFUTED, Verdict.ILL_FORMED):
        mistake = _mistake(problem, args.latex, args.reference, args.timeout)
    if args.format == "json":
        out = result.as_json()
        if args.reference:
            out["mistake"] = mistake.name if mistake else None
            out["mistake_detail"] = mistake.as_json() if mistake else None
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"{result.verdict.value}: {result.reason}")
        if mistake:
            print(f"  mistake: {mistake.name} ({mistake.proof})\n  hint: {mistake.hint}")
        if result.witness:
            w = result.witness
            print(f"  at {w.bindings}" if w.bindings else "", end="\n" if w.bindings else "")
            for name, f in w.functions.items():
                print(f"  {name}: {f}")
            if w.values:
                print("  values: " + ", ".join(f"{k}={v}" for k, v in w.values.items()))
        for n in result.numbers:
            if n.status in ("exact", "rounded", "truncated", "wrong"):
                entry = f" entry ({', '.join(str(i + 1) for i in n.entry)})" if n.entry else ""
                print(f"  side {n.side}{entry}: printed {n.printed:>10}  {n.status:9}  exact {n.exact}")
        print(f"  ({result.seconds:.2f} s)")
    return CHECK_EXIT[result.verdict]


def _mistake(problem, latex: str, reference: str, timeout: float):
    from symbackprop.errors import TimeLimit
    from symbackprop.grading.grade import name_mistake
    from symbackprop.limits import time_cap
    try:
        with time_cap(timeout):
            return name_mistake(problem, latex, reference)
    except (TimeLimit, InputError):
        return None
