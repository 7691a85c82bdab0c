"""Every wrong twin in the catalogue is named, by grading, as the mistake its
`twin_mistake` says — and that is one of the mistakes grading knows.

The name comes from a proof (the twin equals the claim with the mistake made,
or the twin with it undone equals the claim), found within the same budget of
comparisons grading uses, so it is the same on any machine."""

import pytest

from symbackprop.alignment import Budget
from symbackprop.grading import NAMING_BUDGET, name_mistake
from symbackprop.mistakes import KNOWN, MUTATIONS
from symbackprop.problems import load_catalogue

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
