"""Our own plain-text values and messages, typeset: math in LaTeX, Unicode in Markdown.

Witness values (`-7/2`, `≈0.2528`), activation polynomials
(`φ(t) = t + 1/2*t^2`), bindings (`j = 2, y_i = 1`) and messages with
formula fragments (`exp(z_k)`, `b_l is a vector`, `W_{km}^{(L-1)}`) are
typeset in math mode, so that a PDF shows real minus signs, sub- and
superscripts instead of text-mode hyphens and carets.

Safety: only a whitelist of tokens becomes math — digits, ASCII letters, a
fixed set of operators and brackets, the Unicode symbols below — each mapped
to a fixed LaTeX string, with balanced braces.  A fragment with anything else
(a backslash, a dollar, a percent sign) is left to `tex_escape`, character
by character, so a student's text can never become a command.
"""

from __future__ import annotations

import re

from symbackprop.text.escape import MD, TeX, md_escape, tex_escape

__all__ = ["to_math", "value_tex", "prose_tex", "value_text", "value_md"]

_SYMBOLS = {
    "≈": r"\approx ", "≠": r"\neq ", "≤": r"\leq ", "≥": r"\geq ", "×": r"\times ", "·": r"\cdot ",
    "∈": r"\in ", "±": r"\pm ", "…": r"\ldots ", "Σ": r"\sum ", "∂": r"\partial ", "∇": r"\nabla ",
    "⊙": r"\odot ", "→": r"\to ", "⇒": r"\Rightarrow ", "⟨": r"\langle ", "⟩": r"\rangle ", "−": "-",
    "²": "^{2}", "³": "^{3}", "ⁿ": "^{n}", "ŷ": r"\hat{y}", "∞": r"\infty ",
    "φ": r"\varphi ", "δ": r"\delta ", "σ": r"\sigma ", "ε": r"\varepsilon ", "η": r"\eta ",
    "α": r"\alpha ", "β": r"\beta ", "γ": r"\gamma ", "ζ": r"\zeta ", "θ": r"\theta ", "ι": r"\iota ",
    "κ": r"\kappa ", "λ": r"\lambda ", "μ": r"\mu ", "ν": r"\nu ", "ξ": r"\xi ", "π": r"\pi ", "ρ": r"\rho ",
    "τ": r"\tau ", "υ": r"\upsilon ", "χ": r"\chi ", "ψ": r"\psi ", "ω": r"\omega ", "Δ": r"\Delta ",
    "Φ": r"\Phi ", "Ω": r"\Omega ",
}
_ASCII_OPS = {"+": "+", "-": "-", "=": "=", "<": "<", ">": ">", "/": "/", "(": "(", ")": ")", "[": "[",
              "]": "]", ",": ",", ";": ";", "'": "'", "!": "!", "|": r"\vert "}
_FUNCTIONS = {"exp": r"\exp", "Exp": r"\exp", "log": r"\log", "ln": r"\ln", "sin": r"\sin", "cos": r"\cos", "tanh": r"\tanh",
              "max": r"\max", "min": r"\min"}
_TOKEN = re.compile(r"\s+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z]+|\*\*|.", re.S)
_ACCENTS = {"\u0303": r"\tilde", "\u0302": r"\hat", "\u0304": r"\bar"}  # combining marks: z̃ ŷ
_INDEX = re.compile(r"\[(\d+(?:,\d+)*)\]")


