"""Every catalogue claim gets its expected verdict; every wrong twin is caught."""

import pytest

from symbackprop.catalogue.load import load_catalogue
from symbackprop.proof.check import check

CASES = [(p, c, act) for p in load_catalogue() for act in (p.activation,) + p.also_check for c in p.claims]


@pytest.mark.parametrize("problem, claim, activation", CASES,
                         ids=[f"{p.id}:{c.id}:{a}" for p, c, a in CASES])
def test_claim_verdict(problem, claim, activation):
    result = check(problem, claim.latex, activation)
    assert result.verdict.value == claim.expected(activation), (claim.latex, result.reason)
    if result.verdict.value == "refuted":
        assert result.witness is not None and result.witness.lhs != result.witness.rhs


TWINS = [(p, c, act) for p, c, act in CASES if c.twin]


@pytest.mark.parametrize("problem, claim, activation", TWINS,
                         ids=[f"{p.id}:{c.id}:{a}:twin" for p, c, a in TWINS])
def test_wrong_twin_is_caught(problem, claim, activation):
    result = check(problem, claim.twin, activation)
    assert result.verdict.value in ("refuted", "ill-formed"), (claim.twin, claim.twin_mistake, result.reason)


def test_every_claim_cites_a_seed_line():
    """Problems copied from the seeds cite the seed line of every claim (new ones have no seed)."""
    from_seeds = [p for p in load_catalogue() if "seed" in p.source]
    assert len(from_seeds) >= 5
    for p in from_seeds:
        for c in p.claims:
            assert c.seed and ":" in c.seed, c.id
