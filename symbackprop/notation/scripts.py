"""Reading scripts: layer labels, indices, indicators and sums' ranges.

`ScriptReader` is the half of the resolver that knows how a course writes
what sits in sub- and superscripts: `^{(L-1)}` or `_l` as a layer label
(shifted by the notation's offset), `_{ij}`, `_{i\\cdot}`, `_{y_i}` as indices,
`\\mathbf{1}_i^j` and `\\mathbf{1}_{\\{p > 0\\}}` as indicators, `\\sum_{l=1, l \\neq y_i}^C`
as a range.  It calls back into the resolver's `expr` for values in scripts.
"""

from __future__ import annotations

from symbackprop.errors import IllFormed
from symbackprop.notation import meaning as M
from symbackprop.notation import syntax as S
from symbackprop.notation.functions import is_plain
from symbackprop.notation.tables import NameRule, Notation, _is_transpose, _shift, read_layer

__all__ = ["ScriptReader"]


class ScriptReader:
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
        if len(items) == 1 and isinstance(items[0], S.Scripted) and items[0].posts \
                and all(k == "sup" and _is_transpose(s) for k, s in items[0].posts):
            items = [items[0].base] + [s for _, s in items[0].posts]  # ^{(L-1)ᵀ}
        if not items or not (isinstance(items[0], S.Group) and items[0].kind in ("paren", "bracket")):
            return None, False   # ^{(l)}, and ^{[l]} as some courses write it
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
        if isinstance(script, S.Name) and script.kind in ("letter", "greek") and is_plain(script):
            return [M.Idx(var=script.base)]
        if isinstance(script, S.Scripted) and isinstance(script.base, S.Name):
            rule = self.n.names.get(script.base.key)
            if rule is not None and rule.kind == "label":
                # y_i: the label of example i; y_j would be another example's
                if self.text(script).replace(" ", "").replace("{", "").replace("}", "") != rule.family:
                    raise self.fail(f"the class label is written {rule.family}", script)
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
            left, right = self.comparison(cond.exprs[0], cond.exprs[1])
            return M.Cond(left, cond.rels[0], right, **kw)
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
