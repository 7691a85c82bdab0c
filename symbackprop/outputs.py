"""Writing files safely: every output is written to a temporary file in the
same folder and renamed into place, so an interrupted run never leaves a
half-written gradebook; names derived from student ids are made safe."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "safe_name"]


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes it private; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def safe_name(text: str) -> str:
    """A file name from an id a student chose: no path separators, no dot
    files, bounded length; a digest keeps different ids apart."""
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:60] or "anonymous"
    if clean != text:
        clean += "-" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:8]
    return clean
