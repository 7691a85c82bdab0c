"""`symbackprop writeup FILE --problem ID|PATH`: every step of a student's
Markdown or LaTeX write-up, judged on its own (text or JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from symbackprop.catalogue.load import load_problem
from symbackprop.cli.exits import Exit
from symbackprop.errors import SizeError
from symbackprop.writeup.annotate import annotated_latex, annotated_markdown
from symbackprop.writeup.judge import judge, summary
from symbackprop.writeup.source import MAX_SOURCE, read_source
from symbackprop.writeup.steps import Link

__all__ = ["run_writeup"]

MARK = {"proved": "✓", "refuted": "✗", "ill-formed": "✗", "unparseable": "?", "undecided": "?",
        "definition": "≔"}


def run_writeup(args) -> int:
    path = Path(args.file)
    try:
        if path.stat().st_size > 4 * MAX_SOURCE:
            print(f"symbackprop: {path} is too large to be a write-up", file=sys.stderr)
            return Exit.UNDECIDED
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        print(f"symbackprop: can't read {path}: {err}", file=sys.stderr)
        return Exit.UNDECIDED
    problem = load_problem(args.problem)
    try:
        judged = judge(problem, read_source(text, path.name), args.activation, args.timeout)
    except SizeError as err:
        print(f"symbackprop: {err}", file=sys.stderr)
        return Exit.UNDECIDED
    if args.format == "md":
        sys.stdout.write(annotated_latex(text, judged) if path.suffix.lower() == ".tex"
                         else annotated_markdown(text, judged))
    elif args.format == "json":
        print(json.dumps({"file": str(path), "problem": problem.id, "steps": [j.as_json() for j in judged],
                          "summary": summary(judged)}, ensure_ascii=False, indent=1))
    else:
        for j in judged:
            s = j.step
            what = f"{s.left} {s.rel} {s.right}" if isinstance(s, Link) else s.text
            reason = "" if j.result is None else j.result.reason.splitlines()[0]
            print(f"{s.line:4}:{s.col:<4} {MARK.get(j.verdict, '?')} {j.verdict:11} {what[:90]}"
                  + (f"\n            {reason[:150]}" if j.verdict not in ("proved", "definition") else ""))
        counts = summary(judged)["verdicts"]
        print(f"{summary(judged)['steps']} steps: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    verdicts = {j.verdict for j in judged}
    if verdicts & {"refuted", "ill-formed"}:
        return Exit.FAILED
    return Exit.OK if verdicts <= {"proved", "definition"} else Exit.UNDECIDED
