"""Issue 10 §2–§4, §6: the exact pointwise meaning of steps, kinks,
premises, sizes and witnesses.  Each row: (problem, activation, claim,
verdict, qualifier) with qualifier "ae" (proved almost everywhere),
"vacuous", "exact" (proved everywhere) or "" (no qualifier checked)."""

from __future__ import annotations

import re

import pytest

from symbackprop.errors import SizeError
from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

P = "proved"
R = "refuted"
I = "ill-formed"

ROWS = [
    # §2 ≥ includes 0, > excludes it, exactly
    ("mle-sheet4", None, r"\mathbf{1}_{\{0 \geq 0\}} = 1", P, "exact"),
    ("mle-sheet4", None, r"\mathbf{1}_{\{0 \geq 0\}} = 0", R, ""),
    ("mle-sheet4", None, r"\mathbf{1}_{\{0 > 0\}} = 0", P, "exact"),
    ("mle-sheet4", None, r"\mathbf{1}_{\{0 \leq 0\}} = 1", P, "exact"),
    ("mle-sheet4", None, r"\mathbf{1}_{\{0 < 0\}} = 1", R, ""),
    ("mle-sheet4", None, r"\mathbf{1}_{\{x_1 \geq 0\}} + \mathbf{1}_{\{x_1 < 0\}} = 1", P, "exact"),
    ("mle-sheet4", None, r"\mathbf{1}_{\{x_1 > 0\}} + \mathbf{1}_{\{x_1 < 0\}} = 1", P, "ae"),
    ("mle-sheet4", None, r"\mathbf{1}_{\{x_1 > 0\}} + \mathbf{1}_{\{x_1 \leq 0\}} = 1", P, "exact"),
    ("mle-sheet4", None, r"\mathbf{1}_{\{x_1 \geq 0\}} + \mathbf{1}_{\{x_1 \leq 0\}} = 1", P, "ae"),
    # the indicator of the activation (always >= 0 under ReLU): the classic mistake
    ("mle-sheet4", "relu", r"\delta^{(L-1)}_i = [(W^{(L-1)})^T \delta^{(L)}]_i \mathbf{1}_{\{z_i^{(L-1)} \geq 0\}}", R, ""),
    ("mle-sheet4", "relu", r"\delta^{(L-1)}_i = [(W^{(L-1)})^T \delta^{(L)}]_i \mathbf{1}_{\{z_i^{(L-1)} > 0\}}", P, "exact"),
    ("mle-sheet4", "relu", r"\mathbf{1}_{\{z_1^{(1)} \geq 0\}} = 1", P, "exact"),
    ("mle-sheet4", "relu", r"\mathbf{1}_{\{z_1^{(1)} > 0\}} = \mathbf{1}_{\{\tilde{z}_1^{(1)} > 0\}}", P, "exact"),
    ("mle-sheet4", "relu", r"\mathbf{1}_{\{z_1^{(1)} \geq 0\}} = \mathbf{1}_{\{\tilde{z}_1^{(1)} \geq 0\}}", R, ""),
    # the pre-activation's indicator with >= : true except where it is 0
    ("mle-sheet4", "relu", r"\delta^{(L-1)}_i = [(W^{(L-1)})^T \delta^{(L)}]_i \mathbf{1}_{\{\tilde{z}_i^{(L-1)} \geq 0\}}", P, "ae"),
    ("mle-sheet4", "relu", r"\phi'(x_1) + \phi'(-x_1) = 1", P, "ae"),
    ("mle-sheet4", "relu", r"\phi'(x_1) + \phi'(-x_1) = \mathbf{1}_{\{x_1 \neq 0\}}", P, "exact"),
    ("mle-sheet4", "relu", r"\phi'(0) = 0", P, "exact"),
    ("mle-sheet4", "relu", r"\phi'(0) = 1", R, ""),
    ("mle-sheet4", "relu", r"\phi'(x_1 - x_1) = 0", P, "exact"),
    ("mle-sheet4", "relu", r"\phi'(x_1 - x_1) + \phi'(x_1 - x_1) = 1", R, ""),  # cancels: no a.e. licence
    ("mle-sheet4", "relu", r"\tilde{z}_i^{(L-1)} \geq 0 \Rightarrow \phi'(\tilde{z}_i^{(L-1)}) = 1", P, "ae"),
    ("mle-sheet4", "relu", r"\tilde{z}_i^{(L-1)} > 0 \Rightarrow \phi'(\tilde{z}_i^{(L-1)}) = 1", P, "exact"),
    # the hinge problem: the l = y_i term of an indicator with >= is 1, not 0
    ("assignment1-hinge", None,
     r"\sum_{l=1}^{C} \mathbf{1}_{\{p_l \geq p_{y_i}\}} = \sum_{l \neq y_i} \mathbf{1}_{\{p_l \geq p_{y_i}\}}", R, ""),
    ("assignment1-hinge", None,
     r"\sum_{l=1}^{C} \mathbf{1}_{\{p_l \geq p_{y_i}\}} = 1 + \sum_{l \neq y_i} \mathbf{1}_{\{p_l \geq p_{y_i}\}}", P, ""),
    ("assignment1-hinge", None,
     r"\sum_{l=1}^{C} \mathbf{1}_{\{p_l > p_{y_i}\}} = \sum_{l \neq y_i} \mathbf{1}_{\{p_l > p_{y_i}\}}", P, "exact"),
    ("assignment1-hinge", None, r"\max(0, \text{margin}) = \text{margin}", P, ""),
    ("assignment1-hinge", None, r"\max(0, -\text{margin}) = 0", P, ""),
    # §3 premises restrict the domain; equations included; never checked themselves
    ("cs446-hw0", None, r"y_k = 1 \Rightarrow \frac{\partial \text{Err}}{\partial z_k} = \hat{y}_k - 1", P, ""),
    ("cs446-hw0", None, r"y_k = 0 \Rightarrow \frac{\partial \text{Err}}{\partial z_k} = \hat{y}_k", P, ""),
    ("cs446-hw0", None, r"y_k = 1 \Rightarrow \frac{\partial \text{Err}}{\partial z_k} = \hat{y}_k", R, ""),
    ("cs446-hw0", None, r"\text{Err} = -\ln(\sum_k y_k \hat{y}_k)", P, ""),
    ("cs446-hw0", None, r"y_k = 2 \Rightarrow \frac{\partial \text{Err}}{\partial z_k} = 0", P, "vacuous"),
    ("mle-sheet4", None, r"\hat{y} = y \Rightarrow \nabla_{W^{(0)}} L = 0", P, ""),
    ("mle-sheet4", None, r"\hat{y} = y \Rightarrow \nabla_{W^{(1)}} L = \hat{y}", I, ""),
    ("mle-sheet4", None, r"W^{(L-1)} = 0 \Rightarrow \nabla_{W^{(0)}} L = 0", P, ""),
    ("mle-sheet4", "relu", r"\hat{y} = y \Rightarrow L = 0", R, ""),  # L is then the entropy of ŷ
    ("mle-sheet4", "relu", r"\hat{y} = y \Rightarrow \delta^{(L)} = 0", P, ""),
    ("mle-sheet4", None, r"W^{(L-1)} = 0 \Rightarrow \nabla_{W^{(L-1)}} L = 0", R, ""),
    ("mle-sheet4", None, r"b^{(0)} = 0 \Rightarrow \nabla_{b^{(L-1)}} L = \hat{y} - y", P, ""),
    ("mle-sheet4", None, r"\mathbf{1}_{\{0 > 0\}} = 1 \Rightarrow \delta^{(L)} = 0", P, "vacuous"),
    ("mle-sheet4", "relu", r"z_1^{(1)} < 0 \Rightarrow \delta^{(L)} = 0", P, "vacuous"),
    ("mle-sheet4", "relu", r"\tilde{z}_1^{(1)} \leq 0 \Rightarrow z_1^{(1)} = 0", P, "exact"),
    ("mle-sheet4", "relu", r"\tilde{z}_1^{(1)} < 0 \Rightarrow z_1^{(1)} = \tilde{z}_1^{(1)}", R, ""),
    ("mle-sheet4", "relu",
     r"\tilde{z}_i^{(L-1)} \leq 0 \Rightarrow \mathbf{1}_{\{\tilde{z}_i^{(L-1)} > 0\}} = 0 \Rightarrow \delta_i^{(L-1)} = 0", P, ""),
    ("assignment1-hinge", None, r"j \neq y_i \Rightarrow \frac{\partial p_j}{\partial o_{y_i}} = -p_j p_{y_i}", P, ""),
    ("assignment1-hinge", None, r"j = y_i \Rightarrow \frac{\partial p_j}{\partial o_{y_i}} = -p_j p_{y_i}", R, ""),
    ("assignment1-hinge", None,
     r"\frac{\partial p_i}{\partial o_j} = \begin{cases} p_j(1-p_j) & i = j \\ -p_i p_j & i \neq j \end{cases}", P, ""),
    ("assignment1-hinge", None,
     r"\frac{\partial p_i}{\partial o_j} = \begin{cases} p_j(1-p_j) & i \neq j \\ -p_i p_j & i = j \end{cases}", R, ""),
    # an equation premise that can't be solved for an input may leave a set of
    # measure zero (o_1 = o_2 here): no almost-everywhere licence there
    ("assignment1-hinge", None, r"p_1 = p_2 \Rightarrow \mathbf{1}_{\{o_1 - o_2 \geq 0\}} = \mathbf{1}_{\{o_1 - o_2 > 0\}}",
     "not proved", ""),
    # §4 a 1×1 matrix is a scalar
    ("mle-sheet4", None, r"\text{tr}(\delta^{(L)} (\delta^{(L)})^T) = (\delta^{(L)})^T \delta^{(L)}", P, ""),
    ("assignment1", None, r"\mathbb{1}_N^T \mathbb{1}_N = N", P, ""),
    ("assignment1", None, r"\langle \mathbb{1}_N, \mathbb{1}_N \rangle_F = N", P, ""),
    ("assignment1-ex2", None, r"\frac{\partial \mathcal{L}}{\partial b_2} = 0.0448", P, ""),
    # §4 a literal equal to one instance's size proves nothing
    ("mle-sheet4", None,
     r"\tilde{z}_k^{(L)} = \sum_{m=1}^{4} W_{km}^{(L-1)} z_m^{(L-1)} + b_k^{(L-1)}", R, ""),
    ("mle-sheet4", None,
     r"\tilde{z}_k^{(L)} = \sum_{m=1}^{d_{L-1}} W_{km}^{(L-1)} z_m^{(L-1)} + b_k^{(L-1)}", P, ""),
    ("assignment1", None, r"\frac{\partial \mathcal{L}}{\partial (b_l)_i} = \sum_{n=1}^{5} (\delta_l)_{in}", R, ""),
    ("assignment1", None, r"\frac{\partial \mathcal{L}}{\partial (b_l)_i} = \sum_{n=1}^{N} (\delta_l)_{in}", P, ""),
    ("mle-sheet4", None, r"\hat{y}_5 = \frac{\exp \tilde{z}_C^{(L)}}{\sum_{m=1}^C \exp \tilde{z}_m^{(L)}}", R, ""),
    ("assignment1-hinge", None, r"\sum_{r=1}^{4} p_r = 1", R, ""),
    ("assignment1-hinge", None, r"\sum_{r=1}^{C} p_r = 1", P, ""),
    # §5 (the zero test's part): exponentials split over sums
    ("assignment1-hinge", None, r"p_l = p_{y_i} e^{o_l - o_{y_i}}", P, ""),
    ("assignment1-hinge", None, r"p_l = p_{y_i} e^{o_{y_i} - o_l}", R, ""),
    ("assignment1-hinge", None, r"e^{o_l + o_j} = e^{o_l} e^{o_j}", P, ""),
    # an identity that holds on the kink set too is exact, not "almost everywhere"
    ("mle-sheet4", "relu", r"\max(0, x_1) - \max(0, -x_1) = x_1", P, "exact"),
    ("mle-sheet4", "relu", r"z^{(1)}_2 = \tilde{z}^{(1)}_2 \mathbf{1}_{\{\tilde{z}^{(1)}_2 \geq 0\}}", P, "exact"),
    ("assignment1-hinge", None, r"\max(0, o_1) = o_1 \mathbf{1}_{\{o_1 \geq 0\}}", P, "exact"),
    ("mle-sheet4", "relu", r"\max(0, x_1) = x_1 \phi'(x_1) + 1", R, ""),
    # cases: the first case that holds, never a sum of overlapping ones; a gap proves nothing
    ("mle-sheet4", "relu",
     r"\begin{cases} x_1 & x_1 > 0 \\ x_2 & x_2 > 0 \\ 0 & \text{otherwise} \end{cases} = \phi(x_1) + \phi(x_2)", R, ""),
    ("mle-sheet4", "relu",
     r"\begin{cases} 0 & x_1 \geq 0 \\ 0 & x_1 \geq -1 \\ 5 & \text{otherwise} \end{cases} = "
     r"5 \mathbf{1}_{\{x_1 < -1\}} - 5 \mathbf{1}_{\{x_1 \geq 0\}}", R, ""),
    ("mle-sheet4", "relu", r"\phi'(x_1) = \begin{cases} 1 & x_1 > 0 \end{cases}", "not proved", ""),
    ("mle-sheet4", "relu", r"\phi'(x_1) = \begin{cases} 1 & x_1 > 0 \\ 0 & x_1 \leq 0 \end{cases}", P, "exact"),
    ("mle-sheet4", "relu", r"\phi'(x_1) = \begin{cases} 1 & x_1 > 0 \\ 0 & x_1 < 0 \end{cases}", P, "ae"),
    # 0/0 where a ReLU is off is not 1
    ("mle-sheet4", "relu", r"\frac{z^{(1)}_1}{z^{(1)}_1} = 1", I, ""),
    ("mle-sheet4", "relu", r"\frac{z^{(1)}_1 \tilde{z}^{(1)}_1}{z^{(1)}_1} = \tilde{z}^{(1)}_1", I, ""),
    ("mle-sheet4", None, r"\frac{\partial \mathcal{L}}{\partial \hat{y}_i} = -\frac{y_i}{\hat{y}_i}", P, ""),
    # a written max(0, m) has the declared derivative 1{m > 0}
    ("assignment1-hinge", None, r"o_1 = 0 \Rightarrow \frac{\partial \max(0, o_1)}{\partial o_1} = 1", R, ""),
    ("assignment1-hinge", None, r"o_1 = 0 \Rightarrow \frac{\partial \max(0, o_1)}{\partial o_1} = 0", P, ""),
    ("assignment1-hinge", None, r"\frac{\partial \max(0, o_1 - o_2)}{\partial o_1} = \mathbf{1}_{\{o_1 > o_2\}}", P, "exact"),
    ("assignment1-hinge", None, r"\frac{\partial \max(0, o_1 - o_2)}{\partial o_1} = \mathbf{1}_{\{o_1 \geq o_2\}}", P, "ae"),
    ("mle-sheet4", "relu", r"x_1 = 0 \Rightarrow \frac{\partial \max(0, x_1)}{\partial x_1} = 1", R, ""),
    # §6 witnesses for towers, fast
    ("mle-sheet4", None, r"\delta^{(L)} = \exp(\exp(\exp(\exp(\exp(\hat{y})))))", R, ""),
]


