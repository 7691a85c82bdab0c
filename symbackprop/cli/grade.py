"""`symbackprop grade`: submissions in; verdicts, gradebooks and feedback out.

The I/O edge of grading: reads submissions, looks finished grades up in the
cache, sends the rest to worker processes (`batch.run_jobs`), and writes the
outputs atomically.  What a grade *is* lives in `grading`; how outputs look,
in `gradebook`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from symbackprop.grading.batch import GradeCache, Job, run_jobs
from symbackprop.errors import ProblemError
from symbackprop.grading.gradebook import NOT_A_QUESTION, Report, gradebook_csv, gradescope_results, notes_markdown, reports_json
from symbackprop.grading.grade import Grade
from symbackprop.outputs import safe_name, write_atomic
from symbackprop.catalogue.problem import load_problem, problem_path
from symbackprop.progress import Progress
from symbackprop.report.model import feedback_page
from symbackprop.report.render import render_feedback
from symbackprop.grading.submissions import MAX_ANSWERS, MAX_FILE_BYTES, read_submissions

__all__ = ["run_grade", "grade_paths", "exit_code", "default_cache_dir", "report_name"]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "symbackprop"


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


def grade_paths(paths, workers: int = 2, timeout: float = 10.0, memory: int = 2048,
                cache_dir: Path | None = None, quiet: bool = False, max_answers: int = MAX_ANSWERS,
                max_bytes: int = MAX_FILE_BYTES, tally: dict | None = None, problem: str | None = None,
                problem_dirs=()) -> tuple[list[Report], dict]:
    """Grade every submission under `paths`: (reports sorted by student,
    problems by id).  Only the problem's labels are graded, one answer each
    (the last); caps reached are warned about on stderr.  `tally` gets the
    answers to grade ("total") and those graded so far ("done").  `problem`
    (an id or a file) is the problem of submissions that name none, and the
    file its id means; `problem_dirs` are looked in for ids first."""
    tally = tally if tally is not None else {}
    default = load_problem(problem, problem_dirs) if problem else None
    subs = read_submissions(paths, max_answers, max_bytes, default.id if default else "")
    for s in subs:
        for w in s.warnings:
            print(f"symbackprop: WARNING: {w}", file=sys.stderr)
    problems, digests, errors, refs = {}, {}, {}, {}
    for s in subs:
        if s.error or s.problem in problems or s.problem in errors:
            continue
        try:
            ref = problem if default is not None and s.problem == default.id else s.problem
            path = problem_path(ref, problem_dirs)
            problems[s.problem] = load_problem(path)
            refs[s.problem] = str(path)
            digests[s.problem] = hashlib.sha256(path.read_bytes()).hexdigest()
        except (ProblemError, OSError) as err:
            errors[s.problem] = f"unknown or broken problem {s.problem!r}: {err}"
    cache = GradeCache(cache_dir)
    jobs, where, grades, pending = [], [], {}, {}
    for si, s in enumerate(subs):
        if s.error or s.problem in errors:
            continue
        problem = problems[s.problem]
        for ai, a in enumerate(s.answers):
            spec = problem.labels.get(a.label)
            if spec is None:
                continue  # not a question of this problem: listed in the feedback, never scored
            job = Job((s.student, s.problem, a.label), refs[s.problem], a.label, a.equation,
                      spec.reference, spec.points, timeout, memory)
            key = cache.key(job, digests[s.problem])
            cached = cache.get(key)
            if cached is not None:
                grades[(si, ai)] = cached
            elif key in pending:  # the same answer to the same question: graded once
                where[pending[key]][0].append((si, ai))
            else:
                pending[key] = len(jobs)
                jobs.append(job)
                where.append(([(si, ai)], key))
    bar = Progress(len(jobs), enabled=False if quiet else None)
    tally.update(total=len(jobs) + len(grades), done=len(grades))

    def done(index: int, grade: Grade) -> None:
        slots, key = where[index]
        for slot in slots:
            grades[slot] = grade
        cache.put(key, grade)
        tally["done"] += len(slots)
        bar.advance(note=grade.label)

    try:
        run_jobs(jobs, workers, done)
    finally:
        bar.close()
    reports = []
    for si, s in enumerate(subs):
        problem = problems.get(s.problem)
        labels = tuple(problem.labels) if problem else ()
        maxes = {k: v.points for k, v in problem.labels.items()} if problem else {}
        err = s.error or errors.get(s.problem, "")
        mine = tuple(grades[(si, ai)] for ai in range(len(s.answers)) if (si, ai) in grades)
        unknown = tuple(f"{a.label}: {NOT_A_QUESTION} (its questions are {', '.join(labels)})"
                        for a in s.answers if problem and a.label not in problem.labels)
        reports.append(Report(s.student, s.problem, mine, err, labels, maxes, unknown + s.notes))
    reports.sort(key=lambda r: (r.student, r.problem))
    return reports, problems


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


def report_name(r: Report, reports: list[Report] | None = None) -> str:
    """A file name per student and problem (the problem is kept even when the
    class did one, so the next problem's outputs never overwrite these)."""
    return safe_name(r.student) + "__" + safe_name(r.problem or "unknown")


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
