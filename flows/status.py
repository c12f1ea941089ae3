"""`geowire status`: how each source is doing (last success, new articles against its usual rate,
failed runs in a row) with flags for the ones that need a look: quiet, failing, never fetched.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from warehouse.db import as_utc, connect, utc_naive

HISTORY_WEEKS = 8
FAILING_RUNS = 2
# "Well below the usual rate": under a quarter of the median week, for a source whose median
# week has enough articles that a slow week is not just noise.
QUIET_SHARE = 0.25
QUIET_MIN_USUAL = 4.0
QUIET_GAP_FACTOR = 3.0
# Two ad-hoc runs an hour apart make a tiny usual gap; never call a source quiet within a day.
QUIET_MIN_GAP = timedelta(days=1)

QUIET = "quiet"
FAILING = "failing"
NEVER_FETCHED = "never fetched"
DISABLED = "disabled"


@dataclass(frozen=True)
class SourceStatus:
    """One source's health; datetimes are timezone-aware UTC, `flags` is empty when all is well."""

    source: str
    country: str | None
    enabled: bool
    last_success_at: datetime | None  # last run that got pages (completed or partial)
    last_fetch_at: datetime | None
    last_new_article_at: datetime | None
    articles_7d: int
    usual_weekly: float | None  # median new articles a week over the previous weeks (up to 8)
    usual_gap: timedelta | None  # median time between runs that brought new articles
    consecutive_failures: int  # failed runs in a row (backed-off, skipped runs do not count)
    last_run_status: str | None
    last_error_kind: str | None
    last_error: str | None
    flags: tuple[str, ...]


_HEALTH = """
WITH ok_runs AS (
    SELECT source, max(recorded_at) AS last_success_at
    FROM run_sources WHERE status IN ('completed', 'partial') GROUP BY source
),
starts AS (
    SELECT source, min(since_at) AS tracked_since FROM (
        SELECT name AS source, first_added_at AS since_at FROM sources
        UNION ALL SELECT source, min(first_seen_at) FROM articles GROUP BY source
        UNION ALL SELECT source, min(recorded_at) FROM run_sources GROUP BY source
    ) GROUP BY source
)
SELECT
    h.source, s.country, coalesce(TRY_CAST(s.config->>'enabled' AS BOOLEAN), true),
    coalesce(o.last_success_at, h.last_success_at), h.last_fetch_at, h.last_new_article_at,
    h.consecutive_failures, h.last_run_status,
    h.last_error_kind, h.last_error, t.tracked_since, h.articles
FROM source_health h
LEFT JOIN sources s ON s.name = h.source
LEFT JOIN ok_runs o ON o.source = h.source
LEFT JOIN starts t ON t.source = h.source
ORDER BY h.source
"""

_WEEKLY = """
SELECT source, CAST(floor(date_diff('second', first_seen_at, $now) / 604800) AS INTEGER) AS week,
    count(*)
FROM articles
WHERE first_seen_at >= $since AND first_seen_at < $now
GROUP BY ALL
"""

_ARRIVALS = """
SELECT DISTINCT source, date_trunc('hour', first_seen_at) AS arrival
FROM articles
WHERE first_seen_at >= $since AND first_seen_at < $now
ORDER BY source, arrival
"""


def source_status(
    db_path: str | Path, now: datetime, *, lock_timeout_s: float = 60.0
) -> list[SourceStatus]:
    """Every known source's status at `now` (naive datetimes are taken as UTC), sorted by name."""
    now = utc_naive(now)
    since = now - timedelta(weeks=HISTORY_WEEKS + 1)
    window = {"now": now, "since": since}
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        health = con.execute(_HEALTH).fetchall()
        weekly_rows = con.execute(_WEEKLY, window).fetchall()
        arrival_rows = con.execute(_ARRIVALS, window).fetchall()
    weekly: dict[str, dict[int, int]] = {}
    for source, week, count in weekly_rows:
        weekly.setdefault(source, {})[int(week)] = int(count)
    arrivals: dict[str, list[datetime]] = {}
    for source, arrival in arrival_rows:
        arrivals.setdefault(source, []).append(arrival)
    result = []
    for row in health:
        (source, country, enabled, last_success, last_fetch, last_new, failures, last_status,
         error_kind, error, tracked_since, articles) = row  # fmt: skip
        weeks = weekly.get(source, {})
        usual = _usual_weekly(weeks, now, tracked_since)
        gap = _usual_gap(arrivals.get(source, []))
        status = SourceStatus(
            source=source,
            country=country,
            enabled=bool(enabled),
            last_success_at=as_utc(last_success),
            last_fetch_at=as_utc(last_fetch),
            last_new_article_at=as_utc(last_new),
            articles_7d=weeks.get(0, 0),
            usual_weekly=usual,
            usual_gap=gap,
            consecutive_failures=int(failures),
            last_run_status=last_status,
            last_error_kind=error_kind,
            last_error=error,
            flags=(),
        )
        never = last_fetch is None and last_success is None and not articles
        result.append(_with_flags(status, now, never))
    return result


