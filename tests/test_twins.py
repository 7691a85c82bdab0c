"""Every wrong twin in the catalogue is named, by grading, as the mistake its
`twin_mistake` says — and that is one of the mistakes grading knows.

The name comes from a proof (the twin equals the claim with the mistake made,
or the twin with it undone equals the claim), found within the same budget of
comparisons grading uses, so it is the same on any machine."""

import pytest

from symbackprop.grading.align import Budget
from symbackprop.grading.grade import NAMING_BUDGET, name_mistake
from symbackprop.grading.mistakes import KNOWN, MUTATIONS
from symbackprop.catalogue.load import load_catalogue

TWINS = [(p, c) for p in load_catalogue() for c in p.claims if c.twin]


def test_there_are_twins_and_known_names():
    assert len(TWINS) >= 54
    assert {m.name for m in MUTATIONS} <= KNOWN


@pytest.mark.parametrize("problem, claim", TWINS, ids=[f"{p.id}:{c.id}" for p, c in TWINS])
def test_twin_is_named_as_its_mistake(problem, claim):
    assert claim.twin_mistake in KNOWN, f"{claim.twin_mistake!r} is not a mistake grading knows"
    budget = Budget(NAMING_BUDGET)
    named = name_mistake(problem, claim.twin, claim.latex, budget)
    assert named is not None, (claim.twin, f"no mistake proved in {budget.used} comparisons")
    assert named.name == claim.twin_mistake, (claim.twin, named.name, named.proof)
    assert named.proof.startswith("proved")


def test_hints_that_belong_to_one_course_come_from_its_problem_file():
    """"W^{(l)} feeds layer l+1" is mle-sheet4's convention; in assignment1 W_l maps layer l-1 to l."""
    by_id = {p.id: p for p, _ in TWINS}
    for pid, claim_id, says in (("assignment1", "dL-dW-delta", "W_l and b_l map layer l-1 to layer l"),
                                ("mle-sheet4", "t2-gradb", "feed layer l+1")):
        problem = by_id[pid]
        claim = next(c for c in problem.claims if c.id == claim_id)
        named = name_mistake(problem, claim.twin, claim.latex)
        assert named.name == "layer index off by one" and says in named.hint
    generic = next(m.hint for m in MUTATIONS if m.name == "layer index off by one")
    assert "l+1" not in generic and "W^{(l)}" not in generic
