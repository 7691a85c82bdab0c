"""Formulas the seeds do not contain, written in each problem's notation:
other index letters, other decorations, component and matrix forms, right
and wrong.  One line per formula in tests/data/variants/<problem>.txt:
`<verdict> <latex>`, or `<activation>=<verdict>,... <latex>`."""

from pathlib import Path

import pytest

from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

DATA = Path(__file__).resolve().parent / "data" / "variants"


def _cases():
    for path in sorted(DATA.glob("*.txt")):
        problem = load_problem(path.stem)
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            want, latex = line.split(" ", 1)
            expected = dict(w.split("=") for w in want.split(",")) if "=" in want else {}
            for activation in (problem.activation,) + problem.also_check:
                yield pytest.param(problem, activation, latex, expected.get(activation, want),
                                   id=f"{path.stem}:{n}:{activation}")


@pytest.mark.parametrize("problem, activation, latex, want", list(_cases()))
def test_variant(problem, activation, latex, want):
    result = check(problem, latex, activation, timeout=30)
    assert result.verdict.value == want, (latex, result.reason)