def to_math(text: str, script: bool = False) -> str | None:
    """LaTeX math (no delimiters) for `text`, or None if it holds anything
    outside the whitelist or its brackets don't pair up.  Words are upright
    (`\\mathrm{margin}`) except in a `script`, where letters are indices;
    a name's `[1,3]` is its subscript (`W^(1)[1,3]` is `W^{(1)}_{13}`)."""
    tokens = _TOKEN.findall(text.strip())
    if not tokens:
        return None
    out: list[str] = []
    depth = 0
    k = 0
    after_name = ""  # "name" right after a name, "sub" after a name's subscript: where [1,3] indexes
    while k < len(tokens):
        tok = tokens[k]
        prev = tokens[k - 1] if k else ""
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        was, after_name = after_name, ""
        if tok.isspace():
            # a space next to an upright word or after a comma shows; elsewhere math spacing does
            word_next = _is_word(nxt) and len(nxt) > 1 and nxt not in _FUNCTIONS and not script
            upright_before = bool(out) and out[-1].startswith(r"\mathrm") and _is_word(nxt)
            shows = upright_before or prev in (",", ";") or word_next
            out.append(r"\ " if shows else " ")
        elif tok[0] in "0123456789":
            out.append(_number(tok))
        elif _is_word(tok):
            if tok in _FUNCTIONS:
                out.append(_FUNCTIONS[tok] + " ")
            else:
                out.append(tok if len(tok) == 1 or script else r"\mathrm{" + tok + "}")
                after_name = "name"
        elif tok in _ACCENTS:
            if not (was and len(prev) == 1 and out[-1] == prev):
                return None
            out[-1] = _ACCENTS[tok] + "{" + prev + "}"
            after_name = "name"
        elif tok in ("_", "^", "**"):
            found = _script(tokens, k + 1)
            if found is None:
                return None
            body, k = found
            mark = "^" if tok == "**" else tok
            out.append(mark + "{" + body + "}")
            after_name = "sub" if mark == "_" else ("name" if was else "")
            continue
        elif tok == "[" and was and _INDEX.match("".join(tokens[k:k + 24])):
            index = _INDEX.match("".join(tokens[k:k + 24])).group(1)
            parts = index.split(",")
            body = "".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts)
            out.append(("{}" if was == "sub" else "") + "_{" + body + "}")
            k += 2 * len(parts) + 1  # '[', the numbers, the commas, ']'
            continue
        elif tok in ("{", "}"):
            # braces not taken by a script are a set's, shown: 1{u > 0} is an indicator
            depth += 1 if tok == "{" else -1
            if depth < 0:
                return None
            if tok == "{" and out and out[-1] == "1":
                out[-1] = r"\mathbb{1}"
            out.append("\\" + tok)
        elif tok == "*":
            out.append(r"\cdot " if nxt[:1].isdigit() else r"\, ")
        elif tok in _ASCII_OPS:
            out.append(_ASCII_OPS[tok])
        elif tok in _SYMBOLS:
            out.append(_SYMBOLS[tok])
            after_name = "name" if tok.isalpha() else ""  # δ[2], ŷ[1]
        else:
            return None
        k += 1
    if depth or not _paired(tokens):
        return None
    return "".join(out).strip()


def _is_word(tok: str) -> bool:
    return tok.isascii() and tok.isalpha()


def _number(tok: str) -> str:
    m = re.fullmatch(r"([\d.]+)[eE]([-+]?)(\d+)", tok)
    if m:
        return m.group(1) + r"\cdot 10^{" + ("-" if m.group(2) == "-" else "") + m.group(3).lstrip("0") + "}"
    return tok


def _script(tokens: list[str], k: int):
    """The sub- or superscript starting at token k: (LaTeX body, next index)."""
    if k >= len(tokens):
        return None
    tok = tokens[k]
    if _is_word(tok) or tok[0] in "0123456789":
        return tok, k + 1  # indices: W_hm is W_{hm}, letters in italics
    if tok in _SYMBOLS and tok not in ("²", "³", "ⁿ"):
        return _SYMBOLS[tok].strip(), k + 1
    close = {"{": "}", "(": ")"}.get(tok)
    if close is None:
        return None
    depth, j = 0, k
    while j < len(tokens):
        depth += tokens[j] == tok
        depth -= tokens[j] == close
        if depth == 0:
            inner = "".join(tokens[k + 1:j])
            body = to_math(inner, script=True) if inner.strip() else ""
            if body is None:
                return None
            return (body if tok == "{" else "(" + body + ")"), j + 1
        j += 1
    return None


def _paired(tokens) -> bool:
    stack = []
    for t in tokens:
        if t in "([":
            stack.append(t)
        elif t in ")]":
            # half-open intervals [a, b) are fine; only a closer with nothing open is not
            if not stack:
                return False
            stack.pop()
    return not stack


def value_tex(text) -> TeX:
    """A value (number, interval, polynomial, binding) in math mode; what
    can't be typeset is typeset piecewise by `prose_tex`."""
    text = str(text)
    math = to_math(text)
    return TeX("$" + math + "$") if math is not None else prose_tex(text)


