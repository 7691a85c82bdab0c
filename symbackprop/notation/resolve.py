"""Syntax tree -> meaning, using a problem's notation.

The notation (from the problem file) says what each written name means —
which node of the network, whether its layer label is written `^{(l)}` or
`_l`, with what offset — and which letters are sizes, layer variables, class
labels.  This module applies it: it decides that `W^{(L-1)}_{ij}` is entry
(i, j) of the weight feeding layer L, that `\\phi (x)` applies the activation
while `W (x)` multiplies, that `\\delta_{ij}` is Kronecker's, and that the `d`
bounding a sum is a size while the `d` in `x_d` is an index.
"""

from __future__ import annotations

from fractions import Fraction

from symbackprop.errors import IllFormed
from symbackprop.notation import functions as F
from symbackprop.notation import meaning as M
from symbackprop.notation import syntax as S
from symbackprop.notation.calls import Calls, Fn, _leibniz, _leibniz_operator
from symbackprop.notation.scripts import ScriptReader
from symbackprop.notation.tables import NameRule, Notation, _is_letter, _is_transpose, _word, read_layer

__all__ = ["NameRule", "Notation", "resolve"]


# Words in a case's condition that only introduce it: `\text{if } x > 0`.
_FILLER = {"if", "when", "for", "where", "whenever", "wenn", "falls", "for all"}
_OTHERWISE = {"else", "otherwise", "sonst", "if else"}


def _words(name) -> str:
    return " ".join(name.base.replace(",", " ").split()).lower() if isinstance(name, S.Name) else ""