def _id(row):
    return f"{row[0]}-{row[1] or 'default'}-{row[2][:50]}"


@pytest.mark.parametrize("problem_id,activation,latex,verdict,qualifier", ROWS, ids=[_id(r) for r in ROWS])
def test_semantics(problem_id, activation, latex, verdict, qualifier):
    problem = load_problem(problem_id)
    result = check(problem, latex, activation, timeout=120)
    if verdict == "not proved":
        assert result.verdict.value != P, (latex, result.reason)
        return
    assert result.verdict.value == verdict, (latex, result.reason)
    if qualifier == "ae":
        assert result.almost_everywhere and "almost everywhere" in result.reason and " = 0" in result.reason
        assert result.as_json()["almost_everywhere"] is True
    elif qualifier == "exact":
        assert not result.almost_everywhere and not result.vacuous, result.reason
    elif qualifier == "vacuous":
        assert result.vacuous and "never holds" in result.reason
    if verdict == R:
        w = result.witness
        assert w is not None and w.lhs != w.rhs
        assert not any(re.fullmatch(r"≈-?0(\.0*)?", v) for v in (w.lhs, w.rhs)), (w.lhs, w.rhs)


def test_witness_targets_are_a_probability_vector():
    problem = load_problem("mle-sheet4")
    result = check(problem, r"\delta^{(L)} = y - \hat{y}")
    assert result.verdict.value == R
    ys = {k: v for k, v in result.witness.values.items() if k.startswith("y")}
    from fractions import Fraction
    values = [Fraction(v) for v in ys.values()]
    assert values and all(0 <= v <= 1 for v in values) and sum(values) == 1


