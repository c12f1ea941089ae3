"""What a run prints on the terminal: the per-source summary and, for the demo, sample queries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from warehouse.db import connect

DEMO_QUERIES: tuple[tuple[str, str], ...] = (
    (
        "Countries most covered (mentions in the text), by outlet",
        "SELECT country, source, sum(articles) AS articles, sum(mentions) AS mentions"
        " FROM coverage_by_country_source_day GROUP BY ALL ORDER BY articles DESC, mentions DESC"
        " LIMIT 8",
    ),
    (
        "Stories carried by more than one outlet (syndication clusters)",
        "SELECT original_source, original_title, articles, sources, wire_credits"
        " FROM syndication_clusters WHERE copies > 0 ORDER BY articles DESC",
    ),
    (
        "Articles per source",
        "SELECT source, count(*) AS articles, round(avg(word_count)) AS avg_words"
        " FROM articles GROUP BY source ORDER BY source",
    ),
    (
        "Latest five headlines",
        "SELECT source, strftime(published_at, '%Y-%m-%d %H:%M') AS published_utc, title"
        " FROM articles ORDER BY published_at DESC NULLS LAST, title LIMIT 5",
    ),
)


def print_summary(summary: Any, console: Console | None = None) -> None:
    """Print a run summary (one row per source, failures explained)."""
    # Not a terminal (CI, cron, Prefect worker logs): wide lines beat a table wrapped at 80 columns.
    console = console or Console(width=None if sys.stdout.isatty() else 200)
    table = Table(title=f"geowire run {summary.run_id}")
    for column in ("source", "status", "pages", "new", "updated", "unchanged", "failures"):
        numeric = column not in ("source", "status")
        table.add_column(column, justify="right" if numeric else "left", no_wrap=True)
    table.add_column("note", overflow="ellipsis", no_wrap=True, max_width=90)
    for outcome in [*summary.resumed, *summary.outcomes]:
        table.add_row(
            outcome.source,
            outcome.status,
            str(outcome.pages_fetched),
            str(outcome.articles_new),
            str(outcome.articles_updated),
            str(outcome.articles_unchanged),
            str(outcome.failures),
            outcome.message[:100],
        )
    console.print(table)
    for run_id in summary.interrupted:
        console.print(f"run {run_id} had been interrupted; its crawled batches were loaded now")
    totals = summary.totals
    if getattr(summary, "report_path", ""):
        console.print(f"report with charts: {summary.report_path}")
    console.print(
        f"{totals['articles_new']} new and {totals['articles_updated']} updated articles"
        f" from {totals['pages_fetched']} pages into {summary.db_path}"
    )


def print_demo_queries(db_path: Path, console: Console | None = None) -> None:
    """Run the demo's sample queries and print each with its answer."""
    console = console or Console(width=None if sys.stdout.isatty() else 160)
    with connect(db_path, read_only=True) as con:
        for title, sql in DEMO_QUERIES:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description]
            table = Table(title=f"{title}\n[dim]{sql}[/dim]")
            for column in columns:
                table.add_column(column)
            for row in cursor.fetchall():
                table.add_row(*("" if v is None else str(v) for v in row))
            console.print(table)
