"""Shaped expressions: a claim's meaning evaluated on a concrete network.

Every side of a claim becomes a numpy object array of symengine expressions
— a scalar (0-d), a vector (n,), a row (1, n) or a matrix (m, n) — with its
shape checked at each operation (all instance sizes differ, so a missing
transpose can't hide in a square matrix).  Index variables, layer variables
and the class label are bound in an `Env`; evaluating a derivative binds the
*world*: the node where the graph is cut.  Every index use records the size
it ranges over, which is how free indices and unbounded sums get their range.
"""

from __future__ import annotations


import numpy as np
import symengine as se

from symbackprop.errors import IllFormed
from symbackprop.engine.applying import FunctionsAndIndicators
from symbackprop.engine.calculus import SumsAndDerivatives
from symbackprop.engine.nonzero import nonzero_almost_everywhere
from symbackprop.notation import meaning as M
from symbackprop.engine.shapes import Env, elementwise as _map, scalar as _scalar, shape_str, squeeze

__all__ = ["Evaluator", "MAX_EXPONENT"]

MAX_EXPONENT = 64  # 9^{9^{9^9}} is a denial of service, not a claim


class Evaluator(FunctionsAndIndicators, SumsAndDerivatives):
    """Evaluates meaning trees on one network.  `definitions` maps a defined
    name to (layer variable, body); `label_var` names the class-label index."""

    def __init__(self, net, definitions: dict, label_var: str | None = None):
        self.net = net  # an engine.graph.Network (which builds its own equations with an Evaluator)
        self.defs = definitions
        self.label_var = label_var
        self.ranges: dict[str, set[int]] = {}
        self._memo: dict = {}
        self._vars: dict = {}
        self._frames: list[list] = []
        self.printed: dict | None = None  # worked examples: symbol -> printed decimal (M.Number)
        self.readings: list[str] = []     # how an ambiguous construct was read (a broadcast number)

    def fail(self, msg, node) -> IllFormed:
        return IllFormed(msg, node.pos, node.text)

    # ------------------------------------------------------------ entry point
    def _depends_on(self, node: M.Sem) -> frozenset:
        """The index and layer variables (and the label) a node's value can
        depend on; cached by identity, since hashing a deep tree is slow."""
        found = self._vars.get(id(node))
        if found is None:
            names = frozenset(M.free_indices(node) | M.layer_vars(node) |
                              ({self.label_var} if self.label_var else set()))
            found = self._vars[id(node)] = (node, names)  # the node is kept alive, so its id stays its own
        return found[1]

    def value(self, node: M.Sem, env: Env) -> np.ndarray:
        # memoized on the bindings the node can see: the same subtree under
        # other values of unrelated indices is the same value
        names = self._depends_on(node)
        key = (id(node), tuple(b for b in env.binds if b[0] in names), env.world)
        cached = self._memo.get(key)
        if cached is not None:
            value, records = cached
            for var, size in records:  # replay the index ranges seen inside
                self.record(var, size)
            return value
        self._frames.append([])
        try:
            value = getattr(self, "_" + type(node).__name__)(node, env)
        finally:
            records = self._frames.pop()
        if not isinstance(value, np.ndarray):
            value = _scalar(value)  # numpy turns 0-d arithmetic into bare objects
        self._memo[key] = (value, tuple(records))
        if self._frames:
            self._frames[-1].extend(records)
        return value

    def index_ranges(self, nodes, env: Env) -> dict[str, set[int]]:
        """What each index ranges over in `nodes`: every index use records
        the length of the axis it indexes (a claim's free indices and
        unbounded sums get their range this way).  Evaluates the nodes."""
        saved, self.ranges = self.ranges, {}
        try:
            for node in nodes:
                self.value(node, env)
            return self.ranges
        finally:
            self.ranges = saved

    def record(self, var: str, size: int) -> None:
        self.ranges.setdefault(var, set()).add(size)
        if self._frames:
            self._frames[-1].append((var, size))

    def layer(self, lin: M.Lin | None, env: Env) -> int | None:
        if lin is None:
            return None
        values = {"L": self.net.L, **env.as_dict()}
        missing = lin.vars() - set(values)
        if missing:
            raise IllFormed(f"layer variable {', '.join(sorted(missing))} is not bound")
        return lin.value(values)

    def label(self, env: Env) -> int | None:
        if self.label_var is None:
            return None
        v = env.get(self.label_var)
        return None if v is None else v - 1

    # ------------------------------------------------------------ references
    def _Quantity(self, n: M.Quantity, env):
        node = (n.family, self.layer(n.layer, env))
        if not self.net.has(node):
            raise self.fail(f"{n.label or n.family} does not exist in this network "
                            f"(layer {node[1]}; the last layer is L = {self.net.L})", n)
        try:
            return self.net.value(node, env.world, self.label(env))
        except IllFormed as err:
            if err.message.startswith("index ") and self.label_var and self.label_var in err.message:
                raise self.fail(f"{n.label or n.family} depends on the label {self.label_var}, "
                                "which is not bound here", n) from None
            raise

    def _DefRef(self, n: M.DefRef, env):
        var, body = self.defs[n.name]
        inner = env if var is None else env.bind(var, self.layer(n.layer, env))
        try:
            return self.value(body, inner)
        except IllFormed as err:
            raise self.fail(f"{n.label or n.name} is not defined at layer "
                            f"{self.layer(n.layer, env)}: {err.message}", n) from None

    def _Size(self, n: M.Size, env):
        layer = self.layer(n.layer, env) if n.layer is not None else None
        try:
            return _scalar(se.Integer(self.net.size(n.kind, layer)))
        except IllFormed as err:
            raise self.fail(err.message, n) from None

    def _Entry(self, n: M.Entry, env):
        base = self.value(n.base, env)
        shape = base.shape
        if len(shape) == 2 and shape[0] == 1 and len(n.indices) == 1:
            base, shape = base.reshape(shape[1]), (shape[1],)
        if len(n.indices) != len(shape):
            kind = {0: "a scalar", 1: "a vector", 2: "a matrix"}[len(shape)]
            raise self.fail(f"{n.base.text or 'this'} is {kind} ({shape_str(shape)}): it takes "
                            f"{len(shape)} ind{'ex' if len(shape) == 1 else 'ices'}, not {len(n.indices)}", n)
        key = []
        for idx, size in zip(n.indices, shape):
            if idx.all:
                key.append(slice(None))
                continue
            if idx.var is not None:
                self.record(idx.var, size)
                v = env.get(idx.var)
                if v is None:
                    raise self.fail(f"index {idx.var} is not bound", n)
                v += idx.offset
            else:
                v = idx.fixed
            if not 1 <= v <= size:
                raise self.fail(f"index {idx} = {v} is out of range: {n.base.text or 'this'} has "
                                f"{size} entries along that axis", n)
            key.append(v - 1)
        return np.asarray(base[tuple(key)], dtype=object).copy() if any(isinstance(k, slice) for k in key) \
            else _scalar(base[tuple(key)])

    # ------------------------------------------------------------ arithmetic
    def _Number(self, n: M.Number, env):
        if self.printed is not None and n.digits:
            sym = se.Symbol(f"printed[{n.digits}]")  # kept apart so its precision can be checked
            self.printed[sym] = n
            return _scalar(sym)
        return _scalar(se.Rational(n.value.numerator, n.value.denominator))

    def _Neg(self, n, env):
        return -self.value(n.operand, env)

    def _eye(self, other: np.ndarray, n) -> np.ndarray:
        """I beside `other`: the identity of other's (square) size."""
        if other.ndim != 2 or other.shape[0] != other.shape[1]:
            raise self.fail(f"I added to a {shape_str(other.shape)} value: only a square matrix has an identity "
                            "of its size", n)
        out = np.full(other.shape, se.Integer(0), dtype=object)
        for i in range(other.shape[0]):
            out[i, i] = se.Integer(1)
        return out

    def _Identity(self, n: M.Identity, env):
        if n.size is None:
            raise self.fail("the size of I can't be told here: write I_n, or I beside a square matrix", n)
        size = squeeze(self.value(n.size, env))[()]
        if not size.is_integer or not 1 <= int(size) <= 256:
            raise self.fail("I_n needs a size", n)
        return self._eye(np.empty((int(size), int(size)), dtype=object), n)

    def _side(self, node, other_node, env):
        """A side of + or -: a bare I takes its size from the other side."""
        if isinstance(node, M.Identity) and node.size is None:
            return self._eye(squeeze(self.value(other_node, env)), node)
        return squeeze(self.value(node, env))

    def _Add(self, n: M.Add, env):
        a, b = self._side(n.left, n.right, env), self._side(n.right, n.left, env)
        if a.shape != b.shape:
            if a.ndim == 2 and b.ndim == 1 and a.shape[0] == b.shape[0]:
                b = b[:, None]  # broadcast addition of a bias over columns
            elif b.ndim == 2 and a.ndim == 1 and a.shape[0] == b.shape[0]:
                a = a[:, None]
            elif a.ndim == 0 or b.ndim == 0:
                # 1 - h ⊙ h, X^T w + b: a scalar added to an array means it in every entry; said in the verdict
                scalar, other = (n.left, b) if a.ndim == 0 else (n.right, a)
                self.readings.append(f"{scalar.text or 'a scalar'} as a {'vector' if other.ndim == 1 else 'matrix'} "
                                     f"with that value in every entry (a scalar broadcast)")
            else:
                raise self.fail(f"can't add {shape_str(a.shape)} and {shape_str(b.shape)}", n)
        return a + b if n.sign > 0 else a - b

    def _Hadamard(self, n, env):
        a, b = squeeze(self.value(n.left, env)), squeeze(self.value(n.right, env))
        if a.shape != b.shape and a.shape != () and b.shape != ():
            raise self.fail(f"⊙ needs equal shapes, not {shape_str(a.shape)} and {shape_str(b.shape)}", n)
        if n.divide:
            if any(x == 0 for x in b.flat):
                raise self.fail("elementwise division by zero", n)
            return a / b
        return a * b

    def _Mul(self, n: M.Mul, env):
        if isinstance(n.left, M.Identity) and n.left.size is None:
            return self.value(n.right, env)    # I A = A
        if isinstance(n.right, M.Identity) and n.right.size is None:
            return self.value(n.left, env)     # A I = A
        a, b = self.value(n.left, env), self.value(n.right, env)
        if a.ndim == 0 or b.ndim == 0:
            return a * b
        if n.dot and squeeze(a).ndim <= 1 and squeeze(b).ndim <= 1 or (
                n.dot and 1 in a.shape and 1 in b.shape and a.size == b.size):
            if a.size != b.size:
                raise self.fail(f"dot product of vectors of lengths {a.size} and {b.size}", n)
            return _scalar(se.Add(*[x * y for x, y in zip(a.flat, b.flat)]))
        left = a if a.ndim == 2 else a[:, None]
        right = b if b.ndim == 2 else b[:, None]
        if left.shape[1] != right.shape[0]:
            raise self.fail(f"can't multiply {shape_str(a.shape)} by {shape_str(b.shape)}", n)
        out = left.dot(right)
        if b.ndim == 1 and out.shape[1] == 1:
            out = out[:, 0]
        return squeeze(out) if out.ndim == 2 and out.shape == (1, 1) else out

    def _Div(self, n: M.Div, env):
        a, b = self.value(n.num, env), self.value(n.den, env)
        if squeeze(b).ndim != 0:
            raise self.fail(f"can't divide by a {shape_str(b.shape)} value", n)
        b = squeeze(b)[()]
        if b == 0:
            raise self.fail("division by zero", n)
        if b.free_symbols and not nonzero_almost_everywhere(b, self._fixed()):
            # symengine would cancel z/z to 1, even where z (a ReLU output, a
            # target) is 0 on a whole region: that is 0/0 there, not 1
            raise self.fail("division by a value that can be 0 on a whole region (a ReLU output, a target, φ(·)): "
                            "the quotient is undefined there", n)
        return a / b if a.ndim else _scalar(a[()] / b)

    def _fixed(self) -> frozenset:
        return frozenset(self.net.symbols_with_role("target"))

    def _Transpose(self, n, env):
        a = self.value(n.operand, env)
        if a.ndim == 1:
            return a.reshape(1, a.shape[0])
        if a.ndim == 2 and a.shape[0] == 1:
            return a.reshape(a.shape[1])
        return a.T if a.ndim == 2 else a

    def _Power(self, n: M.Power, env):
        if isinstance(n.base, M.Norm):  # ||A||^2 without the square root
            a = self.value(n.base.operand, env)
            self._check_norm(n.base, a)
            e = squeeze(self.value(n.exponent, env))[()]
            sq = se.Add(*[x ** 2 for x in a.flat])
            return _scalar(sq if e == 2 else se.sqrt(sq) ** e)
        a, e = self.value(n.base, env), squeeze(self.value(n.exponent, env))
        if e.ndim != 0:
            raise self.fail("an exponent must be a scalar", n)
        if e[()].is_Number and abs(e[()]) > MAX_EXPONENT:
            raise self.fail(f"exponent too large (limit {MAX_EXPONENT})", n)
        if a.ndim != 0 and e[()].is_integer and int(e[()]) > 0 and (
                isinstance(n.base, M.Apply) or squeeze(a).ndim == 1):
            # \tanh^2(a), or h^2 of a vector (which has no matrix power): entry by entry; said in the verdict
            self.readings.append(f"{n.text or 'a power'} entry by entry")
            return _map(lambda x: x ** e[()], a)
        if a.ndim != 0:
            raise self.fail(f"can't raise a {shape_str(a.shape)} value to a power", n)
        return _scalar(a[()] ** e[()])

    def _Norm(self, n, env):
        a = self.value(n.operand, env)
        self._check_norm(n, a)
        return _scalar(se.sqrt(se.Add(*[x ** 2 for x in a.flat])))

    def _check_norm(self, n: M.Norm, a) -> None:
        if n.p == "2" and squeeze(a).ndim == 2:
            raise self.fail("‖A‖_2 of a matrix is its spectral norm, which is not supported: write ‖A‖_F", n)

    def _Inner(self, n, env):
        a, b = squeeze(self.value(n.left, env)), squeeze(self.value(n.right, env))
        if a.shape != b.shape:
            raise self.fail(f"⟨A, B⟩ needs equal shapes, not {shape_str(a.shape)} and {shape_str(b.shape)}", n)
        return _scalar(se.Add(*[x * y for x, y in zip(a.flat, b.flat)]))

    def _Trace(self, n, env):
        a = squeeze(self.value(n.operand, env))
        if a.ndim == 0:
            return a
        if a.ndim != 2 or a.shape[0] != a.shape[1]:
            raise self.fail(f"trace of a non-square {shape_str(a.shape)} matrix", n)
        return _scalar(se.Add(*[a[i, i] for i in range(a.shape[0])]))

    def _Literal(self, n: M.Literal, env):
        widths = {len(r) for r in n.rows}
        if len(widths) != 1:
            raise self.fail("matrix rows of different lengths", n)
        out = np.empty((len(n.rows), widths.pop()), dtype=object)
        for i, row in enumerate(n.rows):
            for j, cell in enumerate(row):
                v = squeeze(self.value(cell, env))
                if v.ndim:
                    raise self.fail("matrix entries must be numbers", cell)
                out[i, j] = v[()]
        return out

    def _Ones(self, n, env):
        size = squeeze(self.value(n.size, env))[()]
        if not size.is_integer or int(size) < 1:
            raise self.fail("\\mathbb{1}_N needs a size", n)
        return np.array([se.Integer(1)] * int(size), dtype=object)