class _Resolver(ScriptReader, Calls):
    """Syntax -> meaning for one source text; scripts are read by `ScriptReader`."""

    # ------------------------------------------------------------ expressions
    def expr(self, node, bound: bool = False) -> M.Sem:
        out = self._expr(node, bound)
        if isinstance(out, Fn) and out.fn == "indicator":   # \mathbf{1} alone: the all-ones array, a broadcast 1
            return M.Number(Fraction(1), pos=node.pos, text=self.text(node))
        if isinstance(out, Fn):
            raise self.fail(f"function {out.fn} has no argument", node)
        return out

    def _expr(self, node, bound=False):
        kw = {"pos": node.pos, "text": self.text(node)}
        if isinstance(node, S.Add):
            return M.Add(self.expr(node.left), self.expr(node.right), 1, **kw)
        if isinstance(node, S.Sub):
            return M.Add(self.expr(node.left), self.expr(node.right), -1, **kw)
        if isinstance(node, S.Neg):
            return M.Neg(self.expr(node.operand), **kw)
        if isinstance(node, S.Hadamard):
            return M.Hadamard(self.expr(node.left), self.expr(node.right), node.divide, **kw)
        if isinstance(node, S.Product):
            return self.product(list(node.items), node)
        if isinstance(node, S.Frac):
            leibniz = _leibniz(node)
            if leibniz is not None:  # \frac{dL}{dW}, \frac{\mathrm{d} L}{\mathrm{d} W}
                return M.Deriv(self.expr(leibniz[0]), self.wrt(leibniz[1]), **kw)
            if _leibniz_operator(node) is not None:
                raise self.fail("\\frac{d}{d x} needs something to differentiate on its right", node)
            return M.Div(self.expr(node.num), self.expr(node.den), **kw)
        if isinstance(node, S.Deriv):
            return M.Deriv(self.expr(node.num), self.wrt(node.wrt), **kw)
        if isinstance(node, S.DerivOp):
            return M.Deriv(self.expr(node.body), self.wrt(node.wrt), **kw)
        if isinstance(node, S.Nabla):
            return M.Deriv(self.expr(node.body), self.wrt(node.wrt), True, **kw)
        if isinstance(node, S.Sum):
            return self.sum(node)
        if isinstance(node, S.Num):
            return M.Number(Fraction(node.text), node.text if "." in node.text else None, **kw)
        if isinstance(node, S.Group):
            return self.group(node)
        if isinstance(node, S.Norm):
            return M.Norm(self.expr(node.operand), **kw)
        if isinstance(node, S.Inner):
            return M.Inner(self.expr(node.left), self.expr(node.right), **kw)
        if isinstance(node, S.Matrix):
            return M.Literal(tuple(tuple(self.expr(c) for c in row) for row in node.rows), **kw)
        if isinstance(node, S.Cases):
            return M.Piecewise(tuple((self.expr(v), self.condition(c)) for v, c in node.rows), **kw)
        if isinstance(node, S.Name):
            return self.name(node, (), node, bound)
        if isinstance(node, S.Scripted):
            return self.scripted(node, bound)
        if isinstance(node, S.Segment):
            if len(node.exprs) == 2 and len(node.rels) == 1:
                left, right = self.comparison(node.exprs[0], node.exprs[1])
                return M.Cond(left, node.rels[0], right, **kw)
            raise self.fail("a comparison can't be used as a value here", node)
        if isinstance(node, S.Token):
            raise self.fail(f"misplaced {node.text or node.kind}", node)
        raise self.fail(f"can't read {type(node).__name__} here", node)

    def group(self, node: S.Group):
        if len(node.items) != 1:
            raise self.fail("a list of values in brackets can't be used here", node)
        if node.kind == "brace" and isinstance(node.items[0], (S.Add, S.Sub, S.Neg, S.Hadamard)):
            # TeX prints {a - b} c as a - b c: braces don't group what the reader sees
            raise self.fail("braces don't group in print: write (...) around a sum", node)
        if node.kind == "set" and not isinstance(node.items[0], S.Segment):
            raise self.fail("\\{...\\} is a set, not a value: group with ( ) instead", node)
        return self._expr(node.items[0])

    def condition(self, seg):
        """A `cases` condition: a leading `\\text{if}`/`\\text{When}` is dropped
        (it only introduces the comparison); `\\text{else}` -> None.  Other
        words are not understood, so they are refused rather than skipped."""
        if not isinstance(seg, S.Segment):
            if isinstance(seg, S.Name) and seg.kind == "text" and _words(seg) in _OTHERWISE:
                return None
            raise self.fail("a case condition must compare two values (or say \\text{otherwise})", seg)
        left = seg.exprs[0]
        if isinstance(left, S.Product) and isinstance(left.items[0], S.Name) and left.items[0].kind == "text":
            if _words(left.items[0]) not in _FILLER:
                raise self.fail(f"can't read the words {self.text(left.items[0])!r} in a condition", left.items[0])
            rest = left.items[1:]
            left = rest[0] if len(rest) == 1 else S.Product(rest, pos=rest[0].pos, end=left.end)
        if len(seg.rels) != 1:
            raise self.fail("a case condition must be one comparison", seg)
        left, right = self.comparison(left, seg.exprs[1])
        return M.Cond(left, seg.rels[0], right, pos=seg.pos)

    def comparison(self, left, right) -> tuple:
        """Both sides of a condition, where an index may stand for its value."""
        self.in_condition = getattr(self, "in_condition", 0) + 1
        try:
            return self.expr(left), self.expr(right)
        finally:
            self.in_condition -= 1

    # ------------------------------------------------------------ names
    def scripted(self, node: S.Scripted, bound=False):
        base = node.base
        posts = list(node.posts)
        if isinstance(base, S.Name):
            return self.name(base, posts, node, bound)
        value = self.expr(base)
        return self.postfix(value, posts, node)

    def postfix(self, value, posts, node):
        kw = {"pos": node.pos, "text": self.text(node)}
        for kind, script in posts:
            if kind == "sub":
                if isinstance(value, (M.Norm, M.Inner)) and _is_letter(script, "F"):
                    continue  # \|A\|_F, \langle A, B \rangle_F
                if isinstance(value, M.Norm) and isinstance(script, S.Num) and script.text == "2":
                    value = M.Norm(value.operand, "2", pos=value.pos, text=value.text)
                    continue  # \|r\|_2: the Euclidean norm of a vector
                value = M.Entry(value, tuple(self.indices(script)), **kw)
            elif kind == "sup":
                if _is_transpose(script):
                    value = M.Transpose(value, **kw)
                elif isinstance(script, S.Group) and script.kind == "paren":
                    # ^{(2)} reads as a layer or example label, never as a power
                    raise self.fail(f"{self.text(node) or 'this'}: a superscript in parentheses is a label, "
                                    "which this doesn't take (write a power without parentheses)", node)
                else:
                    value = M.Power(value, self.expr(script, bound=True), **kw)
            else:
                raise self.fail("a prime can only follow a function name", node)
        return value

    def name(self, name: S.Name, posts: list, node, bound=False):
        kw = {"pos": node.pos, "text": self.text(node)}
        key = name.key
        # Compound names with a word subscript: Y_{out}, \mathcal{L}_{hinge}, L_0.
        for i, (kind, script) in enumerate(posts):  # \mathcal{L}^{(i)}_{hinge} as well
            word = _word(script) if kind == "sub" else ""
            if word and f"{key}_{word}" in self.n.names:
                key, posts = f"{key}_{word}", posts[:i] + posts[i + 1:]
                break
        primes, posts, late = self.primes(posts)
        if name.kind == "text" and name.base.endswith("'"):  # \operatorname{ReLU'}
            primes += len(name.base) - len(name.base.rstrip("'"))
        rule = self.n.names.get(key)
        if rule is not None and rule.example == "sup":
            posts = [(k, s) for k, s in posts if not (k == "sup" and self._example_label(s))]
        fn = F.builtin(name) if rule is None else None
        if fn is not None:  # \exp, \tanh', \text{ReLU}', \operatorname{softmax}_k
            return self.function_name(name, fn, primes, posts, node, late)
        if rule is None and name.kind == "func":
            raise self.fail(f"unknown function \\{name.base}", node)
        if name.kind in ("one", "one_bb"):
            if primes or name.accents or not set(name.styles) <= F.COSMETIC_STYLES | {"bb"}:
                raise self.fail("a prime, accent or font on an indicator is not understood", node)
            if not posts:  # \mathbb{1}\{x > 0\}, \mathbb{1}[x > 0]
                return Fn("indicator", None, node.pos)
            return self.indicator(name, posts, node)
        if rule is None and key == "e" and posts and posts[0][0] == "sup" and len(posts) == 1:
            if primes or name.styles:
                raise self.fail("a prime or font on e^{...} is not understood", node)
            return M.Apply("exp", (self.expr(posts[0][1]),), **kw)
        kron = self.kronecker(name, rule, posts, node)
        if kron is not None:
            if primes:
                raise self.fail("a prime on Kronecker's delta is not understood", node)
            return kron
        if getattr(self, "in_condition", 0) and not primes:
            # j = y_i, j \neq k: in a condition, an index stands for its value
            if rule is None and not posts and name.kind == "letter" and not name.accents:
                return M.IndexValue(M.Idx(var=name.base), **kw)
            if rule is not None and rule.kind == "label":
                return M.IndexValue(M.Idx(var=rule.family), **kw)
        if rule is None and key == self.n.last_layer and name.kind == "letter" and not posts and not primes \
                and self.n.layer_vars:
            return M.Size("@L", **kw)   # \sum_{l=1}^{L}: the last layer's number, L
        if rule is None and key == "I" and name.kind == "letter" and not primes and not name.accents:
            # the identity matrix, unless the problem names something I
            if not posts:
                return M.Identity(**kw)
            if len(posts) == 1 and posts[0][0] == "sub":
                return M.Identity(self.expr(posts[0][1], bound=True), **kw)
        if rule is None:
            raise self.fail(f"{self.text(node) or key} is not defined in this problem", node)
        layer, posts = self.layer_label(rule, posts, node)
        if rule.kind not in ("activation", "derivative-op", "function") and primes:
            raise self.fail(f"a prime on {key}, which is not a function", node)
        if rule.kind == "kron-or-definition":
            if layer is None:
                idx = self.indices(posts[0][1]) if posts and posts[0][0] == "sub" else []
                if len(idx) != 2 or len(posts) != 1:
                    raise self.fail(f"Kronecker {key}_{{ij}} needs exactly two indices", node)
                return M.Kron(idx[0], idx[1], **kw)
            return self.postfix(M.DefRef(rule.family, layer, self.text(node), **kw), posts, node)
        if rule.kind == "function":  # the notation's name for a built-in: σ = softmax
            return self.function_name(name, rule.family, primes, posts, node, late)
        if rule.kind in ("activation", "derivative-op"):
            if rule.kind == "derivative-op" and primes:
                raise self.fail(f"a prime on the derivative operator {key} is not understood", node)
            problem = F.derivative_problem("@" + rule.family, primes, self.text(name) or key)
            if problem:
                raise self.fail(problem, node)
            if posts:
                raise self.fail(f"unexpected script on function {key}", node)
            return Fn("D" if rule.kind == "derivative-op" else "@" + rule.family + "'" * primes, layer, node.pos)
        if rule.kind == "quantity":
            base = M.Quantity(rule.family, layer, self.text(node), **kw)
        elif rule.kind == "definition":
            base = M.DefRef(rule.family, layer, self.text(node), **kw)
        elif rule.kind == "size":
            return self.postfix(M.Size(rule.family, layer, **kw), posts, node)
        elif rule.kind == "constant":
            base = M.Quantity(rule.family, None, self.text(node), **kw)
        else:
            raise self.fail(f"{key} can't be used as a value", node)
        return self.postfix(base, posts, node)

    def kronecker(self, name: S.Name, rule, posts, node):
        """δ_{kj}: a δ with two indices and no layer label is Kronecker's in
        every problem, whether or not the notation also uses δ for a layer's
        error (written with a layer label).  None if that's not what's written."""
        if not (name.kind == "greek" and name.base == "delta" and F.is_plain(name)):
            return None
        if rule is not None and not (rule.kind == "definition" and rule.layer in ("sub", "sup")):
            return None  # kron-or-definition reads its own; a δ the notation gives another meaning
        if len(posts) != 1 or posts[0][0] != "sub":
            return None
        script = posts[0][1]
        if rule is not None and rule.layer == "sub" and read_layer(script, self.n) is not None:
            return None  # δ_{l-1}: the layer's δ
        try:
            idx = self.indices(script)
        except IllFormed:
            return None
        if len(idx) != 2:
            return None
        return M.Kron(idx[0], idx[1], pos=node.pos, text=self.text(node))

    def wrt(self, node) -> M.Sem:
        target = self.expr(node)
        inner = target.base if isinstance(target, M.Entry) else target
        if not isinstance(inner, M.Quantity):
            raise self.fail(f"can't differentiate with respect to {self.text(node)!r}: "
                            "not a quantity of the network", node)
        return target



def resolve(node, notation: Notation, source: str = "") -> M.Sem:
    """Resolve one expression (a side of a claim)."""
    return _Resolver(notation, source).expr(node)


def resolve_premise(left, right, notation: Notation, source: str = "") -> tuple[M.Sem, M.Sem]:
    """Resolve both sides of a premise `left rel right`, where an index
    (`j \\neq y_i`) may stand for its value."""
    return _Resolver(notation, source).comparison(left, right)
