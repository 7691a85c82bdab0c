"""A whole class graded: every submission under some paths, each distinct
answer once (cached, in capped worker processes), the reports sorted by
student.  Library code: the `grade` and `report` commands both call it."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from symbackprop.catalogue.load import load_problem, problem_path
from symbackprop.errors import ProblemError
from symbackprop.grading.batch import GradeCache, Job, run_jobs
from symbackprop.grading.gradebook import NOT_A_QUESTION, Report
from symbackprop.grading.grade import Grade
from symbackprop.grading.submissions import MAX_ANSWERS, MAX_FILE_BYTES, read_submissions
from symbackprop.outputs import safe_name
from symbackprop.progress import Progress

__all__ = ["grade_paths", "default_cache_dir", "report_name"]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "symbackprop"


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


def report_name(r: Report, reports: list[Report] | None = None) -> str:
    """A file name per student and problem (the problem is kept even when the
    class did one, so the next problem's outputs never overwrite these)."""
    return safe_name(r.student) + "__" + safe_name(r.problem or "unknown")
