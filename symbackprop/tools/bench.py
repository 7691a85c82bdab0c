"""`symbackprop bench`: how fast, how large — measured side by side in one run.

1. The same four gradient claims of a softmax-CE MLP with ReLU (∇W^{(1)},
   ∇b^{(1)}, ∇W^{(0)}, ∇b^{(0)} in closed form) at 2-2-2 and 3-3-3, decided by
   the zero test and by the naive `sympy.simplify(diff - claim) == 0` on the
   very same entries (naive capped at 60 s per claim: "no finish"), and end
   to end (`check`, parse included).
2. symbackprop alone at growing widths, each claim in its own process
   (`symbackprop check --sizes w,w,w`): proof time, wall time, peak memory;
   and the fitted exponent of time ∝ width^k.
3. The catalogue (`symbackprop verify`) and grading (median seconds per
   answer with warm caches; a synthetic class of 500 submissions × 12
   answers with `--workers 2`).
4. Wrong claims (refuted by the certified quick look) and hard cases, each
   in its own process, beside the time issue 10 measured before.

This module measures; it asserts nothing (timings on a shared machine are
not tests).
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from symbackprop.errors import TimeLimit
from symbackprop.limits import time_cap
from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check, claim_entries, side_condition_substitution
from symbackprop.proof.zerotest import Atomizer, is_zero

__all__ = ["run_bench", "CLAIMS"]

CLAIMS = {
    "gradW1": r"\nabla_{W^{(1)}} L = (\hat{y} - y) (z^{(1)})^T",
    "gradb1": r"\nabla_{b^{(1)}} L = \hat{y} - y",
    "gradW0": r"\nabla_{W^{(0)}} L = ((W^{(1)})^T (\hat{y} - y) \odot \varphi'(\tilde{z}^{(1)})) (x)^T",
    "gradb0": r"\nabla_{b^{(0)}} L = (W^{(1)})^T (\hat{y} - y) \odot \varphi'(\tilde{z}^{(1)})",
}
NAIVE_CAP = 60.0


# ------------------------------------------------------------ 1. naive vs zero test
def _to_sympy(expr):
    import sympy
    e = expr._sympy_()
    return e.replace(sympy.Function("Exp"), sympy.exp).replace(sympy.Function("H"), sympy.Heaviside)


def _naive(pairs, cond) -> float | None:
    """Seconds for sympy.simplify on every entry, or None past the cap."""
    import sympy
    start = time.perf_counter()
    try:
        with time_cap(NAIVE_CAP):
            for a, b, *_ in pairs:
                if sympy.simplify(_to_sympy((a - b).subs(cond))) != 0:
                    return float("nan")  # the naive method fails to see the identity
    except TimeLimit:
        return None
    return time.perf_counter() - start


def _zero_test(pairs, cond) -> float:
    start = time.perf_counter()
    atomizer = Atomizer()
    for a, b, *_ in pairs:
        if not is_zero(a - b, atomizer, cond):
            raise AssertionError("the zero test did not prove a bench claim")
    return time.perf_counter() - start


def naive_rows(widths=(2, 3), activation="relu") -> list[dict]:
    problem = load_problem("mle-sheet4")
    rows = []
    for w in widths:
        sizes = (w, w, w)
        for name, latex in CLAIMS.items():
            t0 = time.perf_counter()
            result = check(problem, latex, activation, sizes, 600)
            end_to_end = time.perf_counter() - t0
            pairs = claim_entries(problem, latex, activation, sizes)
            cond = side_condition_substitution(problem, pairs[0][4])
            zt = _zero_test(pairs, cond)
            naive = _naive(pairs, cond)
            rows.append({"width": w, "claim": name, "entries": len(pairs), "verdict": result.verdict.value,
                         "zero_test_s": zt, "check_s": end_to_end, "naive_s": naive})
    return rows


# ------------------------------------------------------------ 2. scaling, each claim in a process
def _run(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak MB, stdout) of a child process.  The peak is the
    child's own high-water mark (VmHWM), sampled until it exits: rusage would
    also count the memory of this process, which the child starts as a copy of."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        peak_kb = 0
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.01)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    return wall, peak_kb / 1024.0, text


def scaling_rows(widths=(4, 8, 16, 32), activations=("relu",)) -> list[dict]:
    rows = []
    for activation in activations:
        for w in widths:
            for name, latex in CLAIMS.items():
                wall, peak, out = _run([sys.executable, "-m", "symbackprop", "check", "--problem", "mle-sheet4",
                                        "--activation", activation, "--sizes", f"{w},{w},{w}", "--format", "json",
                                        "--timeout", "1200", latex])
                data = json.loads(out) if out.strip().startswith("{") else {"verdict": "error", "seconds": wall}
                rows.append({"activation": activation, "width": w, "claim": name, "verdict": data["verdict"],
                             "proof_s": data["seconds"], "wall_s": wall, "peak_mb": peak})
    return rows


def fitted_exponent(rows: list[dict], activation: str = "relu") -> float:
    """Least-squares slope of log(total proof time) against log(width), width ≥ 8."""
    totals: dict = {}
    for r in rows:
        if r["activation"] == activation and r["width"] >= 8:
            totals[r["width"]] = totals.get(r["width"], 0.0) + r["proof_s"]
    pts = [(math.log(w), math.log(t)) for w, t in sorted(totals.items()) if t > 0]
    if len(pts) < 2:
        return float("nan")
    mx = statistics.mean(x for x, _ in pts)
    my = statistics.mean(y for _, y in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


# ------------------------------------------------------------ 3. catalogue and grading
def verify_seconds() -> float:
    wall, _, _ = _run([sys.executable, "-m", "symbackprop", "verify"])
    return wall


def warm_grading_median() -> float:
    """Median seconds per answer, graded a second time in one process (warm
    network and parse caches, no result cache): every catalogue claim that has
    a wrong twin, answered right and answered with the twin (so mistakes get
    named), each against the claim as the reference answer."""
    from symbackprop.grading.grade import grade_answer
    from symbackprop.catalogue.load import load_catalogue
    jobs = []
    for problem in load_catalogue():
        if problem.numeric:
            continue
        for c in problem.claims:
            if c.twin and c.expected(problem.activation) == "proved":
                jobs += [(problem, "q", c.latex, c.latex), (problem, "q", c.twin, c.latex)]
    for job in jobs:
        grade_answer(*job)
    times = []
    for job in jobs:
        t = time.perf_counter()
        grade_answer(*job)
        times.append(time.perf_counter() - t)
    return statistics.median(times) if times else float("nan")


def synthetic_class(folder: Path, students: int = 500, answers: int = 12, seed: int = 2026) -> int:
    """Write a problem file (mle-sheet4 with one graded label per catalogue
    claim that has a wrong twin) and `students` submissions of `answers`
    answers, each right (70 %) or its wrong twin — as a class would hand in:
    many identical answers, some wrong ones to name mistakes for."""
    from symbackprop.catalogue.load import catalogue_dir
    problem = load_problem("mle-sheet4")
    pool = [(c.latex, c.twin) for c in problem.claims if c.twin and c.expected("relu") == "proved"][:answers]
    quote = "'" * 3
    text = (catalogue_dir() / "mle-sheet4.toml").read_text()
    for j, (right, _) in enumerate(pool):
        text += f'\n[[labels]]\nlabel = "q{j + 1}"\nreference = {quote}{right}{quote}\n'
    problem_file = folder / "bench-problem.toml"
    problem_file.write_text(text)
    subs = folder / "submissions"
    subs.mkdir()
    rng = random.Random(seed)
    for k in range(students):
        lines = [f"problem = '{problem_file}'", f'student = "s{k:04d}"', ""]
        for j, (right, wrong) in enumerate(pool):
            eq = right if rng.random() < 0.7 else wrong
            lines += ["[[answer]]", f'label = "q{j + 1}"', f"equation = {quote}{eq}{quote}", ""]
        (subs / f"s{k:04d}.toml").write_text("\n".join(lines))
    return students * len(pool)


def grading_class_seconds(students: int = 500, answers: int = 12) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        n = synthetic_class(Path(tmp), students, answers)
        wall, _, _ = _run([sys.executable, "-m", "symbackprop", "grade", str(Path(tmp) / "submissions"),
                           "--workers", "2", "--no-cache", "--quiet", "--format", "csv"])
    return wall, n


# ------------------------------------------------------------ the report
# ------------------------------------------------------------ 4. refutations and hard cases
# (problem, sizes, batch, activation, claim, what the issue measured before the certified quick look)
HARD_CASES = [
    ("mle-sheet4", "32,32,32", None, "relu", "missing-transpose twin of ∇W^{(0)}",
     r"\nabla_{W^{(0)}} L = ((W^{(1)}) (\hat{y} - y) \odot \varphi'(\tilde{z}^{(1)})) (x)^T", "54 s"),
    ("mle-sheet4", "32,32,32", None, "relu", "∇W^{(1)} with φ at the activation",
     r"\nabla_{W^{(1)}} L = (\hat{y} - y) (\tilde{z}^{(1)})^T", "-"),
    ("mle-sheet4", None, None, "relu", "exp tower",
     r"\delta^{(L)} = \exp(\exp(\exp(\exp(\exp(\hat{y})))))", "undecided after 60 s"),
    ("assignment1", "2,3,4,5", 6, "relu", "δ recursion (true), ReLU",
     r"\delta_l = (W_{l+1}^T \delta_{l+1}) \odot f'_l(S_l)", "undecided after 500 s"),
    ("assignment1", "2,3,4,5", 6, "generic", "δ recursion (true), generic f",
     r"\delta_l = (W_{l+1}^T \delta_{l+1}) \odot f'_l(S_l)", "0.1 s"),
]


def hard_case_rows() -> list[dict]:
    rows = []
    for problem, sizes, batch, activation, name, latex, before in HARD_CASES:
        argv = [sys.executable, "-m", "symbackprop", "check", "--problem", problem, "--activation", activation,
                "--format", "json", "--timeout", "600", latex]
        if sizes:
            argv[4:4] = ["--sizes", sizes]
        if batch:
            argv[4:4] = ["--batch", str(batch)]
        wall, peak, out = _run(argv)
        data = json.loads(out) if out.strip().startswith("{") else {"verdict": "error", "seconds": wall}
        rows.append({"case": name, "problem": problem, "sizes": sizes or "default", "verdict": data["verdict"],
                     "check_s": data["seconds"], "wall_s": wall, "peak_mb": peak, "before": before})
    return rows


def _fmt(x, digits=3) -> str:
    if x is None:
        return f"no finish (>{NAIVE_CAP:g} s)"
    if isinstance(x, float) and math.isnan(x):
        return "not proved"
    return f"{x:.{digits}f}"


def run_bench(widths=(4, 8, 16, 32, 64), fmt: str = "text", quick: bool = False) -> dict:
    if quick:
        widths = tuple(w for w in widths if w <= 16)
    result = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    result["naive"] = naive_rows()
    result["scaling"] = scaling_rows(widths) + scaling_rows((16,), ("generic",))
    result["exponent_relu"] = fitted_exponent(result["scaling"])
    result["hard_cases"] = hard_case_rows()
    result["verify_s"] = verify_seconds()
    result["grading_warm_median_s"] = warm_grading_median()
    n_students = 100 if quick else 500
    result["grading_class_s"], result["grading_class_answers"] = grading_class_seconds(n_students)
    if fmt == "json":
        print(json.dumps(result, indent=1))
    else:
        print(render(result))
    return result


def render(r: dict) -> str:
    out = [f"symbackprop bench — {r['machine']}", "",
           "1. Zero test vs naive sympy.simplify(diff - claim) == 0, same entries (softmax-CE MLP, ReLU)",
           f"{'width':>5} {'claim':8} {'entries':>7} {'zero test s':>12} {'check s':>9} {'naive s':>22} "
           f"{'naive/zero':>11} {'naive/check':>12}"]
    for row in r["naive"]:
        naive = row["naive_s"]
        ratio = (naive / row["zero_test_s"]) if isinstance(naive, float) and not math.isnan(naive) else None
        ratio2 = (naive / row["check_s"]) if ratio is not None else None
        if naive is None:
            ratio_s = f">{NAIVE_CAP / row['zero_test_s']:.0f}x"
            ratio2_s = f">{NAIVE_CAP / row['check_s']:.0f}x"
        else:
            ratio_s = f"{ratio:.0f}x" if ratio else "-"
            ratio2_s = f"{ratio2:.0f}x" if ratio2 else "-"
        out.append(f"{row['width']:>5} {row['claim']:8} {row['entries']:>7} {row['zero_test_s']:>12.4f} "
                   f"{row['check_s']:>9.3f} {_fmt(naive):>22} {ratio_s:>11} {ratio2_s:>12}")
    for w in sorted({row["width"] for row in r["naive"]}):
        rows = [row for row in r["naive"] if row["width"] == w]
        zt = sum(row["zero_test_s"] for row in rows)
        ck = sum(row["check_s"] for row in rows)
        finished = all(isinstance(row["naive_s"], float) and not math.isnan(row["naive_s"]) for row in rows)
        naive = sum(row["naive_s"] or NAIVE_CAP for row in rows)
        sign = "" if finished else ">"
        out.append(f"{w:>5} {'all four':8} {sum(row['entries'] for row in rows):>7} {zt:>12.4f} {ck:>9.3f} "
                   f"{sign + format(naive, '.3f'):>22} {sign + format(naive / zt, '.0f') + 'x':>11} "
                   f"{sign + format(naive / ck, '.0f') + 'x':>12}")
    out += ["", "2. symbackprop alone, one process per claim (symbackprop check --sizes w,w,w)",
            f"{'act':8} {'width':>5} {'claim':8} {'verdict':8} {'proof s':>9} {'wall s':>8} {'peak MB':>8}"]
    for row in r["scaling"]:
        out.append(f"{row['activation']:8} {row['width']:>5} {row['claim']:8} {row['verdict']:8} "
                   f"{row['proof_s']:>9.3f} {row['wall_s']:>8.2f} {row['peak_mb']:>8.0f}")
    totals: dict = {}
    for row in r["scaling"]:
        t = totals.setdefault((row["activation"], row["width"]), [0.0, 0.0, 0.0, []])
        t[0] += row["proof_s"]
        t[1] += row["wall_s"]
        t[2] = max(t[2], row["peak_mb"])
        t[3].append(row["proof_s"])
    out += ["", f"{'act':8} {'width':>5} {'median proof s':>15} {'total proof s':>14} {'total wall s':>13} "
                f"{'peak MB':>8}"]
    for (act, w), (p, wall, peak, each) in totals.items():
        out.append(f"{act:8} {w:>5} {statistics.median(each):>15.3f} {p:>14.2f} {wall:>13.2f} {peak:>8.0f}")
    out += ["", f"fitted exponent (ReLU, total proof time ∝ width^k, widths ≥ 8): k = {r['exponent_relu']:.2f}",
            "", "4. Wrong claims and hard cases, one process each (check; 'before' as measured in issue 10)",
            f"{'case':42} {'sizes':10} {'verdict':10} {'check s':>8} {'wall s':>7} {'peak MB':>8}  before"]
    for row in r.get("hard_cases", []):
        out.append(f"{row['case']:42} {row['sizes']:10} {row['verdict']:10} {row['check_s']:>8.2f} "
                   f"{row['wall_s']:>7.2f} {row['peak_mb']:>8.0f}  {row['before']}")
    out += ["", "3. Catalogue and grading",
            f"symbackprop verify (whole catalogue): {r['verify_s']:.2f} s wall",
            f"grading, warm caches: median {1000 * r['grading_warm_median_s']:.1f} ms per answer",
            f"grading a synthetic class, {r['grading_class_answers']} answers, --workers 2: "
            f"{r['grading_class_s']:.1f} s wall"]
    return "\n".join(out)
