"""LaTeX to PDF with the system's pdflatex (Debian's TeX Live), safely.

pdflatex runs in a fresh temporary directory with shell escape off
(`-no-shell-escape`, and `shell_escape=f` in its environment), reading and
writing restricted to that directory (`openin_any=p`, `openout_any=p`:
TeX's paranoid mode), non-interactive, halting on the first error, with a
time limit.  The sources we write never contain a student's text as
commands (see `escape`); this is the second wall.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["pdflatex_available", "compile_pdf", "PdfError"]


class PdfError(Exception):
    """pdflatex failed; the message ends with the tail of its log."""


def pdflatex_available() -> bool:
    return shutil.which("pdflatex") is not None


def compile_pdf(tex_source: str, pdf_path: Path, timeout: float = 120.0) -> None:
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdfError("pdflatex not found: install TeX Live (Debian: apt-get install texlive-latex-base "
                       "texlive-latex-recommended texlive-fonts-recommended) and run again")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "openin_any": "p",
           "openout_any": "p", "shell_escape": "f", "TEXMFOUTPUT": "", "LC_ALL": "C",
           # reproducible: the same source gives the same bytes (no build date in the PDF)
           "SOURCE_DATE_EPOCH": "1767225600", "FORCE_SOURCE_DATE": "1"}
    with tempfile.TemporaryDirectory(prefix="symbackprop-tex-") as work:
        env["TEXMFVAR"] = os.path.join(work, ".texmf-var")
        src = Path(work) / "report.tex"
        src.write_text(tex_source, encoding="utf-8")
        for _ in range(2):  # twice, so longtable settles its column widths
            try:
                run = subprocess.run([exe, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                                      "-file-line-error", "report.tex"], cwd=work, env=env, timeout=timeout,
                                     stdin=subprocess.DEVNULL, capture_output=True)
            except subprocess.TimeoutExpired:
                raise PdfError(f"pdflatex took longer than {timeout:g} s") from None
            if run.returncode != 0:
                log = (Path(work) / "report.log")
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else run.stdout.decode()[-1500:]
                raise PdfError(f"pdflatex failed:\n{tail}")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
        shutil.copyfile(Path(work) / "report.pdf", tmp)
        os.replace(tmp, pdf_path)
