"""Problems as data, from the lead's side: readings the verdict must state,
and messages a problem author gets.  (tests/test_problem_files.py holds the
large hand-written corpus.)"""

from pathlib import Path

import pytest

from symbackprop.catalogue.load import load_problem
from symbackprop.errors import ProblemError
from symbackprop.proof.check import check

DATA = Path(__file__).resolve().parent / "data" / "problems_lead"
TANH = load_problem(DATA / "tanh-wd-lead.toml")
BCE = load_problem(DATA / "bce-lead.toml")


@pytest.mark.parametrize("problem, latex, verdict, read", [
    (TANH, r"\frac{\partial \mathcal{L}}{\partial a} = (W_2^\top (\hat{y} - y)) \odot (1 - h \odot h)", "proved",
     "1 as a vector"),
    (TANH, r"\frac{\partial \mathcal{L}}{\partial a} = (W_2^\top (\hat{y} - y)) \odot (1 - h^2)", "proved",
     "h^2 entry by entry"),
    (TANH, r"\frac{\partial \mathcal{L}}{\partial a} = (W_2^\top (\hat{y} - y)) \odot (2 - h^2)", "refuted",
     "h^2 entry by entry"),
    (TANH, r"\frac{\partial \mathcal{L}}{\partial W_1} = \left[(W_2^\top (\hat{y} - y)) \odot (1 - \tanh^2(a))\right] "
           r"x^\top + \lambda W_1", "proved", "entry by entry"),
    (TANH, r"\|W_1\|_F^2 = W_1^2", "ill-formed", ""),          # a matrix has no entrywise power here
    (BCE, r"\nabla_w J = \frac{1}{n} X^\top (\hat{y} - y)", "proved", ""),
    (BCE, r"\nabla_w J = X^\top (\hat{y} - y)", "refuted", ""),
    (BCE, r"J = \frac{1}{n} \sum_i \left[ \log(1 + e^{-z_i}) + (1 - y_i) z_i \right]", "proved", ""),
])
def test_verdict_and_reading(problem, latex, verdict, read):
    result = check(problem, latex)
    assert result.verdict.value == verdict, result.reason
    if read:
        assert any(read in r for r in result.readings), result.readings
        assert "read " in result.reason and result.as_json()["read_as"]
    else:
        assert "read_as" not in result.as_json() or verdict != "proved"


def test_a_name_that_is_both_a_size_and_a_tensor_is_refused(tmp_path):
    text = (DATA / "tanh-wd-lead.toml").read_text().replace("m = 4", "h = 4").replace('"m"', '"h"')
    path = tmp_path / "clash.toml"
    path.write_text(text)
    with pytest.raises(ProblemError) as info:
        load_problem(path)
    assert "h is declared twice" in str(info.value) and "a size in [sizes]" in str(info.value)
