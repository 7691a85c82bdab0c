"""`verify --crosscheck`: the engine's derivatives against autograd through the
independent torch interpreter of the problem's equations."""

import pytest

from conftest import IN_CI
from symbackprop.tools.crosscheck import crosscheck_problem
from symbackprop.catalogue.load import load_problem

torch = pytest.importorskip("torch") if not IN_CI else __import__("torch")


@pytest.mark.parametrize("problem_id", ["assignment1-hinge", "cs446-hw0"])
def test_crosscheck_agrees_with_autograd(problem_id):
    rows = crosscheck_problem(load_problem(problem_id), scale=1)
    assert rows and all(r.ok for r in rows), [r for r in rows if not r.ok]
    assert sum(r.derivatives for r in rows) > 0   # derivatives really were recomputed independently


def test_crosscheck_sees_a_wrong_builder(monkeypatch):
    """A network builder that gets one derivative wrong is caught (the check can fail)."""
    problem = load_problem("cs446-hw0")
    from symbackprop.engine import graph
    real = graph.Network.differentiate

    def off_by_half(self, expr, wrt, index, label=None):
        return real(self, expr, wrt, index, label) * 2
    monkeypatch.setattr(graph.Network, "differentiate", off_by_half)
    rows = crosscheck_problem(problem, scale=1)
    assert any(not r.ok for r in rows)
