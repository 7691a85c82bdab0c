"""Grading can't be gamed: only the problem's labels score, the last attempt
per label wins, a score never exceeds the maximum, caps warn loudly; outputs
have one shape for one submission or many; Ctrl-C ends cleanly and resumably."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from symbackprop.grading.batch import GradeCache
from symbackprop.cli.main import main
from symbackprop.catalogue.load import load_problem

ROOT = Path(__file__).resolve().parent.parent
P = load_problem("mle-sheet4")
T1_WRONG = r"\delta^{(L)} = y - \hat{y}"
T1_RIGHT = r"\delta^{(L)} = \hat{y} - y"
T3_RIGHT = r"\nabla_{b^{(L-1)}} L = \delta^{(L)}"
GENEROUS = "300"


def _gamed_csv(path: Path) -> Path:
    rows = [("gamer", "mle-sheet4", "t1", T1_WRONG), ("gamer", "mle-sheet4", "t1", T1_RIGHT),
            ("gamer", "mle-sheet4", "bonus", T1_RIGHT), ("gamer", "mle-sheet4", "t9", T3_RIGHT)]
    rows += [("gamer", "mle-sheet4", "t3", T3_RIGHT)] * 600
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["student", "problem", "label", "equation"])
    w.writerows(rows)
    path.write_text(buf.getvalue())
    return path


def test_the_problem_is_worth_seven():
    assert sum(label.points for label in P.labels.values()) == 7


def test_a_gamed_csv_scores_what_it_answered(tmp_path, capsys):
    sub = _gamed_csv(tmp_path / "gamed.csv")
    out = tmp_path / "out"
    code = main(["grade", str(sub), "--no-cache", "--quiet", "--format", "json", "--out", str(out),
                 "--timeout", GENEROUS])
    printed = capsys.readouterr()
    [report] = json.loads(printed.out)
    assert code == 0
    assert report["max_score"] == 7 and report["score"] == 2  # t1 (last attempt, right) and t3, once each
    by_label = {a["label"]: a for a in report["answers"]}
    assert set(by_label) == {"t1", "t3"}
    assert by_label["t1"]["equation"] == T1_RIGHT and by_label["t1"]["verdict"] == "correct"
    notes = "\n".join(report["notes"])
    assert "bonus: not a question of this problem" in notes and "t9: not a question of this problem" in notes
    assert "t1: answered 2 times; the last answer is graded" in notes
    # 604 rows: the cap of 500 answers is reached, and said so loudly with the option that raises it
    assert "WARNING" in printed.err and "604 answers" in printed.err and "--max-answers" in printed.err
    feedback = (out / "feedback" / "gamer__mle-sheet4.md").read_text()
    assert "bonus: not a question of this problem" in feedback
    assert json.loads((out / "grades.json").read_text()) == json.loads(printed.out)  # a list for one, too
    results = json.loads((out / "gradescope" / "gamer__mle-sheet4" / "results.json").read_text())
    assert results["score"] == 2 and "t9: not a question of this problem" in results["output"]


def test_the_answer_cap_can_be_raised(tmp_path, capsys):
    sub = _gamed_csv(tmp_path / "gamed.csv")
    code = main(["grade", str(sub), "--no-cache", "--quiet", "--format", "json", "--max-answers", "1000",
                 "--timeout", GENEROUS])
    printed = capsys.readouterr()
    assert code == 0 and "WARNING" not in printed.err
    assert json.loads(printed.out)[0]["score"] == 2


def test_the_size_cap_warns_and_can_be_raised(tmp_path, capsys):
    sub = _gamed_csv(tmp_path / "gamed.csv")
    code = main(["grade", str(sub), "--no-cache", "--quiet", "--format", "json", "--max-bytes", "1000"])
    printed = capsys.readouterr()
    assert code == 1 and "WARNING" in printed.err and "--max-bytes" in printed.err
    assert "larger than the cap" in json.loads(printed.out)[0]["error"]


def test_a_score_never_exceeds_the_maximum():
    from symbackprop.grading.gradebook import Report
    from symbackprop.grading.grade import Grade
    twice = tuple(Grade("t2", "x", "correct", "correct", 2.0, 2.0) for _ in range(5))
    r = Report("s", "mle-sheet4", twice, "", tuple(P.labels), {k: v.points for k, v in P.labels.items()})
    assert r.max_score == 7 and r.score == 7


def test_ctrl_c_ends_with_one_line_and_a_usable_cache(tmp_path):
    cache = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "symbackprop", "grade", str(ROOT / "examples" / "class"),
                             "--cache", str(cache), "--quiet", "--workers", "1", "--timeout", GENEROUS],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = cache / "grades.jsonl"
    for _ in range(6000):  # wait (bounded) for the first graded answer: then interrupt mid-run
        if lines.exists() and lines.read_text().count("\n") >= 1 or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the class was graded before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    said = [line for line in err.splitlines() if line.strip()]
    assert len(said) == 1 and "interrupted:" in said[0] and "resume from the cache" in said[0], err
    kept = GradeCache(cache).entries
    assert kept and len(kept) == len([ln for ln in lines.read_text().splitlines() if ln.strip()])
