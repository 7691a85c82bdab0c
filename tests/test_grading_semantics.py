"""Grades carry the verdict's qualifiers: a correct answer that holds only
almost everywhere, or only vacuously, says so (issue 10 §2, §3)."""

from symbackprop.grading.grade import grade_answer, grade_from_json
from symbackprop.catalogue.load import load_problem

MLE = load_problem("mle-sheet4")


def test_almost_everywhere_is_carried_and_cached():
    g = grade_answer(MLE, "t3", r"\delta^{(L-1)}_i = [(W^{(L-1)})^T \delta^{(L)}]_i "
                                r"\mathbf{1}_{\{\tilde{z}_i^{(L-1)} \geq 0\}}", activation="relu")
    assert g.verdict == "correct" and g.almost_everywhere and "z̃" in g.fails_where
    assert "almost everywhere" in g.reason
    again = grade_from_json(g.as_json())
    assert again.almost_everywhere and again.fails_where == g.fails_where


def test_the_activation_indicator_is_incorrect():
    g = grade_answer(MLE, "t3", r"\delta^{(L-1)}_i = [(W^{(L-1)})^T \delta^{(L)}]_i "
                                r"\mathbf{1}_{\{z_i^{(L-1)} \geq 0\}}", activation="relu")
    assert g.verdict == "incorrect" and g.witness is not None


def test_vacuous_is_carried():
    g = grade_answer(MLE, "t1", r"\mathbf{1}_{\{0 > 0\}} = 1 \Rightarrow \delta^{(L)} = 0")
    assert g.verdict == "correct" and g.vacuous and not g.almost_everywhere


def test_a_premise_is_not_graded_as_the_answer():
    cs = load_problem("cs446-hw0")
    wrong = grade_answer(cs, "q", r"y_k = 1 \Rightarrow \frac{\partial \text{Err}}{\partial z_k} = \hat{y}_k")
    right = grade_answer(cs, "q", r"y_k = 1 \Rightarrow \frac{\partial \text{Err}}{\partial z_k} = \hat{y}_k - 1")
    assert (wrong.verdict, right.verdict) == ("incorrect", "correct")
