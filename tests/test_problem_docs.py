"""docs/problem-format.md can't rot: every complete problem file in it (a
```toml block with a top-level `id`) loads, and each of its claims gets the
verdict the page says under every function choice; each twin is caught and
named by grading as its `twin_mistake`; each label's reference is proved.
Every other ```toml block (a fragment) is valid TOML, and the page's tables
list every built-in function and every mistake grading knows."""

import re
import tomllib
from pathlib import Path

import pytest

from symbackprop.grading.align import Budget
from symbackprop.registry import BUILTINS
from symbackprop.grading.grade import NAMING_BUDGET, name_mistake
from symbackprop.grading.mistakes import KNOWN
from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

DOC = Path(__file__).resolve().parent.parent / "docs" / "problem-format.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```toml\n(.*?)^```", TEXT, flags=re.S | re.M)
COMPLETE = [b for b in BLOCKS if "id" in tomllib.loads(b)]   # a top-level id: a whole problem file


def _id(block: str) -> str:
    return tomllib.loads(block)["id"]


def _load(block: str, tmp_path):
    path = tmp_path / f"{_id(block)}.toml"
    path.write_text(block, encoding="utf-8")
    return load_problem(path)


def test_the_page_has_three_complete_examples():
    assert len(COMPLETE) >= 3
    assert len({_id(b) for b in COMPLETE}) == len(COMPLETE), "two examples share an id"


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{k}" for k in range(len(BLOCKS))])
def test_every_toml_block_is_valid_toml(block):
    tomllib.loads(block)


CLAIMS = [(b, c["id"]) for b in COMPLETE for c in tomllib.loads(b).get("claims", [])]


@pytest.mark.parametrize("block, claim_id", CLAIMS, ids=[f"{_id(b)}:{c}" for b, c in CLAIMS])
def test_claim_gets_the_verdict_the_page_says(block, claim_id, tmp_path):
    problem = _load(block, tmp_path)
    claim = next(c for c in problem.claims if c.id == claim_id)
    for activation in problem.variants:
        result = check(problem, claim.latex, activation)
        assert result.verdict.value == claim.expected(activation), (claim.latex, activation, result.reason)
        if result.verdict.value == "refuted":
            assert result.witness is not None


TWINS = [(b, c["id"]) for b in COMPLETE for c in tomllib.loads(b).get("claims", []) if c.get("twin")]


@pytest.mark.parametrize("block, claim_id", TWINS, ids=[f"{_id(b)}:{c}:twin" for b, c in TWINS])
def test_twin_is_caught_and_named(block, claim_id, tmp_path):
    problem = _load(block, tmp_path)
    claim = next(c for c in problem.claims if c.id == claim_id)
    for activation in problem.variants:
        result = check(problem, claim.twin, activation)
        assert result.verdict.value in ("refuted", "ill-formed"), (claim.twin, activation, result.reason)
    assert claim.twin_mistake in KNOWN
    named = name_mistake(problem, claim.twin, claim.latex, Budget(NAMING_BUDGET))
    assert named is not None and named.name == claim.twin_mistake, (claim.twin, named and named.name)


@pytest.mark.parametrize("block", COMPLETE, ids=[_id(b) for b in COMPLETE])
def test_examples_have_labels_whose_references_are_proved(block, tmp_path):
    problem = _load(block, tmp_path)
    assert len(problem.labels) >= 2
    for label in problem.labels.values():
        assert check(problem, label.reference).verdict.value == "proved", label.label


def test_the_builtin_table_lists_every_builtin():
    table = TEXT.split("## 3. The built-in functions", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.M))
    assert listed == set(BUILTINS), (set(BUILTINS) - listed, listed - set(BUILTINS))


def test_the_mistake_table_lists_every_known_mistake():
    listed = set(re.findall(r"^\| ([^|`]+?) \| [^|]+ \|$", TEXT, flags=re.M))
    assert KNOWN <= listed, KNOWN - listed
