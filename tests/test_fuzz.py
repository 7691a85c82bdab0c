"""10 000 hostile inputs through `check`: no traceback, no code run, every verdict within its cap."""

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from symbackprop.catalogue.load import load_catalogue
from symbackprop.proof.check import check

PROBLEMS = load_catalogue()
CANARY = Path(tempfile.gettempdir()) / f"symbackprop-fuzz-canary-{os.getpid()}"
CAP = 3.0

TOKENS = [r"\frac{", "}{", "}", "{", "(", ")", "[", "]", r"\partial ", "=", "+", "-", "^", "_", "T", r"\top",
          r"\odot", r"\cdot", r"\sum", r"\sum_{i=1}^{C}", r"\mathbf{1}_i^j", r"\mathbb{1}_N", "_{", "^{(", "L-1)}",
          "l", "i", "j", "k", "W", "b", "z", r"\tilde{z}", r"\hat{y}", "y", "x", "X", "Z", "S", "f'_l", r"\phi",
          r"\varphi'", r"\delta", r"\mathcal{L}", "L", "0.5", "1", "2", r"\exp", r"\ln", r"\max(0,", ",",
          r"\leq", r"\Rightarrow", r"\quad", "&", r"\\", r"\begin{bmatrix}", r"\end{bmatrix}",
          r"\begin{cases}", r"\end{cases}", r"\begin{aligned}", r"\end{aligned}", r"\text{margin}", "o_j", "p_l",
          "y_i", r"\langle", r"\rangle_F", r"\|", r"\nabla_", r"\mathbf{D}", r"\leftarrow", r"\oslash",
          r"\text{Err}", "N", "d_l", "K", "h", "$", "%", "#", "~", "'", r"\left(", r"\right)", r"\input{",
          r"\write18{", r"\def\x{", r"\catcode", r"\csname", "\x00", "\u202e", "é", "∂", "𝛿"]
PAYLOADS = [
    f"__import__('os').system('touch {CANARY}')",
    f"exec(\"open('{CANARY}', 'w')\")",
    f"eval('__import__(\"os\").system(\"touch {CANARY}\")') = 1",
    r"\input{/etc/passwd}", r"\include{/etc/shadow} = 1", f"\\write18{{touch {CANARY}}}",
    f"\\immediate\\write18{{touch {CANARY}}}", r"\def\a{\a}\a = 1", r"\csname relax\endcsname",
    r"9^{9^{9^{9}}} = 1", r"2^{10000000} = 1", r"\delta^{(L)} = \hat{y}^{999999999}",
    r"\frac{" * 1000 + "1" + "}" * 1000, "(" * 5000 + ")" * 5000, "{" * 100 + "}" * 100,
    "x" * 1_000_000, r"\delta" * 3000, "= " * 2000, r"\sum_{i=1}^{100000000} \hat{y}_i = 1",
    r"\delta^{(L+1000000)} = 0", r"W_{99999999999999999999}^{(1)} = 1", "\x00" * 1000,
]


def _mutate(base: str, cuts: list) -> str:
    s = base
    for pos, piece in cuts:
        k = pos % (len(s) + 1)
        s = s[:k] + piece + s[k + 1:]
    return s


CLAIMS = [c.latex for p in PROBLEMS for c in p.claims]
hostile = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
    st.text(max_size=300),
    st.sampled_from(PAYLOADS),
    st.builds(_mutate, st.sampled_from(CLAIMS),
              st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(TOKENS + [""])), max_size=4)),
    st.integers(1, 400).map(lambda n: r"\frac{" * n + "x" + "}{y}" * n),
    st.integers(1, 2000).map(lambda n: "{" * n + "x" + "}" * n),
)


@settings(max_examples=10_000, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(problem=st.sampled_from(PROBLEMS), text=hostile)
def test_hostile_input_gets_a_verdict_within_its_cap(problem, text):
    result = check(problem, text, timeout=CAP)
    assert result.verdict.value in ("proved", "refuted", "ill-formed", "unparseable", "undecided")
    assert result.reason
    # A hang guard, not a speed test: the cap is 3 s of work, but a long call in
    # C (where no signal handler runs) ends late on a loaded machine; the bar a
    # user is promised is an answer within 30 s.
    assert result.seconds < 30.0, (text[:80], result.seconds)
    assert not CANARY.exists(), "a payload ran"
