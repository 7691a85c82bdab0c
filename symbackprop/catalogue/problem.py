"""A problem: what one exercise declares, as the rest of symbackprop uses it.

Its architecture (the leaves, the forward equations, the functions), its
sizes and the two instances a claim is checked on, its notation (what each
written name means), definitions, side conditions, the catalogue of claims
with the verdict expected under each function choice, graded labels and
hints.  Pure: `load` reads the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from symbackprop import registry as R
from symbackprop.engine.architecture import Architecture
from symbackprop.engine.graph import Network, Spec
from symbackprop.errors import SizeError
from symbackprop.notation.resolve import Notation

__all__ = ["Claim", "Label", "Problem"]


@dataclass(frozen=True)
class Claim:
    id: str
    latex: str
    seed: str
    expect: dict          # activation -> expected verdict ("*" for any)
    twin: str = ""        # a wrong version of the claim
    twin_mistake: str = ""
    note: str = ""

    def expected(self, activation: str) -> str:
        return self.expect.get(activation, self.expect.get("*", "proved"))


@dataclass(frozen=True)
class Label:
    """A graded question: its points and the reference answer (optional)."""
    label: str
    points: float = 1.0
    reference: str = ""
    prompt: str = ""


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    source: str
    arch: Architecture
    sizes: dict                      # size name -> value (a tuple per layer) on the proof instance
    side_conditions: tuple[str, ...]
    notation: Notation
    definitions: dict = field(default_factory=dict)  # name -> (layer var, Sem)
    claims: tuple[Claim, ...] = ()
    numeric: dict = field(default_factory=dict)      # worked example inputs
    labels: dict = field(default_factory=dict)       # label -> Label, for grading
    definition_sources: dict = field(default_factory=dict)  # name -> its LaTeX, for reports
    hints: dict = field(default_factory=dict)        # mistake name -> this course's hint for it
    path: str = ""
    aliases: dict = field(default_factory=dict)      # alias LaTeX -> the declared name's LaTeX
    definition_written: dict = field(default_factory=dict)   # definition name -> how it is written

    @property
    def label_var(self) -> str | None:
        return self.arch.label_var

    @property
    def variants(self) -> tuple[str, ...]:
        """The function choices a claim is checked under: the default first."""
        out = []
        for decl in self.arch.functions.values():
            for c in decl.choices if len(decl.choices) > 1 else ():
                if c.label not in out:
                    out.append(c.label)
        if not out:
            decl = next(iter(self.arch.functions.values()), None)
            out = [decl.choices[0].label if decl is not None and decl.choices else "default"]
        return tuple(out)

    @property
    def activation(self) -> str:
        return self.variants[0]

    @property
    def also_check(self) -> tuple[str, ...]:
        return self.variants[1:]

    def choices(self, activation: str | None) -> tuple:
        """Each listed function's choice under `activation` (its default where it isn't listed)."""
        if activation is not None and activation not in self.variants:
            try:
                activation = R.parse_choice(activation).label   # leaky-relu(0.2) is leaky-relu(1/5)
            except ValueError:
                pass
        if activation is not None and activation not in self.variants:
            raise SizeError(f"{self.id} has no function choice {activation!r}; its choices: {', '.join(self.variants)}")
        out = []
        for key, decl in sorted(self.arch.functions.items()):
            if not decl.choices:
                continue
            pick = next((c for c in decl.choices if c.label == activation), decl.choices[0])
            out.append((key, pick))
        return tuple(out)

    def written_name(self, family: str, layer: int | None, index: tuple[int, ...], depth: int = 0) -> str:
        """A network leaf as this problem writes it: W^{(1)}_{13} in one
        course is W_2[1,3] in another.  Plain text, 1-based indices."""
        suffix = "[" + ",".join(str(i + 1) for i in index) + "]" if index else ""
        rule = self.notation.names.get(family)
        base = _plain(family)
        if rule is None or layer is None or rule.layer in ("none", "last"):
            return base + suffix
        return f"{base}^({layer}){suffix}" if rule.layer == "sup" else f"{base}_{layer}{suffix}"

    def leaf_names(self, net: Network) -> dict:
        """Each leaf symbol of `net` -> its written name (W^(1)[1,3])."""
        names = {}
        for node in net.all_leaves():
            syms = net.leaf_symbols(node)
            for idx in np.ndindex(*syms.shape):
                names[syms[idx]] = self.written_name(node[0], node[1], idx, net.L)
        return names

    def numeric_inputs(self, net: Network) -> dict:
        """A worked example's given values: leaf symbol -> Fraction."""
        out = {}
        for (family, layer), rows in self.numeric.get("inputs", {}).items():
            syms = net.leaf_symbols((family, layer))
            vals = np.array(rows, dtype=object).reshape(syms.shape)
            for idx in np.ndindex(*syms.shape):
                out[syms[idx]] = Fraction(str(vals[idx]))
        return out

    # ------------------------------------------------------------ sizes
    def check_sizes(self, sizes=None, batch=None) -> tuple:
        """The sizes this problem is built at (a tuple of (name, value)),
        from the defaults with `sizes` (widths, or name=value pairs) and
        `batch` (the size N) applied; SizeError if it can't take them."""
        values = dict(self.sizes)
        if (sizes or batch) and self.numeric:
            raise SizeError(f"{self.id} is a worked example with fixed sizes "
                            f"({self.describe_sizes(tuple(values.items()))}); --sizes and --batch can't change them")
        if sizes:
            if isinstance(sizes, dict):
                unknown = [k for k in sizes if k not in values]
                if unknown:
                    raise SizeError(f"{self.id} has no size {unknown[0]}; its sizes: {', '.join(values)}")
                values.update(sizes)
            else:
                sizes = tuple(sizes)
                lists = [k for k, v in values.items() if isinstance(v, tuple)]
                scalars = [k for k, v in values.items() if not isinstance(v, tuple)]
                if lists:
                    if len(sizes) < 2:
                        raise SizeError("--sizes needs at least two layer widths d_0,...,d_L (the batch is --batch N)")
                    for k in lists:
                        values[k] = sizes
                elif len(sizes) == len(scalars):
                    values.update(zip(scalars, sizes))
                else:
                    raise SizeError(f"this problem takes {len(scalars)} size{'s' * (len(scalars) != 1)}: "
                                    f"{', '.join(scalars)} (e.g. --sizes {','.join(str(values[k]) for k in scalars)})")
        if batch is not None:
            if "N" not in values or isinstance(values["N"], tuple):
                raise SizeError(f"{self.id} has no batch: --batch applies to problems with a size N")
            values["N"] = batch
        for v in values.values():
            if any(not 1 <= x <= 256 for x in (v if isinstance(v, tuple) else (v,))):
                raise SizeError("sizes must be between 1 and 256")
        return tuple(values.items())

    def instances(self, sizes=None, batch=None) -> list[tuple]:
        """The instances a claim is checked on: the given (or default) sizes,
        and a second one whose every size differs, so a literal that equals
        one instance's size can't make a claim true.  The second keeps the
        pattern of equal and unequal sizes (a square weight stays square):
        each size + 1 when all are small, else the distinct sizes mapped in
        order onto 2, 3, 4, ... (cheap, so checked first)."""
        first = self.check_sizes(sizes, batch)
        if self.numeric:
            return [first]
        flat = [x for _, v in first for x in (v if isinstance(v, tuple) else (v,))]
        if max(flat) <= 8:
            new = {v: v + 1 for v in flat}
        else:
            new = {v: k + 2 for k, v in enumerate(sorted(set(flat)))}
            if any(new[v] == v for v in flat):
                new = {v: v + 1 for v in flat}
        second = {k: tuple(new[x] for x in v) if isinstance(v, tuple) else new[v] for k, v in first}
        return [first, self.check_sizes(second)]

    def describe_sizes(self, sizes) -> str:
        return ", ".join(f"{k} = {','.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in sizes)

    def network(self, activation: str | None = None, sizes=None, batch: int | None = None) -> Network:
        if sizes is None or not (isinstance(sizes, tuple) and sizes and isinstance(sizes[0], tuple)):
            sizes = self.check_sizes(sizes, batch)
        spec = Spec(sizes, self.choices(activation))
        key = (id(self.arch), spec)
        found = _NETWORKS.get(key)
        # a network is a pure function of its architecture and spec; its memo
        # stays warm.  The id of a freed architecture can be reused: check it is this one
        if found is None or found[0] is not self.arch:
            if len(_NETWORKS) >= 16:
                _NETWORKS.pop(next(iter(_NETWORKS)))
            found = _NETWORKS[key] = (self.arch, Network(self.arch, spec))
        return found[1]


_NETWORKS: dict = {}

_ACCENTS = {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304"}


def _plain(key: str) -> str:
    """A notation key as plain text: "tilde z" -> z̃, "cal L" -> L."""
    words = key.split(" ")
    base = words[-1]
    for w in words[:-1]:
        base = base[:1] + _ACCENTS.get(w, "") + base[1:]
    return base