def test_witness_lists_only_what_the_entry_depends_on():
    problem = load_problem("mle-sheet4")
    result = check(problem, r"\phi'(0) = 1", "relu")
    assert result.verdict.value == R and result.witness.values == {}
    result = check(problem, r"\tilde{z}_1^{(1)} < 0 \Rightarrow z_1^{(1)} = \tilde{z}_1^{(1)}", "relu")
    assert set(result.witness.values) == {"x[1]", "x[2]", "W^(0)[1,1]", "W^(0)[1,2]", "b^(0)[1]"}


def test_a_refutation_on_the_second_instance_says_so():
    problem = load_problem("assignment1")
    result = check(problem, r"\frac{\partial \mathcal{L}}{\partial (b_l)_i} = \sum_{n=1}^{5} (\delta_l)_{in}")
    assert "second instance" in result.reason and "sizes" in result.witness.bindings


def test_width_one_layers():
    problem = load_problem("assignment1")
    ref = r"\frac{\partial \mathcal{L}}{\partial W_l} = \delta_l Z_{l-1}^T"
    twin = r"\frac{\partial \mathcal{L}}{\partial W_l} = \delta_l Z_{l-1}"
    assert check(problem, ref, sizes=(1, 1, 1, 1)).verdict.value == P
    assert check(problem, twin, sizes=(1, 1, 1, 1)).verdict.value == I
    mle = load_problem("mle-sheet4")
    assert check(mle, r"\nabla_{W^{(L-1)}} L = \delta^{(L)} (Z^{(L-1)})^T", sizes=(1, 1, 1, 1)).verdict.value == P
    assert check(mle, r"\delta^{(L)} = \hat{y} - y", sizes=(2, 1)).verdict.value == P  # C = 1


