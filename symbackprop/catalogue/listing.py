"""The notation a student may use in one problem, read off its declarations.

One listing serves `symbackprop problem show` and the reports: every name
(as written in LaTeX), what it means, its shape in the size symbols; the
functions with their choices; the sizes; the side conditions.  Pure: it
returns rows, the callers print or typeset them.
"""

from __future__ import annotations

from dataclasses import dataclass

from symbackprop import registry as R

__all__ = ["Row", "notation_rows", "function_rows", "size_rows", "condition_rows", "layers_text"]

_ROLE = {"input": "input", "target": "target", "parameter": "parameter", "constant": "constant"}
_CONDITIONS = {"sum-to-one": "the targets sum to one (Σ_k y_k = 1)",
               "one-hot": "the target is one-hot (one entry 1, the others 0)"}


@dataclass(frozen=True)
class Row:
    name: str         # LaTeX, as a student writes it
    meaning: str      # plain text
    shape: str = ""   # LaTeX, in the size symbols
    formula: str = "" # LaTeX: the defining equation, or the name an alias stands for


def layers_text(layers) -> str:
    return "" if layers is None else f"{layers.lo}..{layers.hi}"


def _shape(refs) -> str:
    if not refs:
        return "scalar"
    return r" \times ".join(str(r) for r in refs)


def notation_rows(problem) -> list[Row]:
    arch = problem.arch
    rows = []
    for leaf in arch.leaves:
        where = f", layers {layers_text(leaf.layers)}" if leaf.layers is not None and leaf.layer_var else ""
        extra = " (> 0)" if leaf.positive else ""
        rows.append(Row(leaf.latex, _ROLE.get(leaf.role, leaf.role) + where + extra, _shape(leaf.shape)))
    if arch.label_var:
        rows.append(Row(arch.label_var, f"the class label, 1..{arch.label_size} (every value is checked)", "index"))
    seen = set()
    for eq in arch.equations:
        left = eq.latex.split("=", 1)[0].strip()
        where = f" for {eq.layer_var} = {layers_text(eq.layers)}" if eq.layer_var else ""
        shape = arch.shapes.get(eq.family)
        at = eq.layer_var or (str(eq.layers.lo) if eq.layers is not None else "l")
        shape = _shape(shape).replace("@", at) if shape is not None else ""
        rows.append(Row(left, ("the loss, " if eq.family == arch.loss else "") + f"defined{where} by", shape,
                        eq.latex))
        seen.add(eq.family)
    for alias, target in problem.aliases.items():
        rows.append(Row(alias, "the same as", "", target))
    for name, latex in problem.definition_sources.items():
        rows.append(Row(problem.definition_written.get(name, name), "defined as", "", latex))
    return rows


def function_rows(problem) -> list[Row]:
    rows = []
    for key, decl in problem.arch.functions.items():
        choices = list(decl.choices) + [c for _, c in sorted(decl.by_layer.items())]
        text = []
        for c in choices:
            entry = c.entry
            text.append(f"{c.label}: {entry.meaning}" if entry else f"{c.label}: any differentiable function "
                                                                   "(opaque; φ' its derivative)")
        layers = "; one per layer" if decl.per_layer else ""
        detail = "; ".join(text)
        by = "; ".join(f"layer {k}: {c.label}" for k, c in sorted(decl.by_layer.items()))
        head = f"checked under each of: {', '.join(c.label for c in decl.choices)}" if len(decl.choices) > 1 \
            else ""
        meaning = "; ".join(x for x in [head, by] if x)
        meaning = f"{meaning} ({detail})" if meaning else detail
        primes = any(c.entry is None or c.entry.elementwise for c in choices)
        rows.append(Row(decl.latex, meaning + layers + (" — primes take derivatives (φ', φ'')" if primes else "")))
    return rows


def size_rows(problem) -> list[Row]:
    rows = []
    for name, value in problem.sizes.items():
        if isinstance(value, tuple):
            rows.append(Row(f"{name}_l", f"a size per layer, l = 0..{len(value) - 1} (proof instance: "
                                         f"{', '.join(map(str, value))})"))
        else:
            rows.append(Row(name, f"a size (proof instance: {value})"))
    for key, rule in problem.notation.names.items():
        if rule.kind == "size" and key not in problem.sizes:
            at = "L" if rule.layer == "last" else rule.fixed_layer
            rows.append(Row(key, f"the same as {rule.family}" + (f"_{at}" if at is not None else "")))
    return rows


def condition_rows(problem) -> list[str]:
    out = [_CONDITIONS.get(c, c) for c in problem.side_conditions]
    out += [f"{leaf.latex} > 0" for leaf in problem.arch.leaves if leaf.positive]
    return out


def builtin_names() -> list[str]:
    return sorted(R.BUILTINS) + [R.GENERIC]
