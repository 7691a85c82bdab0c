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

from dataclasses import dataclass
from fractions import Fraction

from . import meaning as M
from . import syntax as S
from .scripts import ScriptReader
from .tables import NameRule, Notation, _is_letter, _is_prime, _is_transpose, _word

__all__ = ["NameRule", "Notation", "resolve"]


@dataclass(frozen=True)
class _Fn:
    """A function waiting for its argument inside a product."""
    fn: str
    layer: M.Lin | None = None
    pos: int = 0


_TEXT_FUNCTIONS = {"relu": "relu", "ReLU": "relu", "tr": "tr", "Tr": "tr", "trace": "tr",
                   "softmax": "softmax", "exp": "exp", "log": "log", "ln": "log", "max": "max",
                   "diag": "diag"}


def _is_arg_list(item) -> bool:
    """`(a, b)`: two or more values in brackets, only meaningful after a function."""
    return isinstance(item, S.Group) and item.kind in ("paren", "bracket", "set") and len(item.items) > 1


def _after_d(node):
    """`d X` (or `\\mathrm{d} X`): X, else None."""
    items = list(node.items) if isinstance(node, S.Product) else []
    if len(items) < 2:
        return None
    d = items[0]
    if not (isinstance(d, S.Name) and d.base == "d" and d.kind == "letter" and not d.accents
            and set(d.styles) <= {"rm"}):
        return None
    rest = items[1:]
    return rest[0] if len(rest) == 1 else S.Product(tuple(rest), pos=rest[0].pos, end=node.end)


def _leibniz(node: S.Frac):
    """(numerator, variable) of a derivative written with d instead of ∂."""
    num, wrt = _after_d(node.num), _after_d(node.den)
    return (num, wrt) if num is not None and wrt is not None else None


def _is_loss(value) -> bool:
    return isinstance(value, M.Quantity) and value.family == "loss"