@pytest.mark.parametrize("problem_id,sizes,batch", [
    ("assignment1-ex2", (2, 3), None),     # a worked example's sizes are fixed
    ("assignment1-hinge", (2, 3), None),   # one size: C
    ("mle-sheet4", (2, 3), 4),             # no batch
    ("mle-sheet4", (2,), None),            # one width
    ("assignment1", (2, 3, 300), None),    # too large
])
def test_sizes_a_problem_cant_take_are_a_usage_error(problem_id, sizes, batch):
    with pytest.raises(SizeError):
        check(load_problem(problem_id), "a = a", sizes=sizes, batch=batch)


def test_batch_is_its_own_option():
    problem = load_problem("assignment1")
    result = check(problem, r"\frac{\partial \mathcal{L}}{\partial b_l} = \delta_l \mathbb{1}_N", sizes=(2, 3, 4), batch=7)
    assert result.verdict.value == P and (("d", (2, 3, 4)), ("N", 7)) in result.sizes


def test_verdicts_do_not_depend_on_what_ran_before():
    """Two networks' chain rules once shared symbol names (_mid0): the second
    activation's check recursed forever."""
    problem = load_problem("mle-sheet4")
    claim = r"\frac{\partial \phi(x_1)}{\partial x_1} = \phi'(x_1)"
    assert [check(problem, claim, a).verdict.value for a in ("relu", "generic", "relu")] == [P, P, P]
