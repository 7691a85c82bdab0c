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

from ..errors import IllFormed
from . import meaning as M
from . import syntax as S
from .tables import NameRule, Notation, _is_letter, _is_prime, _is_transpose, _shift, _word, read_layer

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


def _is_loss(value) -> bool:
    return isinstance(value, M.Quantity) and value.family == "loss"


class _Resolver:
    def __init__(self, notation: Notation, source: str):
        self.n = notation
        self.src = source

    def fail(self, message: str, node) -> IllFormed:
        pos = getattr(node, "pos", None)
        end = getattr(node, "end", None)
        frag = self.src[pos:end] if (pos is not None and end and self.src) else ""
        return IllFormed(message, pos, frag)

    def text(self, node) -> str:
        return self.src[node.pos:node.end] if self.src and node.end else ""

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

    def _example_label(self, script) -> bool:
        """`^{(i)}`: the example's number, in a problem with one example."""
        if isinstance(script, S.Group) and script.kind == "paren" and len(script.items) == 1:
            inner = script.items[0]
            return isinstance(inner, S.Name) and inner.kind == "letter"
        return False

    def layer_label(self, rule: NameRule, posts: list, node):
        """Take the layer label out of the scripts, as the rule says it is written."""
        if rule.fixed_layer is not None:
            return M.Lin((), rule.fixed_layer), posts
        if rule.layer == "last":  # Y_out = Z_L
            return M.Lin((("L", 1),), 0), posts
        if rule.layer == "none":
            return None, posts
        want = "sup" if rule.layer == "sup" else "sub"
        for i, (kind, script) in enumerate(posts):
            if kind != want:
                continue
            if want == "sup":
                lin, transposed = self.sup_layer(script)
                if lin is None:
                    continue
                rest = posts[:i] + posts[i + 1:]
                if transposed:
                    rest.append(("sup", S.Token("transpose", "\\top")))
                return _shift(lin, rule.offset), rest
            return _shift(self.lin(script), rule.offset), posts[:i] + posts[i + 1:]
        if rule.kind in ("kron-or-definition",):
            return None, posts
        raise self.fail(f"{self.text(node)} needs a layer label", node)

    def sup_layer(self, script):
        """`^{(L-1)}`, `^{(L-1)\\top}`, `^{(L)T}` -> (Lin, transposed)."""
        items = list(script.items) if isinstance(script, S.Product) else [script]
        if not items or not (isinstance(items[0], S.Group) and items[0].kind == "paren"):
            return None, False
        rest = items[1:]
        if rest and not all(_is_transpose(r) for r in rest):
            return None, False
        return self.lin(items[0]), bool(rest)

    def lin(self, node) -> M.Lin:
        lin = read_layer(node, self.n)
        if lin is None:
            raise self.fail(f"can't read layer label {self.text(node)!r}", node)
        return lin

    # ------------------------------------------------------------ indices
    def indices(self, script) -> list[M.Idx]:
        if isinstance(script, S.Product):
            out = []
            for item in script.items:
                out += self.indices(item)
            return out
        if isinstance(script, S.Token) and script.kind == "cdot":
            return [M.Idx(all=True)]
        if isinstance(script, S.Num) and script.text.isdigit():
            return [M.Idx(fixed=int(c)) for c in script.text]
        if isinstance(script, S.Name) and script.kind in ("letter", "greek") and not script.accents:
            return [M.Idx(var=script.base)]
        if isinstance(script, S.Scripted) and isinstance(script.base, S.Name):
            rule = self.n.names.get(script.base.key)
            if rule is not None and rule.kind == "label":
                return [M.Idx(var=rule.family)]
        if isinstance(script, (S.Add, S.Sub)) and isinstance(script.right, S.Num):
            (var,) = self.indices(script.left)
            step = int(script.right.text) * (1 if isinstance(script, S.Add) else -1)
            return [M.Idx(var=var.var, offset=var.offset + step)]
        if isinstance(script, S.Group) and len(script.items) == 1:
            return self.indices(script.items[0])
        raise self.fail(f"can't read index {self.text(script)!r}", script)

    def indicator(self, name: S.Name, posts, node):
        """`\\mathbf{1}_i^j` (Kronecker), `\\mathbf{1}_{\\{cond\\}}`, and the vector of
        ones `\\mathbb{1}_N` (also `\\mathbf{1}_N` when N is a size), maybe transposed."""
        kw = {"pos": node.pos, "text": self.text(node)}
        transposed = any(k == "sup" and _is_transpose(s) for k, s in posts)
        posts = [(k, s) for k, s in posts if not (k == "sup" and _is_transpose(s))]
        subs = [s for k, s in posts if k == "sub"]
        sups = [s for k, s in posts if k == "sup"]
        if len(subs) != 1 or len(posts) > 2:
            raise self.fail("an indicator needs one subscript", node)
        sub = subs[0]
        cond = sub.items[0] if isinstance(sub, S.Group) and sub.kind == "set" and len(sub.items) == 1 else sub
        if isinstance(cond, S.Segment):
            if len(cond.rels) != 1 or transposed:
                raise self.fail("an indicator condition must be one comparison", node)
            return M.Cond(self.expr(cond.exprs[0]), cond.rels[0], self.expr(cond.exprs[1]), **kw)
        if sups:
            a, b = self.indices(sub), self.indices(sups[0])
            if len(a) != 1 or len(b) != 1 or transposed:
                raise self.fail("write the indicator of i = j as \\mathbf{1}_i^j", node)
            return M.Kron(a[0], b[0], **kw)
        if name.kind == "one_bb" or self._names_size(sub):
            ones = M.Ones(self.expr(sub, bound=True), **kw)
            return M.Transpose(ones, **kw) if transposed else ones
        raise self.fail("write the indicator as \\mathbf{1}_i^j or \\mathbf{1}_{\\{condition\\}}", node)

    def _names_size(self, script) -> bool:
        base = script.base if isinstance(script, S.Scripted) else script
        rule = self.n.names.get(base.key) if isinstance(base, S.Name) else None
        return rule is not None and rule.kind == "size"

    # ------------------------------------------------------------ sums, derivatives
    def sum(self, node: S.Sum) -> M.SumOver:
        """`\\sum_{i=1}^{n}`, `\\sum_i`, `\\sum_{l \\neq y_i}`, `\\sum_{l=1, l \\neq y_i}^C`,
        `\\sum_{i,j}` (one sum per index, innermost last)."""
        kw = {"pos": node.pos, "text": self.text(node)}
        if node.under is None:
            raise self.fail("a sum needs its index: \\sum_{i=1}^{n} or \\sum_i", node)
        parts = node.under.items if isinstance(node.under, S.Group) and node.under.kind == "list" else (node.under,)
        order, lower, exclude = [], {}, {}
        for part in parts:
            if isinstance(part, S.Segment):
                if len(part.rels) != 1:
                    raise self.fail("can't read the sum's range", part)
                var = self._sum_var(part.exprs[0])
                if part.rels[0] == "=":
                    lower[var] = self.expr(part.exprs[1], bound=True)
                elif part.rels[0] == "!=":
                    exclude[var] = self._one_index(part.exprs[1])
                else:
                    raise self.fail("a sum's range is written i=1 or l \\neq y_i", part)
                if var not in order:
                    order.append(var)
            else:
                for idx in self.indices(part):  # \sum_i, and \sum_{ij} as a double sum
                    if idx.var is None or idx.offset:
                        raise self.fail("the sum's index must be a letter", part)
                    if idx.var not in order:
                        order.append(idx.var)
        if node.over is not None and len(order) > 1:
            raise self.fail("an upper bound on a sum over several indices is ambiguous", node)
        upper = self.expr(node.over, bound=True) if node.over is not None else None
        body = self.expr(node.body)
        for var in reversed(order):
            body = M.SumOver(var, body, lower.get(var), upper, exclude.get(var), **kw)
        return body

    def _one_index(self, node) -> M.Idx:
        idx = self.indices(node)
        if len(idx) != 1:
            raise self.fail(f"expected one index, not {self.text(node)!r}", node)
        return idx[0]

    def _sum_var(self, node) -> str:
        var = self._one_index(node)
        if var.var is None or var.offset:
            raise self.fail("the sum's index must be a letter", node)
        return var.var

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
