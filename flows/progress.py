"""Progress reporting for long commands: live bars on a terminal, plain log lines elsewhere.

Flows call the `Progress` methods; `make_progress()` picks the rich display when stdout is a
terminal and plain lines otherwise (CI, cron, Prefect workers), where a live display would only
fill the log with redraws. Every implementation is safe to call from several threads.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, TextIO, runtime_checkable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichBars


@runtime_checkable
class Progress(Protocol):
    """What a long command reports: stages, work items within a stage, and sources."""

    def stage(self, name: str) -> None:
        """A new stage starts (the previous one is over)."""

    def total(self, n: int) -> None:
        """The current stage has `n` items of work."""

    def advance(self, n: int = 1) -> None:
        """`n` more items of the current stage are done."""

    def source_started(self, name: str) -> None:
        """Work on source `name` starts."""

    def source_done(self, name: str, status: str, detail: str = "") -> None:
        """Work on source `name` ended with `status` (completed, partial, failed...)."""

    def close(self) -> None:
        """Stop the display (idempotent)."""


class _ContextManager:
    def __enter__(self) -> _ContextManager:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the display."""


class NullProgress(_ContextManager):
    """Reports nothing (library calls and tests that do not care)."""

    def stage(self, name: str) -> None:
        """Ignore."""

    def total(self, n: int) -> None:
        """Ignore."""

    def advance(self, n: int = 1) -> None:
        """Ignore."""

    def source_started(self, name: str) -> None:
        """Ignore."""

    def source_done(self, name: str, status: str, detail: str = "") -> None:
        """Ignore."""


def _stdout_line(line: str) -> None:
    print(line, flush=True)


class PlainProgress(_ContextManager):
    """One log line per event, and per tenth of a stage's work, each stamped with elapsed time.

    `write` receives each line (default: stdout); pass a logger's `info` to send them to a log.
    """

    def __init__(
        self,
        write: Callable[[str], None] = _stdout_line,
        clock: Callable[[], float] = time.monotonic,
        unknown_total_every_s: float = 10.0,
    ) -> None:
        self._write = write
        self._clock = clock
        self._every = unknown_total_every_s
        self._lock = threading.Lock()
        self._started = clock()
        self._stage: str | None = None
        self._stage_started = self._started
        self._done = 0
        self._total: int | None = None
        self._reported_tenth = 0
        self._reported_at = self._started
        self._sources: dict[str, float] = {}

    def _emit(self, text: str) -> None:
        self._write(f"[{self._clock() - self._started:7.1f}s] {text}")

    def _end_stage(self) -> None:
        if self._stage is None:
            return
        took = self._clock() - self._stage_started
        count = f"{self._done}/{self._total}" if self._total is not None else f"{self._done}"
        self._emit(f"{self._stage}: finished, {count} in {took:.1f}s")

    def stage(self, name: str) -> None:
        """Log the end of the previous stage and the start of this one."""
        with self._lock:
            self._end_stage()
            self._stage, self._stage_started = name, self._clock()
            self._done, self._total, self._reported_tenth = 0, None, 0
            self._reported_at = self._stage_started
            self._emit(f"{name}: started")

    def total(self, n: int) -> None:
        """Log the amount of work of the current stage."""
        with self._lock:
            self._total = n
            self._emit(f"{self._stage or 'work'}: {n} to do")

    def advance(self, n: int = 1) -> None:
        """Count work; log at each tenth of the total (or every few seconds without a total)."""
        with self._lock:
            self._done += n
            name = self._stage or "work"
            now = self._clock()
            if self._total:
                tenth = min(10, self._done * 10 // self._total)
                if tenth > self._reported_tenth:
                    self._reported_tenth = tenth
                    self._emit(f"{name}: {self._done}/{self._total} ({tenth * 10}%)")
            elif now - self._reported_at >= self._every:
                self._reported_at = now
                self._emit(f"{name}: {self._done} done")

    def source_started(self, name: str) -> None:
        """Log that a source started."""
        with self._lock:
            self._sources[name] = self._clock()
            self._emit(f"{name}: started")

    def source_done(self, name: str, status: str, detail: str = "") -> None:
        """Log how a source ended and how long it took."""
        with self._lock:
            started = self._sources.pop(name, None)
            took = f" in {self._clock() - started:.1f}s" if started is not None else ""
            self._emit(f"{name}: {status}{took}" + (f" ({detail})" if detail else ""))

    def close(self) -> None:
        """Log the end of the last stage (once)."""
        with self._lock:
            self._end_stage()
            self._stage = None


_STATUS_STYLE = {"completed": "green", "partial": "yellow", "failed": "red", "skipped": "dim"}


class RichProgress(_ContextManager):
    """Live display: a bar for the current stage, a spinner per running source; finished sources
    become permanent lines above the display so the live area stays small with 40 sources."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console()
        self._bars = RichBars(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._lock = threading.Lock()
        self._stage: TaskID | None = None
        self._stage_name = ""
        self._sources: dict[str, TaskID] = {}
        self._closed = False
        self._bars.start()

    def _finish_stage(self) -> None:
        if self._stage is None:
            return
        task = self._bars.tasks[self._stage]
        count = f"{task.completed:g}/{task.total:g}" if task.total else f"{task.completed:g}"
        elapsed = task.elapsed or 0.0
        self._bars.console.print(f"[bold]{self._stage_name}[/] done: {count} in {elapsed:.1f}s")
        self._bars.remove_task(self._stage)
        self._stage = None

    def stage(self, name: str) -> None:
        """Replace the stage bar with a new one."""
        with self._lock:
            self._finish_stage()
            self._stage_name = name
            self._stage = self._bars.add_task(f"[bold]{name}[/]", total=None)

    def total(self, n: int) -> None:
        """Give the stage bar its length."""
        with self._lock:
            if self._stage is None:
                self._stage_name = "work"
                self._stage = self._bars.add_task("[bold]work[/]", total=None)
            self._bars.update(self._stage, total=n)

    def advance(self, n: int = 1) -> None:
        """Move the stage bar."""
        with self._lock:
            if self._stage is not None:
                self._bars.advance(self._stage, n)

    def source_started(self, name: str) -> None:
        """Show a spinner row for the source."""
        with self._lock:
            if name not in self._sources:
                self._sources[name] = self._bars.add_task(f"  {name}", total=None)

    def source_done(self, name: str, status: str, detail: str = "") -> None:
        """Replace the source's row with a permanent line saying how it ended."""
        with self._lock:
            task = self._sources.pop(name, None)
            elapsed = ""
            if task is not None:
                elapsed = f" in {self._bars.tasks[task].elapsed or 0:.1f}s"
                self._bars.remove_task(task)
            style = _STATUS_STYLE.get(status, "bold")
            suffix = f" [dim]({detail})[/]" if detail else ""
            self._bars.console.print(f"  {name}: [{style}]{status}[/]{elapsed}{suffix}")

    def close(self) -> None:
        """Print the last stage's line and stop the live display (once)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._finish_stage()
            self._bars.stop()


def make_progress(file: TextIO | None = None) -> PlainProgress | RichProgress:
    """A live display when `file` (default stdout) is a terminal, plain lines otherwise."""
    out = file or sys.stdout
    if out.isatty():
        return RichProgress(Console(file=out))
    return PlainProgress(write=lambda line: print(line, file=out, flush=True))
