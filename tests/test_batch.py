"""Worker processes: a hanging or crashing answer costs only itself."""

import os
import time

import pytest

from symbackprop.grading import batch
from symbackprop.grading.batch import GradeCache, Job, run_jobs
from symbackprop.grading.grade import Grade, grade_from_json

GOOD = r"\delta^{(L)} = \hat{y} - y"


def _jobs(*equations, timeout=5.0):
    return [Job(("s", "mle-sheet4", f"t{k}"), "mle-sheet4", f"t{k}", eq, "", 1.0, timeout, 2048)
            for k, eq in enumerate(equations)]


def test_a_hanging_answer_is_undecided_and_the_rest_are_graded(monkeypatch):
    real = batch.grade_answer

    def maybe_hang(problem, label, equation, *args, **kwargs):
        if equation == "HANG":
            while True:  # a loop no signal handler gets to run in
                time.sleep(3600)
        return real(problem, label, equation, *args, **kwargs)

    monkeypatch.setattr(batch, "grade_answer", maybe_hang)  # the forked workers inherit the patch
    monkeypatch.setattr(batch, "GRACE_SECONDS", 0.5)
    jobs = _jobs(GOOD, "HANG", GOOD, GOOD, timeout=60.0)
    jobs[1] = _jobs("HANG", timeout=1.0)[0]
    grades = run_jobs(jobs, workers=2)
    assert [g.verdict for g in grades] == ["correct", "undecided", "correct", "correct"]
    assert "time limit" in grades[1].reason


def test_a_crashing_worker_costs_one_answer(monkeypatch):
    real = batch.grade_answer

    def maybe_crash(problem, label, equation, *args, **kwargs):
        if equation == "CRASH":
            os._exit(13)
        return real(problem, label, equation, *args, **kwargs)

    monkeypatch.setattr(batch, "grade_answer", maybe_crash)
    grades = run_jobs(_jobs("CRASH", GOOD, GOOD), workers=1)
    assert [g.verdict for g in grades] == ["undecided", "correct", "correct"]
    assert "crashed" in grades[0].reason


def test_memory_cap_is_a_verdict(monkeypatch):
    real = batch.grade_answer

    def maybe_hog(problem, label, equation, *args, **kwargs):
        if equation == "HOG":
            blocks = [bytearray(64 * 1024 * 1024) for _ in range(1000)]  # far over the cap
            return blocks
        return real(problem, label, equation, *args, **kwargs)

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


def test_naming_that_never_ends_keeps_the_verdict(monkeypatch):
    """The worker reports the verdict before naming a mistake; if naming is
    stopped, the verdict stands, marked cut short (so it is never cached)."""
    real = batch.grade_answer

    def naming_hangs(problem, label, equation, *args, **kwargs):
        if equation == "NAME-HANG":
            kwargs["on_naming"](Grade(label, equation, "incorrect", "refuted", 0.0, 1.0, cut_short=True))
            while True:
                time.sleep(3600)
        return real(problem, label, equation, *args, **kwargs)

    monkeypatch.setattr(batch, "grade_answer", naming_hangs)
    monkeypatch.setattr(batch, "GRACE_SECONDS", 0.5)
    monkeypatch.setattr(batch, "NAMING_SAFETY_SECONDS", 0.5)
    grades = run_jobs(_jobs("NAME-HANG", GOOD, timeout=30.0), workers=1)
    assert [g.verdict for g in grades] == ["incorrect", "correct"]
    assert grades[0].cut_short and not grades[1].cut_short


def test_cut_short_and_undecided_grades_are_not_cached(tmp_path):
    cache = GradeCache(tmp_path)
    job = _jobs(GOOD)[0]
    cut = Grade("t0", GOOD, "incorrect", "refuted", 0.0, 1.0, cut_short=True)
    undecided = Grade("t0", GOOD, "undecided", "time limit", 0.0, 1.0)
    cache.put(cache.key(job, "a"), cut)
    cache.put(cache.key(job, "b"), undecided)
    assert not (tmp_path / "grades.jsonl").exists()
    assert GradeCache(tmp_path).get(cache.key(job, "a")) is None
