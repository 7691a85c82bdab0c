"""Nothing the grammar accepts is silently dropped.

The test walks the grammar itself — every rule alias, every terminal, every
spelling inside a terminal (`FONT:mathcal`, `GREEK:\\u03b1`...) — and asks
each to be one of:

- CHANGES: a (base, decorated) pair in some problem where the base resolves
  and the decorated formula's meaning tree differs from it, or the
  decorated formula is unparseable/ill-formed;
- ALIASES: another spelling of a construct that is itself covered (`ŷ` is
  `\\hat{y}`, `⊙` is `\\odot`): the two parse to the same syntax tree;
- cosmetic by design (symbackprop.notation.cosmetic.COSMETIC, each with its
  reason), with an example pair whose meanings must be *equal*.

A new rule or terminal (or a new command inside one) that is none of these
fails `test_every_construct_is_accounted_for`.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from symbackprop.errors import InputError
from symbackprop.notation import syntax as S
from symbackprop.notation.cosmetic import COSMETIC
from symbackprop.notation.parser import _parser, parse_display
from symbackprop.notation.resolve import resolve
from symbackprop.catalogue.load import load_problem

from grammar_pairs import ALIASES, CHANGES, COSMETIC_EXAMPLES, MLE  # noqa: E402  (tests/ is on the path)
_PROBLEMS = {}


def _problem(pid):
    if pid not in _PROBLEMS:
        _PROBLEMS[pid] = load_problem(pid)
    return _PROBLEMS[pid]


# ---------------------------------------------------------------- the grammar's constructs
def _command_alternatives(pattern: str) -> list[str]:
    """`\\\\(a|b|c)...` in a terminal's regex: the commands a, b, c."""
    out = []
    for m in re.finditer(r"\\\\\(", pattern):
        depth, i, start = 1, m.end(), m.end()
        alts = []
        while i < len(pattern) and depth:
            ch = pattern[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    alts.append(pattern[start:i])
            elif ch == "|" and depth == 1:
                alts.append(pattern[start:i])
                start = i + 1
            i += 1
        out += [a for a in alts if a[:1].isalpha()]
    return out


def _unicode_spellings(pattern: str) -> list[str]:
    chars = [ch for ch in pattern if ord(ch) > 127]
    chars += [chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", pattern)]
    return chars


def constructs() -> set[str]:
    parser = _parser()
    ids = set()
    for rule in parser.rules:
        name = rule.alias or rule.origin.name
        if not name.startswith("_"):
            ids.add(str(name))
    for term in parser.terminals:
        if term.name.startswith("__"):
            continue
        ids.add(term.name)
        if term.pattern.type == "re":
            ids |= {f"{term.name}:{a}" for a in _command_alternatives(term.pattern.value)}
            ids |= {f"{term.name}:{c}" for c in _unicode_spellings(term.pattern.value)}
    return ids


# ---------------------------------------------------------------- meanings
def _canon(node):
    """A meaning tree without positions and the written labels of names."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        skip = {"pos", "text", "label", "end"}
        if isinstance(node, S.Token):
            skip.add("text")  # \cdot and · are the same token
        return (type(node).__name__,) + tuple((f.name, _canon(getattr(node, f.name)))
                                             for f in dataclasses.fields(node) if f.name not in skip)
    if isinstance(node, tuple):
        return tuple(_canon(x) for x in node)
    return node


def meaning(pid: str, latex: str):
    notation = _problem(pid).notation
    out = []
    for statement in parse_display(latex):
        out.append(tuple((tuple(_canon(resolve(e, notation, latex)) for e in seg.exprs), seg.rels)
                         for seg in statement.segments))
    return tuple(out)


def syntax(latex: str):
    return _canon(parse_display(latex))


def _generated():
    """Families: every Greek command is a name of its own; every Unicode
    spelling is its command; every font and accent on every letter."""
    from symbackprop.notation.transform import _UNICODE_GREEK, _COMBINING
    import unicodedata
    terms = {t.name: t for t in _parser().terminals}
    for g in _command_alternatives(terms["GREEK"].pattern.value):
        if g == "delta":
            CHANGES[f"GREEK:{g}"] = [(MLE, r"\frac{\partial L}{\partial \tilde{z}^{(L)}}", r"\delta^{(L)}")]
        else:
            CHANGES[f"GREEK:{g}"] = [(MLE, r"\delta^{(L)}", f"\\{g}^{{(L)}}")]
    for f in _command_alternatives(terms["FUNC"].pattern.value):
        CHANGES[f"FUNC:{f}"] = [(MLE, r"\phi(\tilde{z}^{(L)}_1)", f"\\{f}(\\tilde{{z}}^{{(L)}}_1)")]
    for ch, cmd in _UNICODE_GREEK.items():
        ALIASES[f"GREEK:{ch}"] = [(f"{ch}^{{(L)}}", f"\\{cmd}^{{(L)}}")]
    accent_cmd = {"tilde": "tilde", "hat": "hat", "bar": "bar", "dot": "dot", "vec": "vec"}
    for mark, accent in _COMBINING.items():
        ALIASES[f"COMBINING:{mark}"] = [(f"y{mark}", f"\\{accent_cmd[accent]}{{y}}"),
                                       (f"\\delta{mark}", f"\\{accent_cmd[accent]}{{\\delta}}")]
    for ch in _unicode_spellings(terms["PRECOMPOSED"].pattern.value):
        letter, mark = unicodedata.normalize("NFD", ch)
        ALIASES[f"PRECOMPOSED:{ch}"] = [(ch, f"\\{accent_cmd[_COMBINING[mark]]}{{{letter}}}")]
    for name in ("IMPLIES", "LE", "GE", "NE", "HADAMARD", "CDOT", "SUM", "PARTIAL", "NABLA"):
        for ch in _unicode_spellings(terms[name].pattern.value):
            ascii_ = {"⇒": r"\Rightarrow", "⟹": r"\Rightarrow", "≤": r"\le", "≥": r"\ge", "≠": r"\neq",
                      "⊙": r"\odot", "∘": r"\circ", "⊘": r"\oslash", "·": r"\cdot", "×": r"\cdot",
                      "⋅": r"\cdot", "Σ": r"\sum", "∑": r"\sum", "∂": r"\partial", "∇": r"\nabla"}[ch]
            formula = {"SUM": "{} _i y_i", "PARTIAL": r"\frac{{{} L}}{{{} y}}", "NABLA": "{}_y L"}.get(
                name, "a {} b")
            ALIASES[f"{name}:{ch}"] = [(formula.format(ch, ch), formula.format(ascii_, ascii_))]


_generated()


# ---------------------------------------------------------------- the tests
def test_every_construct_is_accounted_for():
    grammar = constructs()
    accounted = set(CHANGES) | set(ALIASES) | set(COSMETIC)
    missing = sorted(grammar - accounted)
    assert not missing, f"grammar constructs with no meaning test and not listed as cosmetic: {missing}"
    stale = sorted(k for k in accounted - grammar if not k.startswith("resolve:"))
    assert not stale, f"tests for constructs the grammar no longer has: {stale}"


def test_every_cosmetic_entry_has_an_example():
    assert set(COSMETIC) == set(COSMETIC_EXAMPLES)
    assert not set(COSMETIC) & set(CHANGES), "a construct can't both be cosmetic and change the meaning"


def _fails(pid, latex) -> bool:
    try:
        meaning(pid, latex)
    except InputError:
        return True
    return False


@pytest.mark.parametrize("construct, pid, base, decorated",
                         [(k, *p) for k, pairs in CHANGES.items() for p in pairs],
                         ids=lambda x: x if isinstance(x, str) and len(x) < 40 else None)
def test_decoration_changes_the_meaning_or_is_refused(construct, pid, base, decorated):
    before = meaning(pid, base)  # the base must read, or the test proves nothing
    try:
        after = meaning(pid, decorated)
    except InputError as err:
        assert err.message and err.pos is not None, (decorated, err)
        return
    assert after != before, f"{construct}: {decorated!r} means the same as {base!r}"


@pytest.mark.parametrize("construct, spelling, canonical",
                         [(k, *p) for k, pairs in ALIASES.items() for p in pairs],
                         ids=lambda x: x if isinstance(x, str) and len(x) < 40 else None)
def test_other_spellings_read_as_their_command(construct, spelling, canonical):
    assert syntax(spelling) == syntax(canonical), construct


@pytest.mark.parametrize("construct, pid, base, decorated",
                         [(k, *p) for k, pairs in COSMETIC_EXAMPLES.items() for p in pairs],
                         ids=lambda x: x if isinstance(x, str) and len(x) < 40 else None)
def test_cosmetic_decoration_keeps_the_meaning(construct, pid, base, decorated):
    assert meaning(pid, decorated) == meaning(pid, base), COSMETIC[construct]


@pytest.mark.parametrize("pid", ["mle-sheet4", "assignment1", "assignment1-ex2", "assignment1-hinge", "cs446-hw0"])
def test_a_delta_with_two_indices_and_no_layer_is_kroneckers_everywhere(pid):
    assert meaning(pid, r"\delta_{kj}") == meaning(pid, r"\mathbf{1}_k^j")
    assert meaning(pid, r"\delta_{jk}") != meaning(pid, r"\delta_{kj}")