# ------------------------------------------------------------ prose with formula fragments
_GREEK_OR_MATH = "".join(k for k in _SYMBOLS if k not in "…−·")
_SCRIPTED = re.compile(r"[A-Za-z0-9" + _GREEK_OR_MATH + "".join(_ACCENTS) + r"'\)\}\]][_^][{(A-Za-z0-9]")
_INDEXED = re.compile(r"[A-Za-z][" + "".join(_ACCENTS) + r"]?\[\d+(?:,\d+)*\]")  # Exp(o[1])/(...
_NAME = re.compile(r"^\(?[A-Za-z" + _GREEK_OR_MATH + r"][" + "".join(_ACCENTS) + r"]?\[\d+(?:,\d+)*\]\)?$")  # x[1]
_SIGNED = re.compile(r"^[≈(\[]*[-−](?:\d|[A-Za-z])")  # -2, ≈-0.5, -margin
_LETTER_SHIFT = re.compile(r"^\(?[A-Za-z][-+]\d+\)?$")
_CALL = re.compile(r"^\(?(?:exp|log)\(")
_PREFIX = ("Σ", "∂", "∇")
# words, with a brace group kept whole even where it holds spaces: 1{u > 0}
_WORDS = re.compile(r"\s+|(?:\{[^{}]*\}|[^\s{])+|\{")
_OPERATORS = {"=", "-", "−", "+", "≈", "×", "·", "≠", "≤", "≥", "<", ">", "/", "*", "∈", "⊙"}
_TRAIL = ".,;:"


def _mathy(word: str) -> bool:
    """A word that is (part of) a formula: scripts, an indexed name, a signed
    number, l-1, exp(...), a Greek letter or math symbol, a brace group."""
    core = word.rstrip(_TRAIL)
    if not core:
        return False
    patterns = (_SCRIPTED.search, _INDEXED.search, _SIGNED.match, _LETTER_SHIFT.match, _NAME.match, _CALL.match)
    return any(p(core) for p in patterns) or any(ch in _GREEK_OR_MATH + "{" for ch in core)


def _operand(word: str) -> bool:
    core = word.rstrip(_TRAIL).strip("()")
    return _mathy(word) or bool(re.fullmatch(r"[A-Za-z]|\d+(?:\.\d+)?(?:/\d+)?", core))


def prose_tex(text) -> TeX:
    """One of our messages as LaTeX: the prose escaped, each run of formula
    words (scripted names, Greek letters, signed numbers, exp(...), joined by
    operators) typeset in math mode."""
    words = _WORDS.findall(str(text).replace("\n", " "))
    out: list[str] = []
    k = 0
    while k < len(words):
        w = words[k]
        if w.isspace() or not w or not _mathy(w):
            out.append(tex_escape(w))
            k += 1
            continue
        end = k  # the run is words[k..end], every other one a space
        while not words[end].rstrip(")").endswith(tuple(_TRAIL)):
            after = [words[j] for j in range(end + 2, min(end + 5, len(words)), 2)]
            if after and _mathy(after[0]):
                end += 2
            elif after and words[end].rstrip(_TRAIL).endswith(_PREFIX) and _operand(after[0]):
                end += 2
            elif len(after) >= 2 and after[0] in _OPERATORS and _operand(after[1]):
                end += 4
            else:
                break
        out.append(_run_tex("".join(words[k:end + 1])))
        k = end + 1
    return TeX("".join(out))


def _run_tex(run: str) -> str:
    """A formula run as math, with trailing punctuation and unpaired outer
    parentheses left in the text."""
    core = run.rstrip(_TRAIL)
    tail = run[len(core):]
    head = ""
    while core.startswith("(") and core.count("(") > core.count(")"):
        head, core = head + "(", core[1:]
    while core.endswith(")") and core.count(")") > core.count("("):
        tail, core = ")" + tail, core[:-1]
    math = to_math(core) if core else None
    body = "$" + math + "$" if math is not None else tex_escape(core)
    return tex_escape(head) + body + tex_escape(tail)


# ------------------------------------------------------------ Markdown: plain Unicode text
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def value_text(text) -> str:
    """A value as plain text that reads like print: −2 (a real minus), t², 1/2·t."""
    s = str(text)
    s = re.sub(r"(?<![\w)\]])-(?=[\d.(])|(?<= )-(?= )", "−", s)
    s = re.sub(r"\^(-?\d+)\b", lambda m: m.group(1).translate(_SUPERSCRIPT), s)
    return s.replace("*", "·")


def value_md(text) -> MD:
    return MD(md_escape(value_text(text)))
