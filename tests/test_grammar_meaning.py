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
from symbackprop.notation import meaning as M
from symbackprop.notation import syntax as S
from symbackprop.notation.cosmetic import COSMETIC
from symbackprop.notation.parser import _parser, parse_display
from symbackprop.notation.resolve import resolve
from symbackprop.problems import load_problem

MLE, CS, HINGE, A1 = "mle-sheet4", "cs446-hw0", "assignment1-hinge", "assignment1"
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


# ---------------------------------------------------------------- the tables
# (problem, base, decorated): the decoration must change the meaning or be refused.
CHANGES: dict[str, list[tuple[str, str, str]]] = {
    "start": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad \delta^{(L)} = y")],
    "statement": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\tilde{z}^{(L)}_1 \leq 0 \Rightarrow \delta^{(L)} = \hat{y} - y")],
    "segment": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y = y")],
    "relation": [(MLE, r"\hat{y}_1 = y_1", r"\hat{y}_1 \leq y_1")],
    "add": [(MLE, r"\hat{y} - y", r"\hat{y} + y")],
    "sub": [(MLE, r"\hat{y} + y", r"\hat{y} - y"), (MLE, r"\hat{y}", r"\hat{y}_i")],
    "neg": [(MLE, r"\hat{y}", r"-\hat{y}")],
    "hadamard": [(MLE, r"\hat{y}_1 y_1", r"\hat{y} \odot y")],
    "product": [(MLE, r"\hat{y}", r"2 \hat{y}")],
    "item": [(MLE, r"W^{(L-1)} z^{(L-1)}", r"W^{(L-1)} \top z^{(L-1)}"),
             (MLE, r"W^{(L-1)} z^{(L-1)}", r"W^{(L-1)} \prime z^{(L-1)}")],
    "bigop": [(MLE, r"y_i", r"\sum_i y_i")],
    "sum": [(MLE, r"y_i", r"\sum_{i=1}^{C} y_i")],
    "sum_under": [(MLE, r"\sum_{i} y_i", r"\sum_{i=2} y_i")],
    "sum_under_list": [(HINGE, r"\sum_{l \neq y_i} p_l", r"\sum_{l=2, l \neq y_i} p_l")],
    "sum_over": [(MLE, r"\sum_{i=1} y_i", r"\sum_{i=1}^{2} y_i")],
    "dop": [(MLE, r"L", r"\frac{\partial}{\partial \hat{y}} L")],
    "nabla": [(MLE, r"L", r"\nabla_{\hat{y}} L")],
    "factor": [(MLE, r"y", r"y_i")],
    "sup": [(MLE, r"y_i", r"y_i^2"), (MLE, r"W^{(L-1)}", r"W^{(L-1)T}")],
    "prime": [
        (MLE, r"\text{ReLU}(\tilde{z}^{(L)})", r"\text{ReLU}'(\tilde{z}^{(L)})"),
        (MLE, r"\operatorname{ReLU}(\tilde{z}^{(L)})", r"\operatorname{ReLU}'(\tilde{z}^{(L)})"),
        (MLE, r"\operatorname{ReLU}(\tilde{z}^{(L)})", r"\operatorname{ReLU'}(\tilde{z}^{(L)})"),
        (MLE, r"\tanh(\tilde{z}^{(L)})", r"\tanh'(\tilde{z}^{(L)})"),
        (MLE, r"\tanh'(\tilde{z}^{(L)})", r"\tanh''(\tilde{z}^{(L)})"),
        (MLE, r"\text{sigmoid}(\tilde{z}^{(L)})", r"\text{sigmoid}'(\tilde{z}^{(L)})"),
        (MLE, r"\exp(\tilde{z}^{(L)})", r"\exp'(\tilde{z}^{(L)})"),
        (MLE, r"\ln(\tilde{z}^{(L)})", r"\ln'(\tilde{z}^{(L)})"),
        (MLE, r"\phi(\tilde{z}^{(L)})", r"\phi'(\tilde{z}^{(L)})"),
        (MLE, r"\phi'(\tilde{z}^{(L)})", r"\phi''(\tilde{z}^{(L)})"),
        (MLE, r"\sigma(\tilde{z}^{(L)})", r"\sigma'(\tilde{z}^{(L)})"),
        (MLE, r"\text{softmax}(\tilde{z}^{(L)})", r"\text{softmax}'(\tilde{z}^{(L)})"),
        (MLE, r"\max(0, \tilde{z}^{(L)})", r"\max'(0, \tilde{z}^{(L)})"),
        (MLE, r"W^{(L-1)}", r"W'^{(L-1)}"),
        (MLE, r"(W^{(L-1)})", r"(W^{(L-1)})'"),
        (MLE, r"2 y", r"2' y"),
        (MLE, r"\delta^{(L)}", r"\delta'^{(L)}"),
        (MLE, r"\delta_{ij}", r"\delta'_{ij}"),
        (MLE, r"e^{\tilde{z}^{(L)}_1}", r"e'^{\tilde{z}^{(L)}_1}"),
        (HINGE, r"\mathbf{1}_l^j", r"\mathbf{1}'_l^j"),
        (HINGE, r"\mathbb{1}\{p_l > 0\}", r"\mathbb{1}'\{p_l > 0\}"),
        (CS, r"\text{Err}", r"\text{Err}'"),
        (CS, r"\mathbf{D}\phi(\mathbf{x})", r"\mathbf{D}'\phi(\mathbf{x})"),
        (A1, r"f_l(S_l)", r"f'_l(S_l)"),
        (A1, r"f'_l(S_l)", r"f''_l(S_l)"),
        (MLE, r"\phi'(\tilde{z}^{(L)})", r"\phi^{\prime\prime}(\tilde{z}^{(L)})"),
        (MLE, r"\tanh^2(\tilde{z}^{(L)})", r"\tanh^2'(\tilde{z}^{(L)})"),
    ],
    "transposed": [(MLE, r"W^{(L-1)}", r"W^{(L-1)}ᵀ"), (MLE, r"(z^{(L-1)})", r"(z^{(L-1)})⊤")],
    "number": [(MLE, r"\hat{y}_1 - y_1", r"\hat{y}_1 - 2")],
    "primary": [(MLE, r"\hat{y}_1 - y_1", r"\hat{y}_1 - 1")],
    "letter": [(MLE, r"\delta^{(L)}", r"W^{(L)}")],
    "greek": [(MLE, r"\hat{y}", r"\delta^{(L)}")],
    "styled": [(MLE, r"W^{(L-1)}", r"\mathcal{W}^{(L-1)}")],
    "accented": [(MLE, r"y", r"\hat{y}"), (MLE, r"z^{(L)}", r"\tilde{z}^{(L)}"),
                 (MLE, r"\hat{y}", r"\hat{\hat{y}}"), (MLE, r"\text{ReLU}(y)", r"\hat{\text{ReLU}}(y)"),
                 (MLE, r"\exp(y_1)", r"\hat{\exp}(y_1)"), (MLE, r"0", r"\hat{0}"),
                 (HINGE, r"\mathbf{1}_l^j", r"\hat{\mathbf{1}}_l^j"), (MLE, r"\delta_{ij}", r"\hat{\delta}_{ij}")],
    "combined": [(MLE, r"y", r"ŷ"), (MLE, r"z^{(L)}", "z\u0303^{(L)}")],
    "text": [(MLE, r"\phi(\tilde{z}^{(L)})", r"\text{ReLU}(\tilde{z}^{(L)})")],
    "func": [(MLE, r"\phi(\tilde{z}^{(L)})", r"\exp(\tilde{z}^{(L)})")],
    "one": [(HINGE, r"p_l", r"\mathbf{1}_l^j p_l"), (HINGE, r"p_l", r"\mathbf{1}_l p_l")],
    "one_bb": [(HINGE, r"p_l", r"\mathbb{1}\{p_l > 0\}")],
    "paren": [(MLE, r"\hat{y}_1 - y_1 \hat{y}_1", r"(\hat{y}_1 - y_1) \hat{y}_1")],
    "bracket": [(MLE, r"\hat{y}_1 - y_1 \hat{y}_1", r"[\hat{y}_1 - y_1] \hat{y}_1")],
    "setbrace": [(MLE, r"(\hat{y}_1)", r"\{\hat{y}_1\}"), (MLE, r"(\hat{y}_1 > 0)", r"\{\hat{y}_1 > 0\} y_1")],
    "args": [(MLE, r"(\hat{y}_1)", r"(\hat{y}_1, y_1)"), (MLE, r"\max(0, \hat{y}_1)", r"\max(0, \hat{y}_1, y_1)")],
    "frac": [(MLE, r"\hat{y}_1", r"\frac{\hat{y}_1}{2}")],
    "deriv": [(MLE, r"L", r"\frac{\partial L}{\partial \hat{y}}")],
    "norm": [(MLE, r"y", r"\|y\|")],
    "inner": [(MLE, r"\hat{y}^T y", r"\langle \hat{y}, y \rangle")],
    "cases": [(MLE, r"\hat{y}_1", r"\begin{cases} \hat{y}_1 & \hat{y}_1 > 0 \\ 0 & \text{else} \end{cases}")],
    "case_row": [(MLE, r"\begin{cases} \hat{y}_1 & \hat{y}_1 > 0 \end{cases}",
                  r"\begin{cases} \hat{y}_1 & \hat{y}_1 > 0 \\ 1 & \text{otherwise} \end{cases}"),
                 (MLE, r"\begin{cases} 1 & \text{if } y_1 > 0 \end{cases}",
                  r"\begin{cases} 1 & \text{ReLU } y_1 > 0 \end{cases}"),
                 (MLE, r"\begin{cases} 1 & y_1 > 0 \\ 0 & \text{else} \end{cases}",
                  r"\begin{cases} 1 & y_1 > 0 \\ 0 & \text{ReLU} \end{cases}")],
    "matrix": [(MLE, r"\hat{y}_1", r"\begin{bmatrix} \hat{y}_1 \end{bmatrix}")],
    "mat_row": [(MLE, r"\begin{bmatrix} 1 \end{bmatrix}", r"\begin{bmatrix} 1 & 2 \end{bmatrix}")],
    "script_group": [(MLE, r"y_1", r"y_{12}"), (MLE, r"y_1", r"y_{}")],
    "script_token": [(MLE, r"y_1", r"y_i"), (MLE, r"W^{(L-1)}", r"W^{(L-1)}^*"), (MLE, r"W^{(0)}", r"W^{(0)}_{\cdot}")],
    # terminals
    "SEP": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \qquad y = y")],
    "IMPLIES": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\hat{y} = y \implies \delta^{(L)} = \hat{y} - y")],
    "EQ": [(MLE, r"\hat{y} \leq y", r"\hat{y} = y")],
    "GETS": [(MLE, r"\hat{y} = y", r"\hat{y} \leftarrow y")],
    "LE": [(MLE, r"\hat{y}_1 = y_1", r"\hat{y}_1 \le y_1")],
    "GE": [(MLE, r"\hat{y}_1 = y_1", r"\hat{y}_1 \geq y_1")],
    "NE": [(MLE, r"\hat{y}_1 = y_1", r"\hat{y}_1 \neq y_1")],
    "LT": [(MLE, r"\hat{y}_1 = y_1", r"\hat{y}_1 < y_1")],
    "GT": [(MLE, r"\hat{y}_1 = y_1", r"\hat{y}_1 > y_1")],
    "HADAMARD": [(MLE, r"\hat{y}_1 y_1", r"\hat{y} \circ y")],
    "CDOT": [(MLE, r"\hat{y}_1 y_1", r"\hat{y}_1 \cdot y_1"), (MLE, r"\hat{y}_1", r"\cdot \hat{y}_1"),
             (MLE, r"\hat{y}_1 y_1", r"\hat{y}_1 \cdot \cdot y_1"), (MLE, r"\hat{y}_1", r"\hat{y}_1 \cdot"),
             (MLE, r"\phi(\hat{y}_1)", r"\phi \cdot (\hat{y}_1)"), (CS, r"\text{Err}(\mathbf{y}, \mathbf{z})",
                                                                     r"\text{Err} \cdot (\mathbf{y}, \mathbf{z})")],
    "SUM": [(MLE, r"y_i", r"\sum_i y_i")],
    "PARTIAL": [(MLE, r"\frac{L}{\hat{y}}", r"\frac{\partial L}{\partial \hat{y}}")],
    "NABLA": [(MLE, r"L", r"\nabla_{\hat{y}} L")],
    "FRAC": [(MLE, r"\hat{y}_1", r"\dfrac{\hat{y}_1}{2}"), (MLE, r"\hat{y}_1", r"\tfrac{\hat{y}_1}{2}")],
    "PRIME": [(MLE, r"\phi(\tilde{z}^{(L)})", r"\phi'(\tilde{z}^{(L)})")],
    "PRIME_CMD": [(MLE, r"\phi(\tilde{z}^{(L)})", r"\phi^\prime(\tilde{z}^{(L)})")],
    "STAR": [(MLE, r"W^{(L-1)}", r"W^{(L-1)}_*")],
    "TRANSPOSE": [(MLE, r"W^{(L-1)}", r"W^{(L-1)\top}")],
    "UTRANSPOSE": [(MLE, r"W^{(L-1)}", r"W^{(L-1)}^ᵀ")],
    "LPAR": [(MLE, r"\hat{y}_1 - y_1 \hat{y}_1", r"\left(\hat{y}_1 - y_1\right) \hat{y}_1")],
    "RPAR": [(MLE, r"\hat{y}_1 - y_1 \hat{y}_1", r"(\hat{y}_1 - y_1\bigr) \hat{y}_1")],
    "LBRACK": [(MLE, r"\hat{y}_1 - y_1 \hat{y}_1", r"\left[\hat{y}_1 - y_1\right] \hat{y}_1")],
    "RBRACK": [(MLE, r"\hat{y}_1 - y_1 \hat{y}_1", r"[\hat{y}_1 - y_1\big] \hat{y}_1")],
    "LSET": [(MLE, r"(\hat{y}_1)", r"\left\{\hat{y}_1\right\}")],
    "RSET": [(MLE, r"(\hat{y}_1)", r"\{\hat{y}_1\right\}")],
    "NORM": [(MLE, r"y", r"\left\| y \right\|"), (MLE, r"y", r"\lVert y \rVert")],
    "LANGLE": [(MLE, r"\hat{y}^T y", r"\left\langle \hat{y}, y \right\rangle")],
    "RANGLE": [(MLE, r"\hat{y}^T y", r"\langle \hat{y}, y \rangle")],
    "ROWSEP": [(MLE, r"\begin{bmatrix} 1 & 2 \end{bmatrix}", r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}")],
    "AMP": [(MLE, r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}", r"\begin{bmatrix} 1 & 2 \end{bmatrix}")],
    "BEGIN_CASES": [(MLE, r"\hat{y}_1", r"\begin{cases} \hat{y}_1 & y_1 > 0 \end{cases}")],
    "END_CASES": [(MLE, r"\hat{y}_1", r"\begin{cases} \hat{y}_1 & y_1 > 0 \end{cases}")],
    "BEGIN_MAT": [(MLE, r"\hat{y}_1", r"\begin{pmatrix} \hat{y}_1 & 1 \end{pmatrix}"),
                  (MLE, r"\hat{y}_1", r"\begin{Bmatrix} \hat{y}_1 & 1 \end{Bmatrix}"),
                  (MLE, r"\hat{y}_1", r"\begin{vmatrix} \hat{y}_1 & 1 \end{vmatrix}")],
    "END_MAT": [(MLE, r"\hat{y}_1", r"\begin{matrix} \hat{y}_1 & 1 \end{matrix}")],
    "ONE": [(HINGE, r"p_l", r"\mathbf{1}_{\{p_l > 0\}}")],
    "ONE_BB": [(HINGE, r"p_l", r"\mathbb{1}_{\{p_l > 0\}}")],
    "FONT": [(MLE, r"y", r"\mathbb{y}")],
    "FONT:mathcal": [(MLE, r"W^{(L-1)}", r"\mathcal{W}^{(L-1)}"), (MLE, r"\exp(y_1)", r"\mathcal{\exp}(y_1)")],
    "FONT:mathscr": [(MLE, r"W^{(L-1)}", r"\mathscr{W}^{(L-1)}")],
    "FONT:mathbb": [(MLE, r"W^{(L-1)}", r"\mathbb{W}^{(L-1)}"), (MLE, r"0", r"\mathbb{0}")],
    "ACCENT": [(MLE, r"y", r"\hat y")],
    "ACCENT:tilde": [(MLE, r"z^{(L)}", r"\tilde{z}^{(L)}")],
    "ACCENT:widetilde": [(MLE, r"z^{(L)}", r"\widetilde{z}^{(L)}")],
    "ACCENT:hat": [(MLE, r"y", r"\hat{y}")],
    "ACCENT:widehat": [(MLE, r"y", r"\widehat{y}")],
    "ACCENT:bar": [(MLE, r"y", r"\bar{y}")],
    "ACCENT:overline": [(MLE, r"y", r"\overline{y}")],
    "ACCENT:vec": [(MLE, r"y", r"\vec{y}")],
    "ACCENT:dot": [(MLE, r"y", r"\dot{y}")],
    "TEXT": [(MLE, r"\phi(\tilde{z}^{(L)})", r"\text{ReLU}(\tilde{z}^{(L)})")],
    "TEXT_BODY": [(MLE, r"\text{ReLU}(\tilde{z}^{(L)})", r"\text{tanh}(\tilde{z}^{(L)})"),
                  (MLE, r"\text{ReLU}(\tilde{z}^{(L)})", r"\text{ReLUs}(\tilde{z}^{(L)})")],
    "FUNC": [(MLE, r"\phi(\tilde{z}^{(L)})", r"\tanh(\tilde{z}^{(L)})"),
             (MLE, r"\exp(\tilde{z}^{(L)})", r"\exp_2(\tilde{z}^{(L)})"),
             (MLE, r"\log(\tilde{z}^{(L)})", r"\log_2(\tilde{z}^{(L)})"),
             (MLE, r"\tanh(\tilde{z}^{(L)})", r"\tanh^{-1}(\tilde{z}^{(L)})"),
             (MLE, r"\tanh(\tilde{z}^{(L)})", r"\tanh^T(\tilde{z}^{(L)})"),
             (MLE, r"\tanh(\tilde{z}^{(L)})", r"\tanh^2(\tilde{z}^{(L)})"),
             (MLE, r"\tanh(\tilde{z}^{(L)})", r"\tanh(\tilde{z}^{(L)})^2")],
    "GREEK": [(MLE, r"\hat{y}", r"\delta^{(L)}")],
    "LETTER": [(MLE, r"\hat{y}", r"\hat{x}")],
    "COMBINING": [(MLE, r"y", "y\u0302")],
    "PRECOMPOSED": [(MLE, r"y", "ŷ")],
    "DIGIT": [(MLE, r"y_1", r"y_2")],
    "NUMBER": [(MLE, r"\hat{y}_1 - 1", r"\hat{y}_1 - 2.5")],
    "PLUS": [(MLE, r"\hat{y} - y", r"\hat{y} + y")],
    "MINUS": [(MLE, r"\hat{y} + y", r"\hat{y} - y")],
    "COMMA": [(MLE, r"(\hat{y}_1)", r"(\hat{y}_1, 0)")],
    "UNDERSCORE": [(MLE, r"y", r"y_1")],
    "CIRCUMFLEX": [(MLE, r"y_1", r"y_1^2")],
    "LBRACE": [(MLE, r"y_1 2", r"y_{12}")],
    "RBRACE": [(MLE, r"y_1 2", r"y_{12}")],
}

# Other spellings of a covered construct: same syntax tree.
ALIASES: dict[str, list[tuple[str, str]]] = {
    "UTRANSPOSE:ᵀ": [("Wᵀ", r"W^\top"), ("W^ᵀ", r"W^\top"), ("W^{ᵀ}", r"W^\top")],
    "UTRANSPOSE:⊤": [("W⊤", r"W^\top"), ("W^⊤", r"W^\top")],
    "PRIME:′": [("f′(x)", "f'(x)")],
    "PRIME:″": [("f″(x)", "f''(x)")],
}
CHANGES.update({
    "IMPLIES:Rightarrow": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\hat{y} = y \Rightarrow \delta^{(L)} = \hat{y} - y")],
    "IMPLIES:implies": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\hat{y} = y \implies \delta^{(L)} = \hat{y} - y")],
    "IMPLIES:Longrightarrow": [(MLE, r"\delta^{(L)} = \hat{y} - y",
                                r"\hat{y} = y \Longrightarrow \delta^{(L)} = \hat{y} - y")],
    "GETS:leftarrow": [(MLE, r"\hat{y} = y", r"\hat{y} \leftarrow y")],
    "GETS:gets": [(MLE, r"\hat{y} = y", r"\hat{y} \gets y")],
    "HADAMARD:odot": [(MLE, r"\hat{y}_1 y_1", r"\hat{y} \odot y")],
    "HADAMARD:circ": [(MLE, r"\hat{y}_1 y_1", r"\hat{y} \circ y")],
    "HADAMARD:oslash": [(MLE, r"\hat{y} \odot y", r"\hat{y} \oslash y")],
    "CDOT:cdot": [(MLE, r"\hat{y}_1 y_1", r"\hat{y}_1 \cdot y_1")],
    "CDOT:times": [(MLE, r"\hat{y}_1 y_1", r"\hat{y}_1 \times y_1")],
    "expr": [(MLE, r"\hat{y}", r"\hat{y} - y")],
    "SEP:\ue000": [(MLE, r"\begin{aligned} \delta^{(L)} &= \hat{y} - y \end{aligned}",
                    r"\begin{aligned} \delta^{(L)} &= \hat{y} - y \\ y &= \hat{y} \end{aligned}")],
    # a tag holding a relation is a condition, not a label: not dropped
    "TAG:≤": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad (\tilde{z}^{(L)}_1 ≤ 0)")],
    "TAG:≥": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad (\tilde{z}^{(L)}_1 ≥ 0)")],
    "TAG:≠": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad (\tilde{z}^{(L)}_1 ≠ 0)"),
              (MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad (\tilde{z}^{(L)}_1 \neq 0)"),
              (MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad (\tilde{z}^{(L)}_1 > 0)"),
              (MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad (\text{for } y = 0)")],
    "TRANSPOSE:top": [(MLE, r"W^{(L-1)}", r"W^{(L-1)\top}")],
    "TRANSPOSE:intercal": [(MLE, r"W^{(L-1)}", r"W^{(L-1)\intercal}")],
    "TRANSPOSE:mathsf\\s*\\{\\s*T\\s*\\}": [(MLE, r"(W^{(L-1)})", r"(W^{(L-1)})^{\mathsf{T}}")],
})

# Examples of the cosmetic constructs: the two meanings must be equal.
COSMETIC_EXAMPLES: dict[str, list[tuple[str, str, str]]] = {
    "WS": [(MLE, r"\hat{y}-y", r"\hat{y}  -   y")],
    "SPACE": [(MLE, r"\hat{y} - y", r"\hat{y} \, - \; y \! ~")],
    "SPACE:left": [(MLE, r"\hat{y}", r"\left. \hat{y} \right.")],
    "SPACE:right": [(MLE, r"\hat{y}", r"\hat{y} \right.")],
    "SPACE:displaystyle": [(MLE, r"\hat{y}", r"\displaystyle \hat{y}")],
    "SPACE:textstyle": [(MLE, r"\hat{y}", r"\textstyle \hat{y}")],
    "TAG": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \quad (*)"),
            (MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} = \hat{y} - y \qquad (\text{Hadamard prod.})")],
    "DEFEQ": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\delta^{(L)} := \hat{y} - y")],
    "term": [(MLE, r"\hat{y} - y", r"+\hat{y} - y")],
    "brace": [(MLE, r"(z^{(L-1)})^T", r"{z^{(L-1)}}^T")],
    "FONT:mathbf": [(MLE, r"W^{(L-1)}", r"\mathbf{W}^{(L-1)}"), (MLE, r"0", r"\mathbf{0}")],
    "FONT:boldsymbol": [(MLE, r"\delta^{(L)}", r"\boldsymbol{\delta}^{(L)}")],
    "FONT:bm": [(MLE, r"W^{(L-1)}", r"\bm{W}^{(L-1)}")],
    "FONT:pmb": [(MLE, r"W^{(L-1)}", r"\pmb{W}^{(L-1)}")],
    "FONT:underline": [(MLE, r"W^{(L-1)}", r"\underline{W}^{(L-1)}")],
    "FONT:mathrm": [(MLE, r"W^{(L-1)}", r"\mathrm{W}^{(L-1)}")],
    "FONT:mathsf": [(MLE, r"W^{(L-1)}", r"\mathsf{W}^{(L-1)}")],
    "FONT:mathit": [(MLE, r"W^{(L-1)}", r"\mathit{W}^{(L-1)}")],
    "TEXT:text": [(CS, r"\text{Err}", r"\text{Err}")],
    "TEXT:textrm": [(CS, r"\text{Err}", r"\textrm{Err}")],
    "TEXT:operatorname": [(MLE, r"\text{ReLU}(y)", r"\operatorname{ReLU}(y)")],
    "TEXT:textit": [(CS, r"\text{Err}", r"\textit{Err}")],
    "TEXT:textbf": [(CS, r"\text{Err}", r"\textbf{Err}")],
    "TEXT:mbox": [(CS, r"\text{Err}", r"\mbox{Err}")],
    "ONE:mathbf": [(HINGE, r"\mathbf{1}_l^j", r"\mathbf 1_l^j")],
    "ONE:boldsymbol": [(HINGE, r"\mathbf{1}_l^j", r"\boldsymbol{1}_l^j")],
    "ONE:bm": [(HINGE, r"\mathbf{1}_l^j", r"\bm{1}_l^j")],
    "ONE_BB:mathbb": [(HINGE, r"\mathbf{1}_{\{p_l > 0\}}", r"\mathbb{1}_{\{p_l > 0\}}")],
    "ONE_BB:mathbbm": [(HINGE, r"\mathbb{1}_{\{p_l > 0\}}", r"\mathbbm{1}_{\{p_l > 0\}}")],
    "resolve:example-label": [(HINGE, r"\mathcal{L}_{hinge}", r"\mathcal{L}_{hinge}^{(i)}")],
    "resolve:frobenius": [(A1, r"\|Y_{out}\|", r"\|Y_{out}\|_F")],
    "resolve:loss-arguments": [(CS, r"\text{Err}", r"\text{Err}(\mathbf{y}, \mathbf{z})"),
                               (MLE, r"L", r"L(\hat{y}, y)"), (MLE, r"L", r"\mathcal{L}(W^{(0)})")],
    "resolve:condition-words": [(MLE, r"\begin{cases} 1 & y_1 > 0 \\ 0 & \text{else} \end{cases}",
                                 r"\begin{cases} 1 & \text{if } y_1 > 0 \\ 0 & \text{otherwise} \end{cases}")],
    "resolve:equation-label": [(MLE, r"\delta^{(L)} = \hat{y} - y", r"\text{(ii)} \quad \delta^{(L)} = \hat{y} - y")],
    "resolve:bold-zero": [(MLE, r"\delta^{(L)} = 0", r"\delta^{(L)} = \mathbf{0}")],
    "resolve:math-delimiters": [(MLE, r"\hat{y}", r"$\hat{y}$"), (MLE, r"\hat{y}", r"$$\hat{y}$$"),
                                (MLE, r"\hat{y}", r"\[\hat{y}\]")],
}
for _t, _alts in (("LPAR", "left bigl Bigl big Big biggl bigg"), ("RPAR", "right bigr Bigr big Big biggr bigg")):
    for _a in _alts.split():
        COSMETIC_EXAMPLES[f"{_t}:{_a}"] = [(MLE, r"(\hat{y}_1 - y_1) y_1",
                                            (f"\\{_a}(\\hat{{y}}_1 - y_1) y_1" if _t == "LPAR"
                                             else f"(\\hat{{y}}_1 - y_1 \\{_a}) y_1"))]
for _t, _alts in (("LBRACK", "left bigl Bigl big Big biggl bigg"), ("RBRACK", "right bigr Bigr big Big biggr bigg")):
    for _a in _alts.split():
        COSMETIC_EXAMPLES[f"{_t}:{_a}"] = [(MLE, r"[\hat{y}_1 - y_1] y_1",
                                            (f"\\{_a}[\\hat{{y}}_1 - y_1] y_1" if _t == "LBRACK"
                                             else f"[\\hat{{y}}_1 - y_1 \\{_a}] y_1"))]
for _t, _alts in (("LSET", "left bigl Bigl big Big"), ("RSET", "right bigr Bigr big Big")):
    for _a in _alts.split():
        COSMETIC_EXAMPLES[f"{_t}:{_a}"] = [(MLE, r"\max\{0, y_1\}",
                                            (f"\\max\\{_a}\\{{0, y_1\\}}" if _t == "LSET"
                                             else f"\\max\\{{0, y_1\\{_a}\\}}"))]
COSMETIC_EXAMPLES["NORM:left"] = [(MLE, r"\|y\|", r"\left\|y\|")]
COSMETIC_EXAMPLES["NORM:right"] = [(MLE, r"\|y\|", r"\|y\right\|")]


def _generated():
    """Families: every Greek command is a name of its own; every Unicode
    spelling is its command; every font and accent on every letter."""
    from symbackprop.notation.parser import _UNICODE_GREEK, _COMBINING
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
