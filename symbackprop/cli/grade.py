"""`symbackprop grade`: submissions in; verdicts, gradebooks and feedback out.

The I/O edge of grading: reads submissions, looks finished grades up in the
cache, sends the rest to worker processes (`batch.run_jobs`), and writes the
outputs atomically.  What a grade *is* lives in `grading`; how outputs look,
in `gradebook`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from symbackprop.grading.gradebook import Report, gradebook_csv, gradescope_results, notes_markdown, reports_json
from symbackprop.outputs import write_atomic
from symbackprop.report.model import feedback_page
from symbackprop.report.render import render_feedback
from symbackprop.grading.classroom import default_cache_dir, grade_paths, report_name
from symbackprop.grading.submissions import MAX_ANSWERS, MAX_FILE_BYTES

__all__ = ["run_grade", "grade_paths", "exit_code", "default_cache_dir", "report_name"]


INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C


def run_grade(args) -> int:
    """Returns the exit code: 0 every answer decided, 1 a submission could not
    be read or names an unknown problem, 2 some answer undecided, 130
    interrupted (what was graded is in the cache: a re-run resumes)."""
    tally = {"done": 0, "total": 0}
    try:
        reports, problems = grade_paths(args.paths, args.workers, args.timeout, args.memory,
                                        None if args.no_cache else Path(args.cache or default_cache_dir()),
                                        args.quiet, getattr(args, "max_answers", MAX_ANSWERS),
                                        getattr(args, "max_bytes", MAX_FILE_BYTES), tally,
                                        getattr(args, "problem", None),
                                        [args.problems] if getattr(args, "problems", None) else [])
        if not reports:
            print("symbackprop: no submissions found (.toml or .csv files)", file=sys.stderr)
            return 2
        _write_outputs(reports, problems, args)  # atomic: an interrupted write leaves the old file
        _print(reports, args)
    except KeyboardInterrupt:
        resume = "run again to resume from the cache" if not args.no_cache else "nothing was cached (--no-cache)"
        print(f"symbackprop: interrupted: {tally['done']} of {tally['total']} answers graded; {resume}",
              file=sys.stderr)
        return INTERRUPTED
    return exit_code(reports)


def exit_code(reports: list[Report]) -> int:
    if any(r.error for r in reports):
        return 1
    return 2 if any(g.verdict == "undecided" for r in reports for g in r.grades) else 0


def _write_outputs(reports: list[Report], problems: dict, args) -> None:
    if not args.out:
        return
    out = Path(args.out)
    write_atomic(out / "grades.json", json.dumps(reports_json(reports), ensure_ascii=False, indent=1) + "\n")
    write_atomic(out / "gradebook.csv", gradebook_csv(reports))
    for r in reports:
        name = report_name(r, reports)
        write_atomic(out / "gradescope" / name / "results.json",
                     json.dumps(gradescope_results(r), ensure_ascii=False, indent=1) + "\n")
        title = problems[r.problem].title if r.problem in problems else r.problem
        write_atomic(out / "feedback" / f"{name}.md",
                     render_feedback(feedback_page(r, title), "md") + notes_markdown(r))


def _print(reports: list[Report], args) -> None:
    fmt = args.format
    if fmt == "json":
        print(json.dumps(reports_json(reports), ensure_ascii=False, indent=1))
    elif fmt == "csv":
        sys.stdout.write(gradebook_csv(reports))
    elif fmt == "gradescope":
        rows = [gradescope_results(r) for r in reports]
        print(json.dumps(rows[0] if len(rows) == 1 else rows, ensure_ascii=False, indent=1))
    else:
        for r in reports:
            head = f"{r.student:16} {r.problem:18} {r.score:g}/{r.max_score:g}"
            print(head + (f"  (not graded: {r.error})" if r.error else ""))
            for note in r.notes:
                print(f"   - {note}")
            for g in r.grades:
                mark = {"correct": "✓", "incorrect": "✗", "unparseable": "?", "undecided": "…"}[g.verdict]
                extra = f"  [{g.mistake.name}]" if g.mistake else ""
                print(f"   {mark} {g.label:10} {g.verdict:11}{extra}  {g.reason.splitlines()[0][:90]}")
        n = sum(len(r.grades) for r in reports)
        print(f"{len(reports)} submissions, {n} answers" + (f"; outputs in {args.out}" if args.out else ""))
