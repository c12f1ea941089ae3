"""Run one source's crawl in a subprocess with a hard timeout and judge it by what it wrote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawlers.job import CrawlJob
from crawlers.recorder import read_fetch_log

# Grace period on top of Scrapy's own CLOSESPIDER_TIMEOUT before the process tree is killed.
KILL_GRACE_S = 60.0
# Error kinds that are the crawler's own choices; logged, but not counted as failures.
POLICY_SKIPS = frozenset({"robots"})


@dataclass(frozen=True)
class CrawlResult:
    """The outcome of one source's crawl."""

    source: str
    status: str  # "completed", "partial" (some failures) or "failed" (nothing usable fetched)
    pages_fetched: int
    articles_fetched: int
    not_modified: int
    failures: dict[str, int] = field(default_factory=dict)
    message: str = ""
    fetch_log: str = ""
    stats: dict[str, Any] = field(default_factory=dict)


def run_crawl(job: CrawlJob) -> CrawlResult:
    """Crawl `job.source` in a fresh Python process; never raises for a bad site."""
    job.out_dir.mkdir(parents=True, exist_ok=True)
    job_file = job.out_dir / "job.json"
    job.save(job_file)
    timeout = job.limits.crawl_timeout_s + KILL_GRACE_S
    with open(job.out_dir / "crawl.stderr", "ab") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "crawlers.run_crawl", str(job_file)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return judge(job, killed_after=timeout)
    return judge(job, exit_code=process.returncode)


def judge(job: CrawlJob, exit_code: int = 0, killed_after: float | None = None) -> CrawlResult:
    """Summarise a finished crawl from its fetch log and stats files."""
    rows = read_fetch_log(job.fetch_log_path)
    stats: dict[str, Any] = {}
    if job.stats_path.exists():
        stats = json.loads(job.stats_path.read_text(encoding="utf-8"))
    # A compressed body is archived as it came off the wire, before it is found to inflate past
    # the size limit: that URL's 200 is no usable page.
    refused = {r["url"] for r in rows if r.get("error_kind") == "too_large"}
    responses = [r for r in rows if r.get("status") is not None and r["url"] not in refused]
    good = [r for r in responses if 200 <= r["status"] < 400]
    articles = [r for r in good if r.get("kind") == "article" and r["status"] == 200]
    failures: Counter[str] = Counter()
    first_error = ""
    for row in rows:
        kind = row.get("error_kind")
        status = row.get("status")
        if kind in POLICY_SKIPS:
            continue  # obeying robots.txt is the crawl working as intended, not failing
        if kind is None and status is not None and status >= 400:
            kind = f"http_{status}"
        if kind:
            failures[kind] += 1
            first_error = first_error or _describe(row, kind)
    if killed_after is not None:
        failures["killed"] += 1
        message = f"crawl killed after {killed_after:.0f} s (timeout)"
    elif exit_code != 0 and not stats:
        message = f"crawl process exited with code {exit_code}; see {job.out_dir / 'crawl.stderr'}"
        failures["crashed"] += 1
    else:
        message = first_error
    if not good:
        status = "failed"
        message = message or "no response received"
    elif failures:
        status = "partial"
    else:
        status = "completed"
    return CrawlResult(
        source=job.source.name,
        status=status,
        pages_fetched=len(good),
        articles_fetched=len(articles),
        not_modified=sum(1 for r in good if r["status"] == 304),
        failures=dict(failures),
        message=message,
        fetch_log=str(job.fetch_log_path),
        stats={k: v for k, v in stats.items() if isinstance(v, int | float | str)},
    )


def _describe(row: dict[str, Any], kind: str) -> str:
    error = row.get("error") or kind.replace("_", " ")
    return f"{error} ({row.get('url')})"
