"""The command line: a thin shell over `verify.check` and the catalogue.

    symbackprop verify [FILE...] [--format text|json]
    symbackprop check --problem ID [--activation relu|generic] [--sizes 2,3,4] [--reference 'LATEX'] 'LATEX'
    symbackprop grade PATH... [--format text|json|csv|gradescope] [--out DIR] [--workers N]
    symbackprop report [PROBLEM-ID | SUBMISSION...] [--out reports/] [--format tex,pdf,md]

Exit codes are the `Exit` enum below; `main(argv)` returns one and
`console_main()` is the installed script.
"""

from __future__ import annotations

import argparse
import sys

from symbackprop.errors import ProblemError
from symbackprop.catalogue.load import problem_ids
from symbackprop.cli.exits import Exit

__all__ = ["main", "console_main"]


VERDICTS = """\
What a verdict promises:
  proved       on two instances whose every size differs, the two sides are
               equal as an exact algebraic identity at every point the side
               conditions and premises allow (no sampling, no simplify)
  proved almost everywhere
               the same except on a named set of measure zero where a step's
               argument is 0 (a pre-activation, an input); JSON
               "almost_everywhere": true and "fails_where"
  proved vacuously
               the premise can never hold
  refuted      a counterexample: exact rational inputs (and a polynomial for a
               generic activation) satisfying the side conditions and premises,
               where both sides certainly differ (exact rationals or certified
               intervals); shown with the values it depends on
  ill-formed / unparseable / undecided
               can't be true as written / can't be read (with a position) /
               neither within the time cap (never counted as correct)"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="symbackprop", description="Exact verification of backprop derivations "
                                "written in course LaTeX.", epilog=VERDICTS,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser("verify", help="run the catalogue and compare every verdict with the expected one",
                       description="Run the catalogue (default: every problem in derivations/). Exit 0 only if "
                                   "every verdict equals the catalogue's expected one.")
    v.add_argument("files", nargs="*", metavar="FILE", help="problem ids or .toml files (default: all)")
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.add_argument("--timeout", type=float, default=60.0, help="seconds per claim (default 60)")
    v.add_argument("--crosscheck", action="store_true",
                   help="also evaluate every proved claim with PyTorch autograd at a larger size and report the "
                        "largest error per claim (needs torch; a mismatch is a bug in symbackprop)")
    v.add_argument("--crosscheck-scale", type=int, default=4, metavar="K",
                   help="widths (and batch, classes) multiplied by K for the cross-check (default 4)")
    c = sub.add_parser("check", help="check one claim",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Check one claim. Exit 0 proved, 1 refuted or ill-formed, "
                                   "2 unparseable, undecided or usage error.\n\n" + VERDICTS)
    c.add_argument("latex", metavar="LATEX", help="the claim, e.g. '\\delta^{(L)} = \\hat{y} - y'")
    c.add_argument("--problem", required=True, metavar="ID|PATH",
                   help=f"problem id ({', '.join(problem_ids())}) or a problem file")
    c.add_argument("--activation", default=None, metavar="NAME",
                   help="one of the choices the problem lists for its functions, e.g. relu or generic "
                        "(default: the first); `symbackprop problem show ID` lists them")
    c.add_argument("--sizes", default=None, help="layer widths d_0,...,d_L, e.g. 2,3,4; or the sizes by name, "
                                                 "e.g. d=3,N=5 (a problem with one size: that size)")
    c.add_argument("--batch", type=int, default=None, metavar="N",
                   help="the batch size N, for batched problems")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    c.add_argument("--reference", default=None, metavar="LATEX",
                   help="a reference answer: if the claim is wrong, name the mistake relative to it")
    g = sub.add_parser("grade", help="grade a class's submissions",
                       description="Grade submissions (TOML files, CSV exports with columns "
                                   "student,problem,label,equation, or folders of either). Exit 0 if every "
                                   "answer was decided, 1 if a submission could not be read or names an unknown "
                                   "problem, 2 if some answer is undecided (or a usage error).")
    g.add_argument("paths", nargs="+", metavar="PATH", help="submission files or folders")
    g.add_argument("--problem", default=None, metavar="ID|PATH",
                   help="the problem of submissions that don't name one (and the file a named id means)")
    g.add_argument("--problems", default=None, metavar="DIR",
                   help="a folder of problem files, looked up by id before the shipped catalogue")
    g.add_argument("--format", choices=("text", "json", "csv", "gradescope"), default="text",
                   help="what to print on stdout (default text)")
    g.add_argument("--out", default=None, metavar="DIR",
                   help="write grades.json, gradebook.csv, gradescope/*/results.json and feedback/*.md here")
    g.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    g.add_argument("--timeout", type=float, default=10.0,
                   help="wall-clock seconds per answer for its verdict (default 10); naming a mistake then has a "
                        "budget of comparisons, the same on any machine, and a 60 s cap as a last resort")
    g.add_argument("--memory", type=int, default=2048, metavar="MB", help="memory cap per worker (default 2048)")
    g.add_argument("--cache", default=None, metavar="DIR", help="result cache (default ~/.cache/symbackprop)")
    g.add_argument("--no-cache", action="store_true", help="grade everything again")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.add_argument("--max-answers", type=int, default=500, metavar="N",
                   help="answers read per submission (default 500; more are dropped with a warning)")
    g.add_argument("--max-bytes", type=int, default=5_000_000, metavar="BYTES",
                   help="largest submission file read (default 5000000; a larger one is not graded, with a warning)")
    r = sub.add_parser("report", help="proof reports (LaTeX, PDF, Markdown) and feedback reports",
                       description="Write a proof report per problem (every catalogue claim with its verdict, "
                                   "method, witness or worked instance) and an index; or a feedback report per "
                                   "graded submission. Exit 0 on success, 1 if a PDF failed or a submission "
                                   "could not be read, 2 on a usage error.")
    r.add_argument("targets", nargs="*", metavar="PROBLEM-ID|SUBMISSION",
                   help="problem ids or submission files/folders (default: every problem)")
    r.add_argument("--problem", action="append", default=[], metavar="ID|PATH",
                   help="a problem to report on (repeatable)")
    r.add_argument("--problems", default=None, metavar="DIR",
                   help="a folder of problem files: report on each (and look ids up there first)")
    r.add_argument("--out", default="reports", metavar="DIR", help="where to write (default reports/)")
    r.add_argument("--format", default="tex,pdf,md", help="comma-separated: tex, pdf, md (default all three)")
    r.add_argument("--workers", type=int, default=2, help="worker processes for grading submissions")
    r.add_argument("--timeout", type=float, default=10.0, help="seconds per answer when grading")
    w = sub.add_parser("writeup", help="check every step of a student's Markdown or LaTeX write-up",
                       description="Read a write-up (Markdown: $…$, $$…$$, \\(…\\), \\[…\\], ```math; LaTeX: "
                                   "equation/align/gather/multline, $…$, \\[…\\]) and judge every step "
                                   "(each link A = B of a chain) on its own. Exit 0 every step proved, 1 a step "
                                   "refuted or ill-formed, 2 otherwise (unparseable, undecided, usage error).")
    w.add_argument("file", metavar="FILE", help="the write-up (.md, .txt or .tex)")
    w.add_argument("--problem", required=True, metavar="ID|PATH", help="the problem it answers")
    w.add_argument("--activation", default=None, metavar="NAME", help="a function choice of the problem")
    w.add_argument("--format", choices=("text", "json", "md"), default="text",
                   help="text, json, or md: the write-up itself with a mark and a footnote beside every step "
                        "(TeX comments for a .tex file)")
    w.add_argument("--timeout", type=float, default=10.0, help="seconds per step (default 10)")
    pr = sub.add_parser("problem", help="show a problem's notation: every name, its meaning and shape",
                        description="symbackprop problem show ID|PATH: the notation a student may use in a "
                                    "problem (every name, its meaning and shape, the functions and their "
                                    "choices, the sizes, the side conditions). Exit 0, or 3 for a broken "
                                    "problem file.")
    prs = pr.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = prs.add_parser("show", help="print the notation of one problem")
    show.add_argument("problem", metavar="ID|PATH")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--problems", default=None, metavar="DIR", help="a folder of problem files")
    b = sub.add_parser("bench", help="measure speed and scale, side by side with naive simplify",
                       description="Benchmark: zero test vs naive sympy.simplify at 2-2-2 and 3-3-3 on the same "
                                   "claims, symbackprop alone at growing widths (one process per claim: proof "
                                   "time, wall time, peak memory, fitted exponent), the catalogue, and grading. "
                                   "Prints measurements; asserts nothing.")
    b.add_argument("--format", choices=("text", "json"), default="text")
    b.add_argument("--widths", default="4,8,16,32,64", help="widths for the scaling part (default 4,8,16,32,64)")
    b.add_argument("--quick", action="store_true", help="widths up to 16 and a class of 100 (a smoke run)")
    return p


def main(argv=None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return Exit.UNDECIDED
    try:
        if args.command == "check":
            from symbackprop.cli.check import run_check
            return run_check(args)
        if args.command == "grade":
            if args.workers < 1 or args.timeout <= 0:
                print("symbackprop: --workers must be at least 1 and --timeout positive", file=sys.stderr)
                return Exit.UNDECIDED
            from symbackprop.cli.grade import run_grade
            return run_grade(args)
        if args.command == "bench":
            from symbackprop.tools.bench import run_bench
            try:
                widths = tuple(int(w) for w in args.widths.split(","))
            except ValueError:
                print("symbackprop: --widths takes comma-separated whole numbers", file=sys.stderr)
                return Exit.UNDECIDED
            run_bench(widths, args.format, args.quick)
            return Exit.OK
        if args.command == "writeup":
            from symbackprop.cli.writeup import run_writeup
            return run_writeup(args)
        if args.command == "problem":
            from symbackprop.cli.problem import show_problem
            print(show_problem(args.problem, args.format, [args.problems] if args.problems else []))
            return Exit.OK
        if args.command == "report":
            from symbackprop.cli.report import run_report
            return run_report(args)
        from symbackprop.cli.verify import run_verify
        return run_verify(args)
    except ProblemError as err:
        print(f"symbackprop: problem file error: {err}", file=sys.stderr)
        return Exit.PROBLEM_FILE


def console_main() -> None:
    try:
        sys.exit(main())
    except BrokenPipeError:   # `symbackprop ... | head`: the reader left, nothing is wrong
        sys.stderr.close()
        sys.exit(0)
