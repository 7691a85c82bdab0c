"""A write-up's math as steps: links of chains, with the position of each
right side; definitions apart; unreadable math reported, never a crash."""

from pathlib import Path

from symbackprop.writeup.source import read_latex, read_markdown
from symbackprop.writeup.steps import Link, Unreadable, steps_of

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


def _links(steps):
    return [s for s in steps if isinstance(s, Link)]


def test_a_chain_of_displays_and_rows():
    src = "\n".join([
        "We have",
        "",
        "$$A = B = C$$",
        "",
        "$$= D$$",
        "",
        "and then",
        "",
        r"$$\Rightarrow E = F \quad G = H$$",
    ])
    links = _links(steps_of(read_markdown(src)))
    assert [(l.left, l.rel, l.right, l.line) for l in links] == [
        ("A", "=", "B", 3), ("B", "=", "C", 3), ("C", "=", "D", 5), ("E", "=", "F", 9), ("G", "=", "H", 9)]
    assert links[0].chain == links[1].chain == links[2].chain
    assert len({links[2].chain, links[3].chain, links[4].chain}) == 3
    assert (links[2].line, links[2].col) == (5, 5)   # where D starts


def test_aligned_rows_continue_the_chain_and_latex_positions():
    src = "\n".join([
        r"\begin{align*}",
        r"\delta &= \hat{y} - y \\",
        r"&= p - y",
        r"\end{align*}",
    ])
    links = _links(steps_of(read_latex(src)))
    assert [(l.left, l.right, l.line, l.col) for l in links] == [
        (r"\delta", r"\hat{y} - y", 2, 11), (r"\hat{y} - y", "p - y", 3, 4)]
    assert links[0].chain == links[1].chain


def test_definitions_are_not_steps():
    src = r"Let $s = \sum_m e^{z_m}$. Then $\hat{y}_k = \frac{e^{z_k}}{s}$, where $$t := 2 s$$"
    steps = steps_of(read_markdown(src))
    assert [type(s).__name__ for s in steps] == ["Definition", "Link", "Definition"]


def test_long_prose_ends_a_chain_and_bad_math_is_unreadable_with_a_position():
    src = "$$A = B$$\n\n" + "word " * 30 + "\n\n$$= C$$\n\n$$x = \\frac{1}{$$"
    steps = steps_of(read_markdown(src))
    assert isinstance(steps[0], Link)
    assert isinstance(steps[1], Unreadable) or (isinstance(steps[1], Link) and steps[1].chain != steps[0].chain)
    bad = [s for s in steps if isinstance(s, Unreadable)]
    assert bad and bad[-1].line == 7 and bad[-1].message


def test_seed_000_reads_into_steps():
    src = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    steps = steps_of(read_markdown(src))
    links = _links(steps)
    assert len(links) >= 20
    by_line = {l.line: l for l in links}
    # δ^(L) = ∂L/∂z̃ (line 13), continued by "$$= …$$" on lines 15 and 17: one chain
    assert by_line[13].chain == by_line[15].chain == by_line[17].chain
    assert by_line[25].chain != by_line[23].chain        # "$$\Rightarrow …$$" starts a new chain
    lines = src.split("\n")
    for link in links:                                   # every right side is where the step says
        assert lines[link.line - 1][link.col - 1:].startswith(link.right[:8]), (link.line, link.col, link.right)
