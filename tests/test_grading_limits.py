"""Time caps nest without switching each other off, and a verdict or a
mistake's name never depends on how long something took.

No assertion here is about durations: the loops are bounded by counts, and
the caps asserted to fire are tiny against the work that outlives them."""

import pytest

from symbackprop.grading import grade as grading
from symbackprop.errors import TimeLimit
from symbackprop.grading.grade import grade_answer
from symbackprop.limits import time_cap
from symbackprop.catalogue.load import load_problem


def _spin(rounds: int = 10**9) -> None:
    x = 0
    for k in range(rounds):
        x += k


def test_an_inner_cap_does_not_switch_off_the_outer_one():
    with pytest.raises(TimeLimit):
        with time_cap(0.2):
            with time_cap(3600):
                pass          # the inner cap is left before anything happens
            _spin()           # the outer one must still fire here


def test_an_outer_limit_swallowed_inside_an_inner_cap_comes_back():
    """`check` turns a TimeLimit into `undecided`; the outer cap must still end the outer work."""
    reached = []
    with pytest.raises(TimeLimit):
        with time_cap(0.2):
            with time_cap(3600):
                try:
                    _spin()
                except TimeLimit:
                    reached.append("swallowed")
            reached.append("after the inner cap")  # must not run: the outer limit is raised on leaving
    assert reached == ["swallowed"]


def test_a_shorter_inner_cap_fires_and_the_outer_one_goes_on():
    fired = []
    with pytest.raises(TimeLimit):
        with time_cap(0.5):
            try:
                with time_cap(0.05):
                    _spin()
            except TimeLimit:
                fired.append("inner")
            _spin()
    assert fired == ["inner"]


P = load_problem("mle-sheet4")
RIGHT_T2 = r"\nabla_{W^{(L-1)}} L = \delta^{(L)} (z^{(L-1)})^T"


def test_a_true_answer_whose_topic_check_fails_is_undecided(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(grading, "focus", broken)
    g = grade_answer(P, "t2", RIGHT_T2, P.labels["t2"].reference, 2.0, 600)
    assert g.verdict == "undecided" and g.points == 0 and "answers this question" in g.reason


def test_a_true_answer_whose_topic_check_runs_out_of_time_is_undecided(monkeypatch):
    def slow(*args, **kwargs):
        raise TimeLimit("time limit of 1 s reached")
    monkeypatch.setattr(grading, "focus", slow)
    g = grade_answer(P, "t2", RIGHT_T2, P.labels["t2"].reference, 2.0, 600)
    assert g.verdict == "undecided" and g.points == 0 and g.cut_short


def test_naming_is_bounded_by_work_not_time():
    wrong = r"\nabla_{W^{(L-1)}} L = \delta^{(L)} z^{(L-1)}"
    ref = P.labels["t2"].reference
    assert grading.name_mistake(P, wrong, ref).name == "missing transpose"
    starved = grading.Budget(1)  # the alignment alone takes one comparison: nothing left to name with
    assert grading.name_mistake(P, wrong, ref, starved) is None and starved.spent
    g = grade_answer(P, "t2", wrong, ref, 2.0, 600, naming_budget=1)
    assert g.verdict == "incorrect" and g.mistake is None and not g.cut_short  # the same on any machine
