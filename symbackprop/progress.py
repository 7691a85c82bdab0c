"""A progress bar on stderr for batch work: off when stderr is not a terminal
or when asked to be quiet, so logs and CI output stay clean."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    def __init__(self, total: int, label: str = "grading", enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.total = max(total, 0)
        self.done = 0
        self.label = label
        self.start = time.monotonic()
        self.enabled = (self.stream.isatty() if enabled is None else enabled) and self.total > 0
        self._last = 0.0

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            self._draw(note)

    def _draw(self, note: str) -> None:
        width = 30
        filled = int(width * self.done / self.total)
        rate = self.done / max(time.monotonic() - self.start, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else 0
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}  {rate:5.1f}/s  "
                          f"~{left:4.0f}s left {note[:30]:30}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
