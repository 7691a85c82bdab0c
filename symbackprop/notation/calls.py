"""Products and function application: the half of the resolver that reads
juxtaposition.

In a product, a function applies to the item after it (`\\phi(x)`, `\\ln \\exp x`,
`\\mathbf{D}\\phi(x)`), a loss may carry the list of its inputs (`Err(y, z)`),
`\\cdot` is kept as a flag, and everything else multiplies left to right.
A `\\cdot` with nothing on one side, or between a function and its argument,
is ill-formed rather than ignored.  Mixed into `resolve._Resolver`.
"""

from __future__ import annotations

from dataclasses import dataclass

from symbackprop import registry as R
from symbackprop.notation import functions as F
from symbackprop.notation import meaning as M
from symbackprop.notation import syntax as S
from symbackprop.notation.tables import _is_transpose, prime_count

__all__ = ["Calls", "Fn"]


@dataclass(frozen=True)
class Fn:
    """A function waiting for its argument inside a product.  `fn` is the
    canonical name with one `'` per derivative; `after` are scripts that act
    on the value (`\\tanh^2(x)`, `\\text{softmax}_k(z)`)."""
    fn: str
    layer: M.Lin | None = None
    pos: int = 0
    after: tuple = ()


def _is_d(node) -> bool:
    return isinstance(node, S.Name) and node.base == "d" and node.kind == "letter" and not node.accents \
        and set(node.styles) <= {"rm"}


def _after_d(node):
    """`d X` (or `\\mathrm{d} X`): X, else None."""
    items = list(node.items) if isinstance(node, S.Product) else []
    if len(items) < 2 or not _is_d(items[0]):
        return None
    rest = items[1:]
    return rest[0] if len(rest) == 1 else S.Product(tuple(rest), pos=rest[0].pos, end=node.end)


def _leibniz(node: S.Frac):
    """(numerator, variable) of a derivative written with d instead of ∂."""
    num, wrt = _after_d(node.num), _after_d(node.den)
    return (num, wrt) if num is not None and wrt is not None else None


def _leibniz_operator(item):
    """`\\frac{d}{d X}` (an operator on what follows): X, else None."""
    if isinstance(item, S.Frac) and _is_d(item.num):
        return _after_d(item.den)
    return None


def _is_arg_list(item) -> bool:
    """`(a, b)`: two or more values in brackets, only meaningful after a function."""
    return isinstance(item, S.Group) and item.kind in ("paren", "bracket", "set") and len(item.items) > 1




def _names_input(value) -> bool:
    """A loss's argument: a quantity of the network, maybe an entry or transposed."""
    while isinstance(value, (M.Entry, M.Transpose)):
        value = value.base if isinstance(value, M.Entry) else value.operand
    return isinstance(value, M.Quantity)


