"""The progress reporters: exact plain lines (CI, Prefect workers) and a smoke run of the live one."""

from __future__ import annotations

import io
import re
import threading

from rich.console import Console

from flows.progress import (
    NullProgress,
    PlainProgress,
    Progress,
    RichProgress,
    make_progress,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_plain_progress_lines() -> None:
    lines: list[str] = []
    clock = FakeClock()
    with PlainProgress(write=lines.append, clock=clock) as progress:
        progress.stage("crawl")
        progress.source_started("dawn")
        clock.now += 4.0
        progress.source_done("dawn", "partial", "3 failures")
        progress.stage("extract")
        progress.total(20)
        for _ in range(20):
            clock.now += 0.5
            progress.advance()
    assert lines == [
        "[    0.0s] crawl: started",
        "[    0.0s] dawn: started",
        "[    4.0s] dawn: partial in 4.0s (3 failures)",
        "[    4.0s] crawl: finished, 0 in 4.0s",
        "[    4.0s] extract: started",
        "[    4.0s] extract: 20 to do",
        *(f"[{4.0 + i:7.1f}s] extract: {2 * i}/20 ({10 * i}%)" for i in range(1, 11)),
        "[   14.0s] extract: finished, 20/20 in 10.0s",
    ]


def test_plain_progress_without_total_logs_every_few_seconds() -> None:
    lines: list[str] = []
    clock = FakeClock()
    progress = PlainProgress(write=lines.append, clock=clock, unknown_total_every_s=10)
    progress.stage("load")
    for _ in range(25):
        clock.now += 1.0
        progress.advance(2)
    progress.source_done("never-started", "failed")
    progress.close()
    progress.close()
    assert lines == [
        "[    0.0s] load: started",
        "[   10.0s] load: 20 done",
        "[   20.0s] load: 40 done",
        "[   25.0s] never-started: failed",
        "[   25.0s] load: finished, 50 in 25.0s",
    ]


def test_big_steps_log_one_line_per_step() -> None:
    lines: list[str] = []
    progress = PlainProgress(write=lines.append, clock=FakeClock())
    progress.total(3)  # no stage named: still reported
    progress.advance(3)
    assert lines == ["[    0.0s] work: 3 to do", "[    0.0s] work: 3/3 (100%)"]


def test_plain_progress_is_thread_safe() -> None:
    lines: list[str] = []
    progress = PlainProgress(write=lines.append)
    progress.stage("crawl")
    progress.total(400)

    def work(n: int) -> None:
        progress.source_started(f"s{n}")
        for _ in range(100):
            progress.advance()
        progress.source_done(f"s{n}", "completed")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    progress.close()
    assert lines[-1].endswith("crawl: finished, 400/400 in " + lines[-1].rsplit(" in ", 1)[1])
    assert sum("%)" in line for line in lines) == 10
    assert sum(": completed" in line for line in lines) == 4


def test_make_progress_picks_plain_off_a_terminal() -> None:
    out = io.StringIO()
    progress = make_progress(out)
    assert isinstance(progress, PlainProgress) and isinstance(progress, Progress)
    progress.stage("crawl")
    progress.close()
    assert out.getvalue().splitlines()[0].endswith("crawl: started")
    assert isinstance(NullProgress(), Progress)


def test_rich_progress_prints_finished_sources_and_stages() -> None:
    out = io.StringIO()
    with RichProgress(Console(file=out, force_terminal=True, width=100)) as progress:
        progress.stage("crawl")
        progress.total(2)
        progress.source_started("dawn")
        progress.source_done("dawn", "failed", "DNS lookup failed")
        progress.advance(2)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert "dawn" in text and "failed" in text and "DNS lookup failed" in text
    assert "crawl done: 2/2" in text
    assert "dawn: failed in" in text
