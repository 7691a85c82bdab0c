"""Issue section 6: every seed line the core must decide, through `symbackprop check --format json`."""

import dataclasses
import json

import pytest

from symbackprop.cli.main import main
from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

M, A1, EX2, H, CS = "mle-sheet4", "assignment1", "assignment1-ex2", "assignment1-hinge", "cs446-hw0"
BOTH = ("relu", "generic")

LINES = [
    # mle-sheet4 (seeds 000, 002)
    (M, BOTH, r"\underline{\delta}^{(L)} = \hat{\underline{y}} - \underline{y}", "proved"),
    (M, BOTH, r"\frac{\partial \ln \hat{y}_i}{\partial \tilde{z}_j^{(L)}} = \delta_{ij} - \hat{y}_j", "proved"),
    (M, BOTH, r"\frac{\partial \hat{y}_i}{\partial \tilde{z}_j^{(L)}} = \hat{y}_i(\delta_{ij} - \hat{y}_j)", "proved"),
    (M, BOTH, r"\frac{\partial \tilde{z}_k^{(L)}}{\partial W_{ij}^{(L-1)}} = \delta_{ik} Z_j^{(L-1)}", "proved"),
    (M, BOTH, r"\nabla_{\underline{W}^{(L-1)}} L = \underline{\delta}^{(L)} (\underline{Z}^{(L-1)})^T", "proved"),
    (M, BOTH, r"\nabla_{\underline{b}^{(L-1)}} L = \underline{\delta}^{(L)}", "proved"),
    (M, BOTH, r"\nabla_{\underline{W}^{(l)}} L = \underline{\delta}^{(l+1)} (\underline{Z}^{(l)})^T", "proved"),
    (M, BOTH, r"\nabla_{\underline{b}^{(l)}} L = \underline{\delta}^{(l+1)}", "proved"),
    (M, BOTH, r"\delta^{(L-1)} = (W^{(L-1)})^T (\hat{y} - y) \odot \varphi'(\tilde{z}^{(L-1)})", "proved"),
    (M, ("relu",), r"\delta^{(L-1)} = ( W^{(L-1)\top} \delta^{(L)} ) \odot \phi'( \mathbf{z}^{(L-1)} )", "proved"),
    (M, ("generic",), r"\delta^{(L-1)} = ( W^{(L-1)\top} \delta^{(L)} ) \odot \phi'( \mathbf{z}^{(L-1)} )", "refuted"),
    (M, ("relu",), r"\tilde{z}_i^{(L-1)} \leq 0 \Rightarrow \delta_i^{(L-1)} = 0", "proved"),
    (M, ("relu",), r"\tilde{z}_i^{(L-1)} \leq 0 \Rightarrow (\nabla_{b^{(L-1)}} L)_i = 0", "ill-formed"),  # not proved
    (M, ("relu",), r"\tilde{z}_i^{(L-1)} \leq 0 \Rightarrow (\nabla_{b^{(L-2)}} L)_i = 0", "proved"),
    (M, BOTH, r"(\sum_{i=1}^c y_i \hat{y}_j) - y_j = \hat{y}_i - y_i", "ill-formed"),
    (M, BOTH, r"\nabla_{b^{(L)}} L = \underline{\delta}^{(L-1)}", "ill-formed"),
    # assignment1 (seed 003, Exercise 1)
    (A1, ("generic",), r"\frac{\partial \mathcal{L}}{\partial Z_L} = \frac{1}{N} (Y_{out} - Y_{gt})", "proved"),
    (A1, ("generic",), r"\frac{\partial (Z_l)_{kn}}{\partial (W_l)_{ij}} = f'_l(S_l)_{kn} (Z_{l-1})_{jn} \mathbf{1}_i^k", "proved"),
    (A1, ("generic",), r"\frac{\partial \mathcal{L}}{\partial (W_l)_{ij}} = \left\langle \frac{\partial \mathcal{L}}{\partial Z_l}, \frac{\partial Z_l}{\partial (W_l)_{ij}} \right\rangle_F", "proved"),
    (A1, ("generic",), r"\frac{\partial \mathcal{L}}{\partial (W_l)_{ij}} = \sum_{n=1}^N \frac{\partial \mathcal{L}}{\partial (Z_l)_{in}} f'_l(S_l)_{in}(Z_{l-1})_{jn}", "proved"),
    (A1, ("generic",), r"\frac{\partial \mathcal{L}}{\partial W_l} = \left( \frac{\partial \mathcal{L}}{\partial Z_l} \odot f'_l(S_l) \right) Z_{l-1}^T", "proved"),
    (A1, ("generic",), r"\frac{\partial \mathcal{L}}{\partial b_l} = \left( \frac{\partial \mathcal{L}}{\partial Z_l} \odot f'_l(S_l) \right) \mathbb{1}_N", "proved"),
    (A1, ("generic",), r"\frac{\partial (Z_{l+1})_{kn}}{\partial (Z_l)_{ij}} = f'_{l+1}(S_{l+1})_{kn} (W_{l+1})_{ki} \mathbf{1}_j^n", "proved"),
    (A1, ("generic",), r"\frac{\partial \mathcal{L}}{\partial Z_l} = W_{l+1}^T \left( \frac{\partial \mathcal{L}}{\partial Z_{l+1}} \odot f'_{l+1}(S_{l+1}) \right)", "proved"),
    (A1, ("generic",), r"\delta_L = \frac{1}{N} (Y_{out} - Y_{gt}) \odot f'_L(S_L)", "proved"),
    (A1, ("generic",), r"\delta_l = (W_{l+1}^T \delta_{l+1}) \odot f'_l(S_l)", "proved"),
    (A1, ("generic",), r"\frac{\partial \mathcal{L}}{\partial (b_l)_{ij}} = \left\langle \frac{\partial \mathcal{L}}{\partial Z_l}, \frac{\partial Z_l}{\partial (b_l)_{ij}} \right\rangle_F", "ill-formed"),
    # assignment1-ex2 (seed 003, Exercise 2)
    (EX2, ("default",), r"\frac{\partial \mathcal{L}}{\partial W_2} = \delta_2 Z_1^T = \begin{bmatrix} -0.2253 & -0.2471 & 0.2658 & 0.2514 \end{bmatrix} \begin{bmatrix} 0.458 & 0.1205 & 0 & 0.1195 \\ 0.869 & 0.1615 & 0 & 0.1185 \\ 0.704 & 0.044 & 0.704 & 0 \end{bmatrix}^T = \begin{bmatrix} -0.1029 \\ -0.2059 \\ 0.0176 \end{bmatrix}^T", "proved"),
    # assignment1-hinge (seed 003, Exercise 3)
    (H, ("identity",), r"\frac{\partial \frac{e^{o_l} - e^{o_{y_i}}}{\sum_r e^{o_r}}}{\partial o_j} = p_j (\mathbf{1}_l^j - \mathbf{1}_{y_i}^j - p_l + p_{y_i})", "proved"),
    (H, ("identity",), r"\frac{\partial \mathcal{L}_{hinge}^{(i)}}{\partial o_j} = \sum_{l \neq y_i} p_j (\mathbf{1}_l^j - \mathbf{1}_{y_i}^j - p_l + p_{y_i}) \mathbf{1}_{\{p_l - p_{y_i} + \text{margin} \geq 0\}}", "proved"),
    (H, ("identity",), r"\frac{\partial \mathcal{L}_{hinge}^{(i)}}{\partial o_j} = \sum_{l \neq y_i} p_j (\mathbf{1}_l^j - \mathbf{1}_{y_i}^j - p_l + p_{y_i})", "refuted"),
    # cs446-hw0 (seed 004)
    (CS, BOTH, r"\frac{\partial \text{Err}(\mathbf{y}, \mathbf{z})}{\partial z_k} = -y_k + \frac{1}{\sum_{k=1}^K \exp(z_k)} \exp(z_k)", "proved"),
    (CS, BOTH, r"z_k = \sum_{j=1}^h (\mathbf{W}_2)_{kj} \phi \left( \sum_{m=1}^d (\mathbf{W}_1)_{jm} \mathbf{x}_m + (\mathbf{b}_1)_j \right) + (\mathbf{b}_2)_k", "proved"),
    (CS, BOTH, r"\frac{\partial z_k}{\partial (\mathbf{W}_2)_{kh}} = \left[ \phi \left( \sum_{m=1}^d (\mathbf{W}_1)_{hm} \mathbf{x}_m + (\mathbf{b}_1)_h \right) \right]", "proved"),
    (CS, BOTH, r"\frac{\partial z_k}{\partial (\mathbf{b}_2)_k} = 1", "proved"),
    (CS, BOTH, r"\frac{\partial z_k}{\partial (\mathbf{W}_1)_{hd}} = \left[ (\mathbf{W}_2)_{kh} \mathbf{D} \phi \left( (\mathbf{W}_1)_{hd} \mathbf{x}_d + (\mathbf{b}_1)_h \right) (\mathbf{x}_d) \right]", "refuted"),
    (CS, BOTH, r"\frac{\partial z_k}{\partial (\mathbf{b}_1)_h} = \left[ (\mathbf{W}_2)_{kh} \mathbf{D} \phi \left( (\mathbf{W}_1)_{hd} \mathbf{x}_d + (\mathbf{b}_1)_h \right) \right]", "refuted"),
    (CS, BOTH, r"\frac{\partial z_k}{\partial (\mathbf{W}_1)_{hd}} = (\mathbf{W}_2)_{kh} \mathbf{D} \phi \left( \sum_{m=1}^d (\mathbf{W}_1)_{hm} \mathbf{x}_m + (\mathbf{b}_1)_h \right) \mathbf{x}_d", "proved"),
    (CS, BOTH, r"\frac{\partial z_k}{\partial (\mathbf{b}_1)_h} = (\mathbf{W}_2)_{kh} \phi' \left( \sum_{m=1}^d (\mathbf{W}_1)_{hm} \mathbf{x}_m + (\mathbf{b}_1)_h \right)", "proved"),
]
CASES = [(p, a, latex, want) for p, acts, latex, want in LINES for a in acts]
EXIT = {"proved": 0, "refuted": 1, "ill-formed": 1, "unparseable": 2, "undecided": 2}


