"""Progress of a long command on a terminal: a count and an estimate, on one line; nothing in cron.

    progress = Progress(self.stderr, total=1200, label="Indexing")
    for batch in batches:
        ...
        progress.advance(len(batch))
    progress.finish()

Written only when the stream is a terminal, so cron mail and log files get the command's summary alone.
"""

from __future__ import annotations

import time
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class Progress:
    # Redrawing more often than this costs more than it tells.
    REDRAW_SECONDS = 0.2

    def __init__(self, stream: TextIO, *, total: int, label: str, clock=time.monotonic):
        self.stream = stream
        self.total = total
        self.label = label
        self.done = 0
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(isatty and isatty())

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.enabled and (self.drawn_at is None or self.clock() - self.drawn_at >= self.REDRAW_SECONDS):
            self._draw()

    def line(self) -> str:
        elapsed = self.clock() - self.started
        if not self.total:
            return f"{self.label}: {self.done}"
        share = min(self.done / self.total, 1)
        text = f"{self.label}: {self.done} of {self.total} ({share:.0%})"
        if 0 < self.done < self.total and elapsed >= 1:
            text += f", about {_duration(elapsed / self.done * (self.total - self.done))} left"
        return text

    def _write(self, text: str) -> None:
        if hasattr(self.stream, "style_func"):  # Django's OutputWrapper adds a newline unless told not to
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()

    def _draw(self) -> None:
        self.drawn_at = self.clock()
        self._write(f"\r{self.line()}\x1b[K")  # back to the start of the line, draw, erase what was longer

    def finish(self, *, erase: bool = False) -> None:
        """Leave the final count on its line, or with `erase` take the line away (output follows on it)."""
        if self.enabled:
            if erase:
                self._write("\r\x1b[K")
            else:
                self._draw()
                self._write("\n")
