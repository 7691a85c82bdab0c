"""The grammar reads the seeds' notation as written, and reports bad input with a position."""

import re
from pathlib import Path

import pytest

from symbackprop.errors import InputError, LimitExceeded, ParseError
from symbackprop.notation.parser import MAX_CHARS, parse

SEED_001 = Path(__file__).resolve().parent / "data" / "seed_001.txt"  # OCR-garbled copy of seed 000

READS = [
    r"\underline{\delta}^{(L)} = \hat{\underline{y}} - \underline{y}",
    r"\nabla_{\underline{W}^{(L-1)}} L = \underline{\delta}^{(L)} (\underline{Z}^{(L-1)})^T",
    r"\delta^{(L-1)} = ( W^{(L-1)\top} \delta^{(L)} ) \odot \phi'( \mathbf{z}^{(L-1)} )",
    r"\tilde{z}_i^{(L-1)} \leq 0 \Rightarrow \delta_i^{(L-1)} = 0",
    r"\mathcal{L} = \frac{1}{2N} \|Y_{out} - Y_{gt}\|_F^2",
    r"\frac{\partial \mathcal{L}}{\partial b_l} = \left( \frac{\partial \mathcal{L}}{\partial Z_l} \odot f'_l(S_l) \right) \mathbb{1}_N",
    r"\frac{\partial (Z_l)_{kn}}{\partial (W_l)_{ij}} = f'_l(S_l)_{kn} (Z_{l-1})_{jn} \mathbf{1}_i^k",
    r"\frac{\partial \mathcal{L}_{hinge}^{(i)}}{\partial o_j} = \sum_{l \neq y_i} p_j (\mathbf{1}_l^j - \mathbf{1}_{y_i}^j - p_l + p_{y_i}) \mathbf{1}_{\{p_l - p_{y_i} + \text{margin} \geq 0\}}",
    r"\frac{\partial z_k}{\partial (\mathbf{W}_1)_{hd}} = \left[ (\mathbf{W}_2)_{kh} \mathbf{D} \phi \left( (\mathbf{W}_1)_{hd} \mathbf{x}_d + (\mathbf{b}_1)_h \right) (\mathbf{x}_d) \right]",
    r"\varphi^\prime(x) = \mathbb{1}_{\{x > 0\}}",
    r"\nabla_{W^{(L)}} L = \underline{\delta}^{(L-1)} \underline{z}^{(L)T}",
    r"S_1 = W_1 X = \begin{bmatrix} 0.6 & 0.01 \\ 0.7 & 0.43 \end{bmatrix}",
    r"\delta_i^{(L-1)} = [(W^{(L-1)})^T (\hat{y} - y)]_i \cdot [\varphi'(\tilde{z}^{(L-1)})]_i \quad (\text{Hadamard prod.})",
]


@pytest.mark.parametrize("latex", READS, ids=lambda s: s[:40])
def test_seed_notation_parses(latex):
    stmt = parse(latex)
    assert stmt.segments, latex


@pytest.mark.parametrize("latex, message, pos", [
    (r"\frac{\partial z_{(1)}", "ends early", None),
    (r"\lessim x = 1", "unknown command \\lessim", 0),
    (r"\input{/etc/passwd} = 1", "\\input is not allowed", 0),
    (r"x = \write18{touch x}", "\\write is not allowed", 4),
    (r"= x", "no left-hand side", 0),
    (r"L = -\frac{L}{L}y, \ln \hat{g};", "unexpected ','", 17),
])
def test_bad_input_gets_a_position(latex, message, pos):
    with pytest.raises(ParseError) as info:
        parse(latex)
    assert message in info.value.message, latex
    if pos is not None:
        assert info.value.pos == pos, latex


def test_caps_on_size_and_depth():
    with pytest.raises(LimitExceeded):
        parse("x" * (MAX_CHARS + 1))
    with pytest.raises(LimitExceeded):
        parse("(" * 500 + "x" + ")" * 500)


def test_seed_001_garbled_formulas_never_crash():
    """Every display formula of the OCR-garbled seed either parses or raises
    an InputError — never anything else."""
    text = SEED_001.read_text()
    formulas = re.findall(r"\$\$(.+?)\$\$|\$(.+?)\$", text, flags=re.S)
    assert len(formulas) > 20
    failures = 0
    for a, b in formulas:
        try:
            parse(a or b)
        except InputError as err:
            failures += 1
            assert err.message and err.pos is not None
    assert failures > 0  # the garbage is reported, not silently accepted


def test_derivative_operator_keeps_wrt_and_body_apart():
    from symbackprop.notation import syntax as S
    stmt = parse(r"y = \frac{\partial}{\partial (\mathbf{W}_2)_{kh}} \left[ a + b \right]")
    op = stmt.segments[0].exprs[1]
    assert isinstance(op, S.DerivOp)
    assert isinstance(op.wrt, S.Scripted) and isinstance(op.body, S.Group)


def test_quad_separates_equations_and_a_trailing_tag_does_not():
    from symbackprop.notation.parser import parse_display
    assert len(parse_display(r"a = b \quad c = d \qquad e = f")) == 3
    assert len(parse_display(r"a = b \quad (\alpha)")) == 1
    with pytest.raises(ParseError, match="one equation"):
        parse(r"a = b \quad c = d")


def test_aligned_rows_continue_a_chain_or_start_an_equation():
    from symbackprop.notation.parser import parse_display
    chain = parse_display(r"\begin{aligned} \text{(ii)} \quad a &= b \\ &= \begin{cases} 0 & x < 0 \\ 1 & \text{else} \end{cases} \\ &= d \end{aligned}")
    assert len(chain) == 1 and len(chain[0].segments[0].exprs) == 4
    two = parse_display(r"\begin{aligned} a &= b \\ c &= d \end{aligned} \quad (1)")
    assert [len(s.segments[0].exprs) for s in two] == [2, 2]


def test_update_arrow_is_a_relation():
    stmt = parse(r"W_2 \leftarrow W_2 - 0.5 g = 1")
    assert stmt.segments[0].rels == ("<-", "=")
