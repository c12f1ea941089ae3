"""`geowire status` on a real DuckDB file with hand-made run and article history."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawlers.extract.article import Article
from flows.status import (
    FAILING,
    NEVER_FETCHED,
    QUIET,
    SourceStatus,
    plain_lines,
    print_status,
    source_status,
)
from tests.articles import make_article
from warehouse.batch import write_article_batch
from warehouse.db import now_utc
from warehouse.load import load_articles, load_fetches, record_run_source, start_run, upsert_sources

# record_run_source stamps rows with the real clock, so the history is built back from it.
NOW = now_utc().replace(tzinfo=UTC)


def article(source: str, n: int, seen: datetime) -> Article:
    text = f"{source} story {n}"
    return make_article(
        f"https://{source}.example/news/{n}",
        text,
        source=source,
        fetched_at=seen,
        title=text,
        published_at=seen - timedelta(hours=1),
    )


def daily(source: str, first_day: int, last_day: int, per_day: int = 3) -> list[Article]:
    """`per_day` articles seen at each nightly run from `first_day` to `last_day` days ago."""
    return [
        article(source, day * 100 + k, NOW - timedelta(days=day, hours=2))
        for day in range(last_day, first_day + 1)
        for k in range(per_day)
    ]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("status")
    path = tmp / "status.duckdb"
    names = ["steady", "gone-silent", "weekly", "failing", "one-failure", "brand-new", "young"]
    upsert_sources(
        path,
        [
            *({"name": n, "homepage": f"https://{n}.example/", "country": "IN"} for n in names),
            {"name": "retired", "homepage": "https://retired.example/", "enabled": False},
        ],
    )
    articles = [
        *daily("steady", 62, 0),
        *daily("gone-silent", 62, 5),  # a nightly source with nothing for five days
        # One article a week, the last four weeks ago: too few for the rate rule, the gap rule catches it.
        *(article("weekly", w, NOW - timedelta(weeks=w, hours=3)) for w in range(4, 9)),
        *daily("failing", 62, 3),
        *daily("one-failure", 62, 0),
        *daily("young", 9, 0),
    ]
    write_article_batch(articles, tmp / "batch.parquet")
    start_run(path, "r1", started_at=NOW - timedelta(days=4))
    load_articles(path, tmp / "batch.parquet", "r1")
    # Oldest first: recorded_at is the real clock, so insertion order is history order.
    history = {
        "steady": ["completed", "completed", "partial"],
        "failing": ["completed", "failed", "skipped", "failed"],
        "one-failure": ["completed", "completed", "failed"],
        "gone-silent": ["completed", "completed", "completed"],
    }
    for i in range(4):
        run_id = f"run-{i}"
        start_run(path, run_id, started_at=NOW - timedelta(days=4 - i))
        for source, statuses in history.items():
            if i < len(statuses):
                record_run_source(path, run_id, source, status=statuses[i], error=None)
    log = tmp / "failing" / "fetches.jsonl"
    log.parent.mkdir()
    rows = [
        {"source": "failing", "url": "https://failing.example/rss", "status": 200,
         "fetched_at": (NOW - timedelta(days=3)).isoformat()},
        {"source": "failing", "url": "https://failing.example/rss", "error_kind": "dns",
         "error": "DNS lookup failed", "fetched_at": (NOW - timedelta(hours=1)).isoformat()},
    ]  # fmt: skip
    log.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    load_fetches(path, log, "run-3")
    return path


@pytest.fixture(scope="module")
def statuses(db: Path) -> dict[str, SourceStatus]:
    return {s.source: s for s in source_status(db, NOW + timedelta(minutes=5))}


def test_steady_source_is_fine(statuses: dict[str, SourceStatus]) -> None:
    steady = statuses["steady"]
    assert steady.flags == ()
    assert steady.articles_7d == 21 and steady.usual_weekly == 21
    assert steady.usual_gap == timedelta(days=1)
    assert steady.last_success_at is not None and steady.last_run_status == "partial"
    assert steady.consecutive_failures == 0


def test_quiet_by_rate_and_by_gap(statuses: dict[str, SourceStatus]) -> None:
    assert statuses["gone-silent"].flags == (QUIET,)
    assert statuses["gone-silent"].articles_7d == 6  # days 5 and 6
    weekly = statuses["weekly"]
    assert weekly.usual_gap == timedelta(weeks=1) and weekly.usual_weekly is not None
    assert weekly.usual_weekly < 4 and weekly.flags == (QUIET,)


def test_failing_counts_failed_runs_through_backoff_skips(
    statuses: dict[str, SourceStatus],
) -> None:
    failing = statuses["failing"]
    assert failing.consecutive_failures == 2
    assert failing.flags == (FAILING, QUIET)  # and nothing new for three days
    assert failing.last_error_kind == "dns"
    assert failing.last_run_status == "failed"
    one = statuses["one-failure"]
    assert one.consecutive_failures == 1 and one.flags == ()


def test_new_young_and_disabled_sources(statuses: dict[str, SourceStatus]) -> None:
    assert statuses["brand-new"].flags == (NEVER_FETCHED,)
    assert statuses["brand-new"].last_success_at is None
    young = statuses["young"]
    assert young.usual_weekly is None and young.flags == ()  # too little history to judge
    assert statuses["retired"].flags == ("disabled", NEVER_FETCHED)
    assert list(statuses) == sorted(statuses)


def test_plain_output_when_not_a_terminal(statuses: dict[str, SourceStatus]) -> None:
    out = io.StringIO()
    print_status(list(statuses.values()), now=NOW, file=out)
    lines = out.getvalue().splitlines()
    assert lines == plain_lines(list(statuses.values()), NOW)
    failing = next(line for line in lines if line.startswith("failing "))
    assert "flags=failing" in failing and "failed_runs_in_a_row=2" in failing
    assert "last_error=dns" in failing
    assert next(line for line in lines if line.startswith("brand-new ")).count("never_fetched")
    assert lines[-1] == "8 sources: 1 failing, 3 quiet, 2 never fetched, 1 disabled"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_on_a_terminal(statuses: dict[str, SourceStatus]) -> None:
    out = Terminal()
    print_status(list(statuses.values()), now=NOW, file=out)
    text = out.getvalue()
    assert "geowire sources" in text and "steady" in text and "never fetched" in text
    assert "flags=" not in text
