"""Grading many answers: worker processes with hard caps, and a result cache.

Each answer is graded in a worker process.  The worker caps its own memory
(RLIMIT_AS) and arms a time cap, but the parent is what makes the caps hard:
a worker that is still busy `grace` seconds after its answer's wall-clock cap
is killed and replaced, and that answer alone is `undecided (time limit)`.  A
worker that dies (a crash, the kernel's OOM killer) costs only the answer it
was on.  Finished grades are cached on disk, keyed by the tool's source, the
problem file, the answer and its reference, so a re-run only grades what is new.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import resource
import signal
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from pathlib import Path

from symbackprop.errors import TimeLimit
from symbackprop.grading.grade import NAMING_SAFETY_SECONDS, Grade, grade_from_json, grade_answer

__all__ = ["Job", "run_jobs", "GradeCache", "source_digest"]

GRACE_SECONDS = 3.0


@dataclass(frozen=True)
class Job:
    key: tuple                 # (student, problem, label)
    problem_ref: str           # id or path of the problem file
    label: str
    equation: str
    reference: str = ""
    points: float = 1.0
    timeout: float = 10.0
    memory_mb: int = 2048


def _undecided(job: Job, why: str, seconds: float) -> Grade:
    return Grade(job.label, job.equation, "undecided", why, 0.0, job.points, seconds=seconds)


# ------------------------------------------------------------ the worker side
def _worker(conn, memory_mb: int) -> None:
    """Grade jobs sent over `conn` until it closes; reply with (index, Grade),
    and ("naming", (index, the grade without a name)) when the verdict is in and a mistake is being named
    (naming has its own allowance, so the parent moves its deadline)."""
    from symbackprop.catalogue.load import load_problem
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    problems: dict = {}
    parent = os.getppid()
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:  # the parent was killed: later workers may hold our pipe open
                    return
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, job = msg
        start = time.perf_counter()
        try:
            if job.problem_ref not in problems:
                problems[job.problem_ref] = load_problem(job.problem_ref)
            grade = grade_answer(problems[job.problem_ref], job.label, job.equation, job.reference or None,
                                 job.points, job.timeout, on_naming=lambda g: conn.send(("naming", (index, g))))
        except MemoryError:
            grade = _undecided(job, "undecided: memory limit reached", time.perf_counter() - start)
        except TimeLimit:
            grade = _undecided(job, "undecided: time limit reached", time.perf_counter() - start)
        except Exception as err:  # noqa: BLE001 - a bug of ours must not cost other answers
            grade = _undecided(job, f"undecided: internal error ({type(err).__name__})", time.perf_counter() - start)
        try:
            conn.send((index, grade))
        except (OSError, ValueError):
            return


class _Slot:
    """One worker process and the job it is on."""

    def __init__(self, ctx, memory_mb: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.job: tuple | None = None  # (index, job, deadline)
        self.partial: Grade | None = None

    def give(self, index: int, job: Job) -> None:
        self.job = (index, job, time.monotonic() + job.timeout + GRACE_SECONDS)  # (index, job, deadline)
        self.partial: Grade | None = None  # the verdict, while the mistake is being named
        self.conn.send((index, job))

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


def run_jobs(jobs: list[Job], workers: int = 2, on_done=None) -> list[Grade]:
    """Grade every job; `on_done(index, grade)` is called as each finishes."""
    results: list[Grade | None] = [None] * len(jobs)
    if not jobs:
        return []
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    memory = jobs[0].memory_mb
    slots = [_Slot(ctx, memory) for _ in range(max(1, min(workers, len(jobs))))]
    queue = list(range(len(jobs)))
    queue.reverse()

    def finish(index: int, grade: Grade) -> None:
        results[index] = grade
        if on_done:
            on_done(index, grade)

    try:
        for slot in slots:
            if queue:
                i = queue.pop()
                slot.give(i, jobs[i])
        while any(s.job for s in slots):
            ready = wait([s.conn for s in slots if s.job], timeout=0.2)
            now = time.monotonic()
            for k, slot in enumerate(slots):
                if slot.job is None:
                    continue
                index, job, deadline = slot.job
                started = deadline - job.timeout - GRACE_SECONDS
                if slot.conn in ready:
                    try:
                        got_index, grade = slot.conn.recv()
                    except (EOFError, OSError):
                        code = slot.proc.exitcode
                        why = "undecided: memory limit (worker killed)" if code in (-9,) else \
                            f"undecided: the worker crashed (exit {code})"
                        finish(index, _undecided(job, why, now - started))
                        slot.kill()
                        slots[k] = slot = _Slot(ctx, memory)
                    else:
                        if got_index == "naming":  # the verdict is in; naming has its own allowance
                            slot.job = (index, job, now + NAMING_SAFETY_SECONDS + GRACE_SECONDS)
                            slot.partial = grade[1]
                            continue
                        finish(got_index, grade)
                        slot.job = None
                elif now > deadline:
                    if slot.partial is not None:  # the verdict stands; naming the mistake was cut short
                        finish(index, replace(slot.partial, seconds=now - started))
                    else:
                        finish(index, _undecided(job, f"undecided: time limit ({job.timeout:g} s)", now - started))
                    slot.kill()
                    slots[k] = slot = _Slot(ctx, memory)
                else:
                    continue
                slot.job = None
                if queue:
                    i = queue.pop()
                    slot.give(i, jobs[i])
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
            slot.kill()
    return [g for g in results if g is not None]


# ------------------------------------------------------------ the cache
def source_digest() -> str:
    """The tool's version and a digest of its source and grammar: a cached
    grade is reused only by the code that produced it."""
    from symbackprop import __version__
    root = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".lark") and f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


class GradeCache:
    """Finished grades as JSON lines in `folder/grades.jsonl` (append-only;
    a torn last line from an interrupted run is skipped on reading)."""

    def __init__(self, folder: Path | None):
        self.path = Path(folder) / "grades.jsonl" if folder else None
        self.entries: dict[str, dict] = {}
        self.tool = source_digest()
        if self.path and self.path.exists():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    row = json.loads(line)
                    self.entries[row["key"]] = row["grade"]
                except (ValueError, KeyError, TypeError):
                    continue

    def key(self, job: Job, problem_digest: str) -> str:
        raw = json.dumps([self.tool, problem_digest, job.label, job.equation, job.reference, job.points,
                          job.timeout], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()

    def get(self, key: str) -> Grade | None:
        row = self.entries.get(key)
        return grade_from_json(row) if row else None

    def put(self, key: str, grade: Grade) -> None:
        if self.path is None or grade.verdict == "undecided" or grade.cut_short:  # a cap may not fire next time
            return
        row = grade.as_json()
        self.entries[key] = row
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"key": key, "grade": row}, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