class Calls:
    # ------------------------------------------------------------ products
    def product(self, items: list, node) -> M.Sem:
        for k, item in enumerate(items):
            wrt = _leibniz_operator(item)
            if wrt is None:
                continue
            # \frac{d}{dx} f swallows the rest of the product, as \frac{\partial}{\partial x} does
            body = items[k + 1:]
            if not body:
                raise self.fail("\\frac{d}{d x} needs something to differentiate on its right", item)
            body_node = body[0] if len(body) == 1 else S.Product(tuple(body), pos=body[0].pos, end=node.end)
            deriv = M.Deriv(self.expr(body_node), self.wrt(wrt), pos=item.pos, text=self.text(item))
            if k == 0:
                return deriv
            dotted = isinstance(items[k - 1], S.Token) and items[k - 1].kind == "cdot"
            head = items[:k - 1] if dotted else items[:k]
            if not head:
                raise self.fail("\\cdot needs a factor on each side", items[k - 1])
            left = self.product(head, node) if len(head) > 1 else self.expr(head[0])
            return M.Mul(left, deriv, dotted, pos=node.pos, text=self.text(node))
        written, resolved, dots = [], [], []  # aligned lists, \cdot tokens removed
        pending_dot = None
        for item in items:
            if isinstance(item, S.Token) and item.kind == "cdot":
                if pending_dot is not None or not written:
                    raise self.fail(f"{item.text or 'cdot'} needs a factor on each side", item)
                pending_dot = item
                continue
            if written and not pending_dot and _numeral(written[-1]) and _numeral(item):
                # TeX prints `2 3` and `1\,000` as one number: never a product
                raise self.fail("two numbers side by side: write 2 \\cdot 3 for a product", item)
            after = resolved[-1] if resolved else None
            if isinstance(item, S.Group) and item.kind in ("paren", "bracket") and self._is_loss(after):
                resolved.append(item)  # Err(y, z), L(W): maybe the inputs' names, read below
            elif _is_arg_list(item) and isinstance(after, Fn):
                resolved.append(item)  # \max(0, x): an argument list, read by the call
            else:
                resolved.append(self._expr(item))
            written.append(item)
            dots.append(pending_dot is not None)
            pending_dot = None
        if pending_dot is not None:
            raise self.fail(f"{pending_dot.text or 'cdot'} needs a factor on each side", pending_dot)
        values, flags = [], []
        i = 0
        while i < len(resolved):
            r = resolved[i]
            if isinstance(r, S.Group):  # a bracket after a loss that names no inputs: a factor
                r = resolved[i] = self._expr(r)
            if self._is_loss(r) and i + 1 < len(resolved) and isinstance(resolved[i + 1], S.Group) \
                    and self._loss_arguments(resolved[i + 1], dots[i + 1]):
                values.append(r)  # Err(y, z), L(y^, y): the arguments only name the inputs
                flags.append(dots[i])
                i += 2
                continue
            if isinstance(r, Fn):
                value, j = self._call(resolved, written, dots, i)
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

    def _is_loss(self, value) -> bool:
        """A name that may be followed by the list of its inputs (the loss)."""
        return isinstance(value, M.Quantity) and value.family in self.n.takes_args

    def _loss_arguments(self, group: S.Group, dotted: bool) -> bool:
        """True if `group` lists the loss's inputs; ill-formed if it is a list
        that names something else.  A single bracketed value that is not an
        input is an ordinary factor (False)."""
        values = [self.expr(x) for x in group.items]
        if len(values) > 1 and dotted:
            raise self.fail("\\cdot between a loss and its arguments", group)
        if all(_names_input(v) for v in values) and not dotted:
            return True
        if len(values) > 1:
            raise self.fail("a loss's arguments must name quantities of the network, as in "
                            "Err(y, z)", group)
        return False

    # ------------------------------------------------------------ calls
    def _call(self, resolved, items, dots, i):
        """Apply the function at position i to what follows: (value, next position)."""
        fn = resolved[i]
        if i + 1 >= len(resolved):
            raise self.fail(f"{fn.fn} needs an argument", items[i])
        if dots[i + 1]:
            raise self.fail(f"\\cdot between the function {self.text(items[i]) or fn.fn} and its argument",
                            items[i + 1])
        nxt = resolved[i + 1]
        if isinstance(nxt, Fn):  # D φ (x) is φ'(x); \ln \exp x composes
            if fn.fn == "D":
                return self._call_with(self._derived(nxt, items[i + 1]), resolved, items, dots, i + 1)
            inner, j = self._call(resolved, items, dots, i + 1)
            return self.apply(fn, [inner], items[i]), j
        if fn.fn == "D":
            raise self.fail("\\mathbf{D} must be followed by a function", items[i])
        return self._call_with(fn, resolved, items, dots, i)

    def _derived(self, fn: Fn, node) -> Fn:
        """`\\mathbf{D} f`: f with one more prime."""
        base, order = fn.fn.rstrip("'"), len(fn.fn) - len(fn.fn.rstrip("'")) + 1
        problem = F.derivative_problem(base, order)
        if problem or fn.after:
            raise self.fail(problem or "\\mathbf{D} of a power of a function is ambiguous", node)
        return Fn(fn.fn + "'", fn.layer, fn.pos)

    def _call_with(self, fn: Fn, resolved, items, dots, i):
        """`fn` applied to the item at i + 1."""
        if i + 1 >= len(resolved):
            raise self.fail(f"{fn.fn} needs an argument", items[i])
        if dots[i + 1]:
            raise self.fail(f"\\cdot between the function {self.text(items[i]) or fn.fn} and its argument",
                            items[i + 1])
        nxt, item = resolved[i + 1], items[i + 1]
        if _is_arg_list(nxt):
            return self.apply(fn, [self.expr(x) for x in nxt.items], items[i]), i + 2
        if isinstance(item, S.Scripted) and isinstance(item.base, S.Group) and item.base.kind in ("paren", "bracket") \
                and len(item.base.items) == 1 and not any(k == "prime" for k, _ in item.posts):
            # f(x)_k is (f(x))_k: the same for an elementwise f, and right for
            # softmax; f(x)^2 and f(x)^T act on the value too
            value = self.apply(fn, [self.expr(item.base.items[0])], items[i])
            return self.postfix(value, list(item.posts), item), i + 2
        return self.apply(fn, [nxt], items[i]), i + 2

    def apply(self, fn: Fn, args: list, node) -> M.Sem:
        kw = {"pos": fn.pos, "text": self.text(node)}
        name = fn.fn
        base = name.rstrip("'")
        entry = R.lookup(base)
        arity = entry.arity if entry is not None else 1
        if len(args) != arity:
            raise self.fail(f"\\{base} needs two arguments here, as in \\{base}(0, x)" if arity == 2 else
                            f"{name} takes one argument, not {len(args)}", node)
        if arity == 2:
            value = M.Apply(base, tuple(args), **kw)
        elif base == "indicator":  # \mathbb{1}\{x > 0\}, \mathbb{1}[x > 0]: notation, not a function
            if not isinstance(args[0], M.Cond):
                raise self.fail("an indicator needs a comparison, as in \\mathbb{1}\\{x > 0\\}", node)
            value = args[0]
        elif entry is not None and entry.construct == "trace":
            value = M.Trace(args[0], **kw)
        elif entry is not None or base.startswith("@"):
            value = M.Apply(name, tuple(args), fn.layer, **kw)
        else:
            raise self.fail(f"unknown function {name}", node)
        return self.postfix(value, list(fn.after), node) if fn.after else value

    # ------------------------------------------------------------ function names
    @staticmethod
    def primes(posts: list) -> tuple[int, list, bool]:
        """Count the primes among `posts` and remove them; also say whether a
        prime came after another superscript (`f^2'`, ambiguous on a function)."""
        count, rest, late, sup = 0, [], False, False
        for kind, script in posts:
            n = 1 if kind == "prime" else (prime_count(script) if kind == "sup" else 0)
            if n:
                count += n
                late = late or sup
                continue
            sup = sup or kind == "sup"
            rest.append((kind, script))
        return count, rest, late

    def function_name(self, name: S.Name, fn: str, primes: int, posts: list, node, late=False) -> Fn:
        """A built-in function name with its decorations (see `functions`)."""
        if late:
            raise self.fail("a prime after a superscript is ambiguous: write f'(x)^2 or (f^2)'", node)
        if not F.is_plain(name):
            raise self.fail(f"an accent or font on the function {fn} is not understood", node)
        problem = F.derivative_problem(fn, primes, self.text(name))
        if problem:
            raise self.fail(problem, node)
        after = []
        for kind, script in posts:
            if kind == "sub" and R.lookup(fn) is not None and R.lookup(fn).indexed:
                after.append((kind, script))  # softmax_k(z) = softmax(z)_k
            elif kind == "sup" and _positive_integer(script) and F.is_elementwise(fn):
                after.append((kind, script))  # tanh^2(x) = (tanh x)^2
            elif kind == "sup" and _is_transpose(script):
                raise self.fail(f"a transpose on the function {fn}: transpose its value, f(x)^T", node)
            elif kind == "sup":
                raise self.fail(f"only a positive integer power of {fn}'s value is understood here "
                                "(f^{-1} would be the inverse function)", node)
            else:
                raise self.fail(f"a subscript on {fn}: write {fn}(x)_i or {fn}(x_i)", node)
        return Fn(fn + "'" * primes, None, node.pos, tuple(after))


def _numeral(item) -> bool:
    return isinstance(item, S.Num) or (isinstance(item, S.Scripted) and isinstance(item.base, S.Num))


def _positive_integer(script) -> bool:
    if isinstance(script, S.Group) and script.kind == "brace" and len(script.items) == 1:
        script = script.items[0]
    return isinstance(script, S.Num) and script.text.isdigit() and int(script.text) > 0