@pytest.mark.parametrize("problem, activation, latex, want", CASES,
                         ids=[f"{p}:{a}:{latex[:40]}" for p, a, latex, _ in CASES])
def test_section6_line(problem, activation, latex, want, capsys):
    argv = ["check", "--problem", problem, "--format", "json", latex]
    if activation in ("relu", "generic"):
        argv[3:3] = ["--activation", activation]
    code = main(argv)
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == want, out["reason"]
    assert code == EXIT[want]
    if want == "refuted":
        w = out["witness"]
        assert w["values"] and w["lhs"] != w["rhs"]
        if activation == "generic":
            assert w["functions"], "a refutation for a generic activation names a concrete one"


def test_delta_L_needs_the_sum_to_one_condition():
    problem = load_problem(M)
    claim = r"\underline{\delta}^{(L)} = \hat{\underline{y}} - \underline{y}"
    assert check(problem, claim).conditions == ("Σ y = 1",)
    without = dataclasses.replace(problem, side_conditions=())
    result = check(without, claim)
    assert result.verdict.value == "refuted" and result.witness is not None


def test_seed_001_through_the_cli(capsys):
    import re
    from pathlib import Path
    text = (Path(__file__).resolve().parent / "data" / "seed_001.txt").read_text()
    for a, b in re.findall(r"\$\$(.+?)\$\$|\$(.+?)\$", text, flags=re.S):
        code = main(["check", "--problem", M, "--format", "json", "--timeout", "20", a or b])
        out = json.loads(capsys.readouterr().out)
        assert out["verdict"] in ("unparseable", "ill-formed") and out["reason"], (a or b)[:60]
        assert code in (1, 2)