class _Resolver(ScriptReader):
    """Syntax -> meaning for one source text; scripts are read by `ScriptReader`."""

    # ------------------------------------------------------------ expressions
    def expr(self, node, bound: bool = False) -> M.Sem:
        out = self._expr(node, bound)
        if isinstance(out, _Fn):
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
                return M.Cond(self.expr(node.exprs[0]), node.rels[0], self.expr(node.exprs[1]), **kw)
            raise self.fail("a comparison can't be used as a value here", node)
        if isinstance(node, S.Token):
            raise self.fail(f"misplaced {node.text or node.kind}", node)
        raise self.fail(f"can't read {type(node).__name__} here", node)

    def group(self, node: S.Group):
        if len(node.items) != 1:
            raise self.fail("a list of values in brackets can't be used here", node)
        return self._expr(node.items[0])

    def condition(self, seg):
        """A `cases` condition: strip `\\text{When}`-style words; `else` -> None."""
        if not isinstance(seg, S.Segment):
            if isinstance(seg, S.Name) and seg.kind == "text":
                return None
            raise self.fail("a case condition must compare two values", seg)
        left = seg.exprs[0]
        if isinstance(left, S.Product) and isinstance(left.items[0], S.Name) and left.items[0].kind == "text":
            rest = left.items[1:]
            left = rest[0] if len(rest) == 1 else S.Product(rest, pos=rest[0].pos, end=left.end)
        return M.Cond(self.expr(left), seg.rels[0], self.expr(seg.exprs[1]), pos=seg.pos)

    # ------------------------------------------------------------ products
    def product(self, items: list, node) -> M.Sem:
        """Juxtaposition: a function applies to the item after it; \\cdot is
        kept as a flag; everything else multiplies left to right."""
        written, resolved, dots = [], [], []  # aligned lists, \cdot tokens removed
        pending_dot = False
        for item in items:
            if isinstance(item, S.Token) and item.kind == "cdot":
                pending_dot = True
                continue
            after = resolved[-1] if resolved else None
            if _is_arg_list(item) and (isinstance(after, _Fn) or _is_loss(after)):
                resolved.append(item)  # \max(0, x), Err(y, z): an argument list, read below
            else:
                resolved.append(self._expr(item))
            written.append(item)
            dots.append(pending_dot)
            pending_dot = False
        if pending_dot:
            raise self.fail("\\cdot needs something on its right", node)
        values: list = []
        flags: list = []
        i = 0
        while i < len(resolved):
            r = resolved[i]
            if _is_loss(r) and i + 1 < len(resolved) and _is_arg_list(resolved[i + 1]):
                values.append(r)  # Err(y, z), L(y^, y): the arguments only name the inputs
                flags.append(dots[i])
                i += 2
                continue
            if isinstance(r, _Fn):
                value, j = self._call(resolved, written, i)
                values.append(value)
                flags.append(dots[i])
                i = j
                continue
            values.append(r)
            flags.append(dots[i])
            i += 1
        out = values[0]
        for v, dot in zip(values[1:], flags[1:]):
            out = M.Mul(out, v, dot, pos=node.pos, text=self.text(node))
        return out

    def _call(self, resolved, items, i):
        """Apply the function at position i to what follows: (value, next position)."""
        fn = resolved[i]
        if i + 1 >= len(resolved):
            raise self.fail(f"{fn.fn} needs an argument", items[i])
        nxt = resolved[i + 1]
        if isinstance(nxt, _Fn):  # D φ (x) is φ'(x); \ln \exp x composes
            if fn.fn == "D":
                return self._call_with(_Fn(nxt.fn + "'", nxt.layer, nxt.pos), resolved, items, i + 1)
            inner, j = self._call(resolved, items, i + 1)
            return self.apply(fn, [inner], items[i]), j
        if fn.fn == "D":
            raise self.fail("\\mathbf{D} must be followed by a function", items[i])
        return self._call_with(fn, resolved, items, i)

    def _call_with(self, fn: _Fn, resolved, items, i):
        """`fn` applied to the item at i + 1."""
        nxt, item = resolved[i + 1], items[i + 1]
        if _is_arg_list(nxt):
            return self.apply(fn, [self.expr(x) for x in nxt.items], items[i]), i + 2
        if isinstance(item, S.Scripted) and isinstance(item.base, S.Group) and item.base.kind in ("paren", "bracket") \
                and len(item.base.items) == 1 and all(k == "sub" for k, _ in item.posts):
            # f(x)_k is (f(x))_k: the same for an elementwise f, and right for softmax
            value = self.apply(fn, [self.expr(item.base.items[0])], items[i])
            return self.postfix(value, list(item.posts), item), i + 2
        return self.apply(fn, [nxt], items[i]), i + 2

    def apply(self, fn: _Fn, args: list, node) -> M.Sem:
        kw = {"pos": fn.pos, "text": self.text(node)}
        name = fn.fn
        if name == "max":
            if len(args) != 2:
                raise self.fail("\\max needs two arguments here, as in \\max(0, x)", node)
            return M.Apply("max", tuple(args), **kw)
        if len(args) != 1:
            raise self.fail(f"{name} takes one argument, not {len(args)}", node)
        if name in ("exp", "log", "relu", "softmax", "step", "act", "act'", "tr", "diag"):
            if name == "tr":
                return M.Trace(args[0], **kw)
            return M.Apply(name, tuple(args), fn.layer, **kw)
        raise self.fail(f"unknown function {name}", node)

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
                value = M.Entry(value, tuple(self.indices(script)), **kw)
            elif kind == "sup":
                if _is_transpose(script):
                    value = M.Transpose(value, **kw)
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
        primes = sum(1 for k, s in posts if k == "prime" or (k == "sup" and _is_prime(s)))
        posts = [(k, s) for k, s in posts if not (k == "prime" or (k == "sup" and _is_prime(s)))]
        rule = self.n.names.get(key)
        if rule is not None and rule.example == "sup":
            posts = [(k, s) for k, s in posts if not (k == "sup" and self._example_label(s))]
        if name.kind == "func":
            if rule is None:
                fn = {"ln": "log", "log": "log", "exp": "exp", "max": "max", "tr": "tr",
                      "softmax": "softmax"}.get(name.base)
                if fn is None:
                    raise self.fail(f"unknown function \\{name.base}", node)
                return _Fn(fn, None, node.pos)
        if name.kind in ("one", "one_bb"):
            return self.indicator(name, posts, node)
        if rule is None and key == "e" and posts and posts[0][0] == "sup" and len(posts) == 1:
            return M.Apply("exp", (self.expr(posts[0][1]),), **kw)
        if rule is None and name.kind == "text" and name.base in _TEXT_FUNCTIONS:
            return _Fn(_TEXT_FUNCTIONS[name.base], None, node.pos)  # \text{relu}, \text{tr}
        if rule is None:
            raise self.fail(f"{self.text(node) or key} is not defined in this problem", node)
        layer, posts = self.layer_label(rule, posts, node)
        if rule.kind == "kron-or-definition":
            if layer is None:
                idx = self.indices(posts[0][1]) if posts and posts[0][0] == "sub" else []
                if len(idx) != 2 or len(posts) != 1:
                    raise self.fail(f"Kronecker {key}_{{ij}} needs exactly two indices", node)
                return M.Kron(idx[0], idx[1], **kw)
            return self.postfix(M.DefRef(rule.family, layer, self.text(node), **kw), posts, node)
        if rule.kind == "function":
            return _Fn(rule.family, None, node.pos)
        if rule.kind in ("activation", "derivative-op"):
            fn = "D" if rule.kind == "derivative-op" else ("act'" if primes else "act")
            if primes > 1:
                raise self.fail("only first derivatives of the activation are supported", node)
            if posts:
                raise self.fail(f"unexpected script on function {key}", node)
            return _Fn(fn, layer, node.pos)
        if primes:
            raise self.fail(f"a prime on {key}, which is not a function", node)
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
