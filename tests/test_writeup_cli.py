"""`symbackprop writeup`: a whole write-up, every step judged; hostile
write-ups are handled like hostile answers (no crash, nothing executed)."""

import json
from pathlib import Path

from symbackprop.cli.main import main

DATA = Path(__file__).resolve().parent / "data"


def _run(capsys, *args):
    code = main(["writeup", *map(str, args), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_seed_000_every_step_judged(capsys):
    code, out = _run(capsys, next((DATA / "seeds").glob("000_*.txt")), "--problem", "mle-sheet4")
    assert code == 1                          # the seed has wrong and ill-formed steps
    steps = out["steps"]
    assert out["summary"]["steps"] >= 40 and out["summary"]["verdicts"]["proved"] >= 20
    assert all(s["line"] >= 1 and s["column"] >= 1 for s in steps)
    proved = {s["line"] for s in steps if s["verdict"] == "proved"}
    assert {9, 21, 23, 27, 29, 39} <= proved  # L = -Σ y ln ŷ, ln ŷ_i = z̃_i - ln Σ exp, the chain of δ_ij - ŷ_j, δ_i = ŷ_i - y_i


def test_the_garbled_copy_does_not_crash(capsys):
    code, out = _run(capsys, DATA / "seed_001.txt", "--problem", "mle-sheet4")
    assert code in (1, 2) and out["steps"]
    assert any(s["verdict"] == "unparseable" and s["line"] >= 1 for s in out["steps"])


def test_a_hostile_latex_write_up(capsys, tmp_path):
    path = tmp_path / "evil.tex"
    path.write_text("\\input{/etc/passwd}\\write18{touch pwned}\\catcode`\\$=12\n"
                    "\\begin{align*} x &= \\input{/etc/passwd} \\end{align*}\n" + "$a$" * 5000)
    code, out = _run(capsys, path, "--problem", "mle-sheet4")
    assert code in (1, 2)
    assert not (tmp_path / "pwned").exists()


def test_for_the_relu_holds_for_its_section(capsys, tmp_path):
    path = tmp_path / "relu.md"
    path.write_text("# Task\n\nFor the ReLU we have\n\n$$\\text{ReLU}'(\\tilde{z}^{(l)}) = \\phi'(\\tilde{z}^{(l)})$$\n\n"
                    "# Next\n\n$$\\text{ReLU}'(\\tilde{z}^{(l)}) = \\phi'(\\tilde{z}^{(l)})$$\n")
    code, out = _run(capsys, path, "--problem", "mle-sheet4", "--activation", "generic")
    assert [s["verdict"] for s in out["steps"]] == ["proved", "refuted"] and code == 1


def test_the_write_up_handed_back_with_marks(capsys, tmp_path):
    md = tmp_path / "w.md"
    md.write_text("We have\n\n$$\\hat{y} = \\sigma(\\tilde{z}^{(L)}) = y$$\n")
    assert main(["writeup", str(md), "--problem", "mle-sheet4", "--format", "md"]) == 1
    out = capsys.readouterr().out
    assert "$$\\hat{y} = \\sigma(\\tilde{z}^{(L)}) = y$$  ✓[^s1] ✗[^s2]" in out
    assert "[^s2]: refuted (line 3" in out and "We have" in out
    tex = tmp_path / "w.tex"
    tex.write_text("\\begin{align*}\n\\hat{y} &= \\sigma(\\tilde{z}^{(L)}) \\\\\n&= y\n\\end{align*}\n")
    assert main(["writeup", str(tex), "--problem", "mle-sheet4", "--format", "md"]) == 1
    out = capsys.readouterr().out
    assert "\\hat{y} &= \\sigma(\\tilde{z}^{(L)}) \\\\  % ✓ s1" in out and "&= y  % ✗ s2" in out
    assert "% s2: refuted (line 3, column 4)" in out
