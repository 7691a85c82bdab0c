"""Reading students' submissions: TOML files, CSV exports, folders of either.

A TOML submission is one student's answers to one problem:

    problem = "mle-sheet4"
    student = "jdoe"
    [[answer]]
    label = "t1"
    equation = '''\\delta^{(L)} = \\hat{y} - y'''

A CSV export has the columns `student,problem,label,equation`, one row per
answer.  A file that can't be read becomes a `Submission` carrying the error,
so the batch goes on and the staff see which file was bad; one bad answer
never loses another's grade.

A label answered more than once counts once: the last attempt wins (and a
note says so).  Caps on a file's size and on the answers read per submission
keep a hostile file from costing hours; hitting one is a warning the
command prints, with the option that raises it.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Answer", "Submission", "read_submissions", "MAX_FILE_BYTES", "MAX_EQUATION_CHARS", "MAX_ANSWERS"]

MAX_FILE_BYTES = 5_000_000     # a class export, not a dump
MAX_EQUATION_CHARS = 10_000    # the parser's own cap; longer answers are cut and graded unparseable
MAX_ANSWERS = 500


@dataclass(frozen=True)
class Answer:
    label: str
    equation: str


@dataclass(frozen=True)
class Submission:
    student: str
    problem: str
    answers: tuple[Answer, ...] = ()
    source: str = ""
    error: str = ""  # why the file (or row) could not be read
    notes: tuple[str, ...] = ()     # for the student's feedback (a label answered twice)
    warnings: tuple[str, ...] = ()  # for the staff (a cap reached)

    @property
    def key(self) -> tuple[str, str]:
        return (self.student, self.problem)


def read_submissions(paths, max_answers: int = MAX_ANSWERS, max_bytes: int = MAX_FILE_BYTES,
                     default_problem: str = "") -> list[Submission]:
    """Every submission under `paths` (files or folders), in a stable order;
    one that names no problem is about `default_problem` (`grade --problem`)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in (".toml", ".csv"))
        else:
            files.append(p)
    out: list[Submission] = []
    for f in files:
        out += _read_file(f, max_bytes, default_problem)
    return [_last_attempts(s, max_answers) for s in _merge(out)]


def _read_file(path: Path, max_bytes: int = MAX_FILE_BYTES, default_problem: str = "") -> list[Submission]:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            why = f"file of {size} bytes is larger than the cap of {max_bytes} bytes (raise it with --max-bytes)"
            return [Submission(path.stem, "", source=str(path), error=why, warnings=(f"{path}: {why}",))]
        text = path.read_text(encoding="utf-8-sig")  # spreadsheet exports often start with a BOM
    except (OSError, UnicodeDecodeError) as err:
        return [Submission(path.stem, "", source=str(path), error=f"can't read the file: {err}")]
    if path.suffix.lower() == ".csv":
        return _from_csv(text, str(path), default_problem)
    return [_from_toml(text, str(path), path.stem, default_problem)]


def _text(value, limit: int = 200) -> str:
    return str(value)[:limit] if isinstance(value, (str, int, float)) else ""


def _from_toml(text: str, source: str, fallback: str, default_problem: str = "") -> Submission:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        return Submission(fallback, "", source=source, error=f"not valid TOML: {err}")
    student = _text(data.get("student")) or fallback
    problem = _text(data.get("problem")) or default_problem
    raw = data.get("answer", data.get("answers", []))  # [[answer]] as specified; [[answers]] forgiven
    if not problem:
        return Submission(student, "", source=source, error="no `problem = \"...\"` line (or grade --problem ID)")
    if not isinstance(raw, list):
        return Submission(student, problem, source=source, error="`answer` must be a list of [[answer]] tables")
    answers = []
    for k, item in enumerate(raw):
        if not isinstance(item, dict):
            continue
        label = _text(item.get("label")) or f"#{k + 1}"
        equation = item.get("equation", item.get("latex", ""))
        answers.append(Answer(label, equation if isinstance(equation, str) else ""))
    return Submission(student, problem, tuple(answers), source)


def _from_csv(text: str, source: str, default_problem: str = "") -> list[Submission]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # comma, or the semicolon/tab some spreadsheets export
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    want = {"student", "label", "equation"} | (set() if default_problem else {"problem"})
    if reader.fieldnames is None or not want <= {f.strip().lower() for f in reader.fieldnames}:
        return [Submission(Path(source).stem, "", source=source,
                           error="a CSV export needs the columns student,problem,label,equation")]
    rows: dict[tuple[str, str], list[Answer]] = {}
    try:
        for row in reader:
            row = {(k or "").strip().lower(): v for k, v in row.items()}
            key = (_text(row.get("student")).strip(), _text(row.get("problem")).strip() or default_problem)
            if not key[0]:
                continue
            rows.setdefault(key, []).append(Answer(_text(row.get("label")).strip() or "?", row.get("equation") or ""))
    except csv.Error as err:
        return [Submission(Path(source).stem, "", source=source, error=f"bad CSV: {err}")]
    return [Submission(s, p, tuple(a), source) for (s, p), a in rows.items()]


def _merge(subs: list[Submission]) -> list[Submission]:
    """One submission per (student, problem), answers in reading order."""
    merged: dict = {}
    for s in subs:
        if s.error:
            merged[(s.student, s.problem, s.source)] = s
            continue
        prev = merged.get(s.key)
        merged[s.key] = s if prev is None else Submission(s.student, s.problem, prev.answers + s.answers, prev.source)
    return list(merged.values())


def _last_attempts(s: Submission, max_answers: int) -> Submission:
    """The first `max_answers` answers read (a warning beyond), and of a label
    answered more than once the last attempt, where the label first came."""
    if s.error:
        return s
    warnings = ()
    answers = s.answers
    if len(answers) > max_answers:
        warnings = (f"{s.student} ({s.problem}, {s.source}): {len(answers)} answers, only the first {max_answers} "
                    f"are read (raise the cap with --max-answers)",)
        answers = answers[:max_answers]
    by_label: dict[str, Answer] = {}
    counts: dict[str, int] = {}
    for a in answers:
        by_label[a.label] = a
        counts[a.label] = counts.get(a.label, 0) + 1
    notes = tuple(f"{label}: answered {n} times; the last answer is graded"
                  for label, n in counts.items() if n > 1)
    return Submission(s.student, s.problem, tuple(by_label.values()), s.source, "", notes, warnings)
