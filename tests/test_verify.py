"""End-to-end checks through `verify.check`: bad input is a verdict, never a traceback."""

import re
from pathlib import Path

from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

SEED_001 = Path(__file__).resolve().parent / "data" / "seed_001.txt"


def test_seed_001_formulas_get_verdicts_not_tracebacks():
    problem = load_problem("mle-sheet4")
    formulas = re.findall(r"\$\$(.+?)\$\$|\$(.+?)\$", SEED_001.read_text(), flags=re.S)
    verdicts = {check(problem, a or b, timeout=20).verdict.value for a, b in formulas}
    assert verdicts == {"unparseable", "ill-formed"}  # each garbled formula: a reason, never a crash


def test_hostile_strings():
    problem = load_problem("mle-sheet4")
    for text in ["", "x" * 20000, "(" * 300, r"\frac{" * 200, "__import__('os').system('true')",
                 r"9^{9^{9^{9}}} = 1", r"\input{/etc/passwd}"]:
        result = check(problem, text, timeout=10)
        assert result.verdict.value in ("unparseable", "ill-formed", "undecided"), text[:30]
