"""Worker processes: a hanging or crashing answer costs only itself."""

import os
import time

import pytest

from symbackprop import batch
from symbackprop.batch import GradeCache, Job, run_jobs
from symbackprop.grading import Grade, grade_from_json

GOOD = r"\delta^{(L)} = \hat{y} - y"


def _jobs(*equations, timeout=5.0):
    return [Job(("s", "mle-sheet4", f"t{k}"), "mle-sheet4", f"t{k}", eq, "", 1.0, timeout, 2048)
            for k, eq in enumerate(equations)]


def test_a_hanging_answer_is_undecided_and_the_rest_are_graded(monkeypatch):
    real = batch.grade_answer

    def maybe_hang(problem, label, equation, *args):
        if equation == "HANG":
            while True:  # a loop no signal handler gets to run in
                time.sleep(3600)
        return real(problem, label, equation, *args)

    monkeypatch.setattr(batch, "grade_answer", maybe_hang)  # the forked workers inherit the patch
    monkeypatch.setattr(batch, "GRACE_SECONDS", 0.5)
    grades = run_jobs(_jobs(GOOD, "HANG", GOOD, GOOD, timeout=1.0), workers=2)
    assert [g.verdict for g in grades] == ["correct", "undecided", "correct", "correct"]
    assert "time limit" in grades[1].reason


def test_a_crashing_worker_costs_one_answer(monkeypatch):
    real = batch.grade_answer

    def maybe_crash(problem, label, equation, *args):
        if equation == "CRASH":
            os._exit(13)
        return real(problem, label, equation, *args)

    monkeypatch.setattr(batch, "grade_answer", maybe_crash)
    grades = run_jobs(_jobs("CRASH", GOOD, GOOD), workers=1)
    assert [g.verdict for g in grades] == ["undecided", "correct", "correct"]
    assert "crashed" in grades[0].reason


def test_memory_cap_is_a_verdict(monkeypatch):
    real = batch.grade_answer

    def maybe_hog(problem, label, equation, *args):
        if equation == "HOG":
            blocks = [bytearray(64 * 1024 * 1024) for _ in range(1000)]  # far over the cap
            return blocks
        return real(problem, label, equation, *args)

    monkeypatch.setattr(batch, "grade_answer", maybe_hog)
    jobs = [Job(("s", "mle-sheet4", "t1"), "mle-sheet4", "t1", "HOG", "", 1.0, 20.0, 1024),
            Job(("s", "mle-sheet4", "t2"), "mle-sheet4", "t2", GOOD, "", 1.0, 20.0, 1024)]
    grades = run_jobs(jobs, workers=1)
    assert grades[0].verdict == "undecided" and "memory" in grades[0].reason
    assert grades[1].verdict == "correct"


def test_cache_round_trip(tmp_path):
    cache = GradeCache(tmp_path)
    job = _jobs(GOOD)[0]
    grade = Grade("t0", GOOD, "correct", "correct: exact identity", 1.0, 1.0, conditions=("Σ y = 1",))
    key = cache.key(job, "digest")
    cache.put(key, grade)
    (tmp_path / "grades.jsonl").open("a").write('{"key": "torn')  # an interrupted write
    again = GradeCache(tmp_path).get(key)
    assert again == grade_from_json(grade.as_json()) and again.conditions == ("Σ y = 1",)
    assert cache.key(job, "other digest") != key


@pytest.mark.parametrize("workers", [1, 3])
def test_order_is_kept(workers):
    eqs = [GOOD, r"\delta^{(L)} = y - \hat{y}", r"\delta^{(L)} = ", GOOD]
    assert [g.verdict for g in run_jobs(_jobs(*eqs), workers=workers)] == \
        ["correct", "incorrect", "unparseable", "correct"]
