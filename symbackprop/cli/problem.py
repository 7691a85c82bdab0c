"""`symbackprop problem show ID|PATH`: the notation a student may use.

Prints, from the problem file's own declarations, every name as written,
its meaning and shape, the functions (with the choices a claim is checked
under), the sizes and the side conditions — what a student needs to write a
formula this problem can read.
"""

from __future__ import annotations

import json

from symbackprop.catalogue.listing import condition_rows, function_rows, notation_rows, size_rows
from symbackprop.catalogue.load import load_problem

__all__ = ["show_problem"]


def show_problem(ref: str, fmt: str = "text", dirs=()) -> str:
    problem = load_problem(ref, dirs)
    names, functions, sizes = notation_rows(problem), function_rows(problem), size_rows(problem)
    conditions = condition_rows(problem)
    if fmt == "json":
        row = lambda r: {"latex": r.name, "meaning": r.meaning, "shape": r.shape, "formula": r.formula}  # noqa: E731
        return json.dumps({"id": problem.id, "title": problem.title, "names": [row(r) for r in names],
                           "functions": [row(r) for r in functions], "sizes": [row(r) for r in sizes],
                           "side_conditions": conditions, "choices": list(problem.variants),
                           "claims": len(problem.claims), "labels": sorted(problem.labels)},
                          ensure_ascii=False, indent=1)
    lines = [f"{problem.id}: {problem.title}", ""]
    width = max(len(r.name) for r in names + functions + sizes)

    def section(title, rows):
        lines.append(title)
        for r in rows:
            text = r.meaning + (f" {r.formula}" if r.formula else "")
            lines.append(f"  {r.name:<{width}}  {text}" + (f"   [{r.shape}]" if r.shape else ""))
        lines.append("")

    section("Names (as written in LaTeX; shape in brackets):", names)
    section("Functions:", functions)
    section("Sizes:", sizes)
    lines.append("Side conditions: " + ("; ".join(conditions) if conditions else "none"))
    if len(problem.variants) > 1:
        lines.append(f"--activation choices: {', '.join(problem.variants)} (default {problem.activation})")
    lines.append(f"{len(problem.claims)} catalogue claims; graded labels: {', '.join(sorted(problem.labels)) or 'none'}")
    return "\n".join(lines)
