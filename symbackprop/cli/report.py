"""`symbackprop report`: proof reports per problem, feedback per submission.

    symbackprop report [PROBLEM-ID | SUBMISSION...] [--out reports/] [--format tex,pdf,md]

With no argument, every problem of the catalogue and the index
`reports/README.md`.  A submission (file or folder) is graded exactly as by
`grade` and gets a feedback report.  PDFs need pdflatex; without it the
`.tex` and `.md` are still written and the message says how to get the PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

from symbackprop.grading.classroom import default_cache_dir, grade_paths, report_name
from symbackprop.outputs import write_atomic
from symbackprop.catalogue.load import load_problem, problem_ids
from symbackprop.grading.gradebook import notes_markdown
from symbackprop.report.model import feedback_page, problem_page
from symbackprop.report.pdf import PdfError, compile_pdf, pdflatex_available
from symbackprop.report.render import render_feedback, render_index, render_problem

__all__ = ["run_report", "write_problem_reports"]

def _is_problem(arg: str) -> bool:
    if arg in problem_ids():
        return True
    path = Path(arg)
    return path.suffix == ".toml" and path.is_file() and "[network]" in path.read_text(errors="replace")[:200_000]


def write_problem_reports(ids, out: Path, formats: set[str], log=print, compile_pdfs: bool = True,
                          index: bool = True, dirs=()) -> list[str]:
    """Write each problem's reports and (for the whole catalogue) the index;
    returns the PDF failures."""
    failures, pages = [], []
    pdf = "pdf" in formats and compile_pdfs and pdflatex_available()
    for ref in ids:
        page = problem_page(load_problem(ref, dirs))
        pages.append(page)
        tex = render_problem(page, "tex")
        if "md" in formats:
            write_atomic(out / f"{page.id}.md", render_problem(page, "md"))
        if "tex" in formats or "pdf" in formats:
            write_atomic(out / f"{page.id}.tex", tex)
        if pdf:
            try:
                compile_pdf(tex, out / f"{page.id}.pdf")
            except PdfError as err:
                failures.append(f"{page.id}: {err}")
        log(f"{page.id}: {len(page.claims)} claims, " +
            ("every verdict as expected" if page.all_expected else "SOME VERDICTS DIFFER FROM THE CATALOGUE"))
    if "md" in formats and index:
        write_atomic(out / "README.md", render_index(pages, "pdf" in formats))
    return failures


def run_report(args) -> int:
    formats = {f.strip() for f in args.format.split(",") if f.strip()}
    if not formats <= {"tex", "pdf", "md"} or not formats:
        print("symbackprop: --format takes a comma-separated list of tex, pdf, md", file=sys.stderr)
        return 2
    out = Path(args.out)
    dirs = [args.problems] if getattr(args, "problems", None) else []
    problems = [a for a in args.targets if _is_problem(a)] + list(getattr(args, "problem", []) or [])
    if dirs:
        problems += sorted(str(p) for p in Path(dirs[0]).glob("*.toml"))
    submissions = [a for a in args.targets if not _is_problem(a)]
    missing = [a for a in submissions if not Path(a).exists()]
    if missing:
        print(f"symbackprop: no problem or submission named {', '.join(missing)} "
              f"(problems: {', '.join(problem_ids())})", file=sys.stderr)
        return 2
    whole = not args.targets and not problems
    if whole:
        problems = problem_ids()
    # the index lists the whole catalogue, so it is written only when that is what was asked for
    failures = write_problem_reports(problems, out, formats, index=whole, dirs=dirs) if problems else []
    code = 0
    if submissions:
        reports, known = grade_paths(submissions, args.workers, args.timeout, 2048, Path(default_cache_dir()),
                                     quiet=True, problem_dirs=dirs)
        for r in reports:
            name = report_name(r, reports)
            page = feedback_page(r, known[r.problem].title if r.problem in known else r.problem)
            tex = render_feedback(page, "tex")
            if "md" in formats:
                write_atomic(out / "feedback" / f"{name}.md", render_feedback(page, "md") + notes_markdown(r))
            if "tex" in formats or "pdf" in formats:
                write_atomic(out / "feedback" / f"{name}.tex", tex)
            if "pdf" in formats and pdflatex_available():
                try:
                    compile_pdf(tex, out / "feedback" / f"{name}.pdf")
                except PdfError as err:
                    failures.append(f"{name}: {err}")
            print(f"feedback for {r.student} ({r.problem}): {r.score:g}/{r.max_score:g}")
            code = max(code, 1 if r.error else 0)
    if "pdf" in formats and not pdflatex_available():
        print("symbackprop: pdflatex not found, so no PDFs; the .tex files are written. To get PDFs install "
              "TeX Live (Debian: apt-get install texlive-latex-base texlive-latex-recommended "
              "texlive-fonts-recommended) and run the command again, or run pdflatex on the .tex files.",
              file=sys.stderr)
    for f in failures:
        print(f"symbackprop: PDF failed: {f}", file=sys.stderr)
    print(f"reports in {out}")
    return 1 if failures else code
