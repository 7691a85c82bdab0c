"""Worked examples: printed numbers classified exactly against the exercise's values."""

from fractions import Fraction as F

import pytest

from symbackprop.proof.worked import classify, decimal_str
from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check


@pytest.mark.parametrize("printed, decimals, exact, status", [
    ("0.458", 3, "0.458", "exact"),
    ("0.0986", 4, "0.09859", "rounded"),
    ("0.0985", 4, "0.09859", "truncated"),
    ("-0.2254", 4, "-0.2253525", "rounded"),
    ("-0.2253", 4, "-0.2253525", "truncated"),
    ("0.2658", 4, "0.26584", "rounded"),       # rounding and truncation agree: called rounded
    ("0.2659", 4, "0.26584", "wrong"),
    ("0.125", 2, "0.125", "exact"),
    ("0.13", 2, "0.125", "rounded"),           # a tie rounds away from zero
    ("0.12", 2, "0.125", "truncated"),
    ("0.11", 2, "0.125", "wrong"),
    ("3", 0, "2.5", "rounded"),
])
def test_classify(printed, decimals, exact, status):
    assert classify(F(printed), decimals, F(exact)) == status


def test_decimal_str():
    assert decimal_str(F("-0.2253525")) == "-0.2253525"
    assert decimal_str(F(1, 3)).startswith("≈0.3333")
    assert decimal_str(F(0)) == "0"


SEED_DELTA_2 = (r"\delta_2 = \frac{1}{4} \begin{bmatrix} 0.0985 - 1 & 0.0112 - 1 & 0.0633 + 1 & 0.0059 + 1 "
                r"\end{bmatrix} = \begin{bmatrix} -0.2253 & -0.2471 & 0.2658 & 0.2514 \end{bmatrix}")


def test_seed_tells_rounded_from_truncated():
    result = check(load_problem("assignment1-ex2"), SEED_DELTA_2)
    assert result.verdict.value == "proved"
    printed = {n.printed: n.status for n in result.numbers if n.side == 3}
    assert printed == {"-0.2253": "truncated", "-0.2471": "truncated", "0.2658": "rounded", "0.2514": "truncated"}
    assert {n.status for n in result.numbers if n.side == 2} == {"consistent"}


def test_a_wrong_number_is_refuted_with_its_exact_value():
    result = check(load_problem("assignment1-ex2"), SEED_DELTA_2.replace("0.2514", "0.2524"))
    assert result.verdict.value == "refuted"
    assert "0.2524" in result.reason and "0.25148625" in result.reason
    assert result.witness.values["W_2[1,3]"] == "0.09"


def test_an_expression_that_cannot_give_the_value_is_refuted():
    result = check(load_problem("assignment1-ex2"), SEED_DELTA_2.replace("0.0633 + 1", "0.0733 + 1"))
    assert result.verdict.value == "refuted" and "side 2" in result.reason


def test_symbolic_sides_must_agree_exactly():
    assert check(load_problem("assignment1-ex2"), r"Y_{out} = Z_2 = S_2 = W_2 Z_1").verdict.value == "proved"
    assert check(load_problem("assignment1-ex2"), r"Z_1 = S_1").verdict.value == "refuted"  # ReLU clips
    assert check(load_problem("assignment1-ex2"), r"S_1 = W_1 X^T").verdict.value == "ill-formed"