def _usual_weekly(
    weeks: dict[int, int], now: datetime, tracked_since: datetime | None
) -> float | None:
    """Median of the previous weeks the source was tracked for in full (None under two weeks)."""
    if tracked_since is None:
        return None
    full = [k for k in range(1, HISTORY_WEEKS + 1) if now - timedelta(weeks=k + 1) >= tracked_since]
    if len(full) < 2:
        return None
    return float(statistics.median(weeks.get(k, 0) for k in full))


def _usual_gap(arrivals: list[datetime]) -> timedelta | None:
    """Median time between the hours in which new articles arrived (None under three arrivals)."""
    if len(arrivals) < 3:
        return None
    gaps = [b - a for a, b in pairwise(arrivals)]
    return statistics.median(gaps)


def _with_flags(status: SourceStatus, now: datetime, never_fetched: bool) -> SourceStatus:
    flags: list[str] = []
    if not status.enabled:
        flags.append(DISABLED)
    if never_fetched:
        flags.append(NEVER_FETCHED)
    if status.consecutive_failures >= FAILING_RUNS:
        flags.append(FAILING)
    if not never_fetched and _is_quiet(status, now):
        flags.append(QUIET)
    return SourceStatus(**{**status.__dict__, "flags": tuple(flags)})


def _is_quiet(status: SourceStatus, now: datetime) -> bool:
    usual = status.usual_weekly
    if usual is not None and usual >= QUIET_MIN_USUAL and status.articles_7d < usual * QUIET_SHARE:
        return True
    if status.usual_gap is None or status.last_new_article_at is None:
        return False
    silence = now - utc_naive(status.last_new_article_at)
    return silence > max(status.usual_gap * QUIET_GAP_FACTOR, QUIET_MIN_GAP)


# --- printing ----------------------------------------------------------------------------------


def _age(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "never"
    seconds = (utc_naive(now) - utc_naive(value)).total_seconds()
    if seconds < 3600:
        return f"{max(seconds, 0) / 60:.0f}m ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f}h ago"
    return f"{seconds / 86400:.0f}d ago"


def _stamp(value: datetime | None) -> str:
    return "-" if value is None else f"{utc_naive(value):%Y-%m-%dT%H:%MZ}"


def _usual(row: SourceStatus) -> str:
    return "-" if row.usual_weekly is None else f"{row.usual_weekly:g}"


def summary_line(rows: list[SourceStatus]) -> str:
    """One line counting the sources per flag, e.g. '40 sources: 2 failing, 1 quiet'."""
    counts = {
        flag: sum(flag in r.flags for r in rows)
        for flag in (FAILING, QUIET, NEVER_FETCHED, DISABLED)
    }
    parts = [f"{n} {flag}" for flag, n in counts.items() if n]
    return f"{len(rows)} sources: " + (", ".join(parts) if parts else "all fine")


def plain_lines(rows: list[SourceStatus], now: datetime) -> list[str]:
    """One `key=value` line per source (for logs, grep and awk), then the summary line."""
    lines = []
    for r in rows:
        lines.append(
            f"{r.source} flags={','.join(f.replace(' ', '_') for f in r.flags) or 'ok'}"
            f" last_success={_stamp(r.last_success_at)}"
            f" last_new_article={_stamp(r.last_new_article_at)}"
            f" articles_7d={r.articles_7d} usual_weekly={_usual(r)}"
            f" failed_runs_in_a_row={r.consecutive_failures}"
            f" last_error={r.last_error_kind or '-'}"
        )
    lines.append(summary_line(rows))
    return lines


_FLAG_STYLE = {FAILING: "bold red", QUIET: "yellow", NEVER_FETCHED: "magenta", DISABLED: "dim"}


def print_status(
    rows: list[SourceStatus], *, now: datetime | None = None, file: TextIO | None = None
) -> None:
    """Print the status: a table on a terminal, plain `key=value` lines otherwise."""
    out = file or sys.stdout
    now = now or datetime.now().astimezone()
    if not out.isatty():
        for line in plain_lines(rows, now):
            print(line, file=out)
        return
    table = Table(title="geowire sources")
    table.add_column("source", no_wrap=True)
    table.add_column("flags", no_wrap=True)
    table.add_column("last success", no_wrap=True)
    table.add_column("last new article", no_wrap=True)
    table.add_column("7 days", justify="right")
    table.add_column("usual/wk", justify="right")
    table.add_column("failed runs", justify="right")
    table.add_column("last error", overflow="ellipsis", max_width=60)
    for r in rows:
        flags = ", ".join(f"[{_FLAG_STYLE[f]}]{f}[/]" for f in r.flags) or "[green]ok[/]"
        error = " ".join(x for x in (r.last_error_kind, r.last_error and f"({r.last_error})") if x)
        table.add_row(
            r.source,
            flags,
            _age(r.last_success_at, now),
            _age(r.last_new_article_at, now),
            str(r.articles_7d),
            _usual(r),
            str(r.consecutive_failures),
            error,
        )
    console = Console(file=out)
    console.print(table)
    console.print(summary_line(rows))
