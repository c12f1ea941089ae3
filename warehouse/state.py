"""What the crawler needs from the warehouse before a run, returned as plain data.

Reads use short read-only connections; a warehouse that does not exist yet means "nothing known".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from warehouse.db import as_utc, connect, utc_naive

REVISIT_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
    timedelta(days=7),
)


@dataclass(frozen=True)
class KnownArticle:
    """An article already in the warehouse (datetimes timezone-aware UTC)."""

    article_id: str
    first_seen_at: datetime
    last_seen_at: datetime
    content_hash: str
    version: int
    url: str = ""  # as last fetched; it may differ from the page's rel=canonical


def known_article_urls(
    db_path: str | Path, source: str, *, lock_timeout_s: float = 60.0
) -> dict[str, KnownArticle]:
    """Canonical URL -> what is known about it, for one source."""
    if not Path(db_path).exists():
        return {}
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        rows = con.execute(
            "SELECT canonical_url, article_id, first_seen_at, last_seen_at, content_hash, version,"
            " url FROM articles WHERE source = ?",
            [source],
        ).fetchall()
    return {
        url: KnownArticle(
            article_id=article_id,
            first_seen_at=as_utc(first) or first,
            last_seen_at=as_utc(last) or last,
            content_hash=content_hash,
            version=version,
            url=fetched,
        )
        for url, article_id, first, last, content_hash, version, fetched in rows
    }


def due_for_revisit(
    db_path: str | Path,
    source: str,
    now: datetime,
    schedule: Sequence[timedelta] = REVISIT_SCHEDULE,
    *,
    lock_timeout_s: float = 60.0,
) -> list[str]:
    """URLs to fetch again: first seen at t, due at each t+step <= now not fetched since then.

    Most overdue (earliest missed visit) first. Returns the URL last fetched, which is known to
    work, rather than the canonical URL.
    """
    if not Path(db_path).exists() or not schedule:
        return []
    steps_us = [int(step.total_seconds() * 1_000_000) for step in schedule]
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        rows = con.execute(
            """
            WITH steps AS (SELECT unnest($steps::BIGINT[]) AS step_us)
            SELECT a.url
            FROM articles a CROSS JOIN steps s
            WHERE a.source = $source
              AND a.first_seen_at + to_microseconds(s.step_us) <= $now
              AND a.first_seen_at + to_microseconds(s.step_us) > a.last_seen_at
            GROUP BY a.url
            ORDER BY min(a.first_seen_at + to_microseconds(s.step_us)), a.url
            """,
            {"steps": steps_us, "source": source, "now": utc_naive(now)},
        ).fetchall()
    return [url for (url,) in rows]


def feed_validators(
    db_path: str | Path, urls: Iterable[str], *, lock_timeout_s: float = 60.0
) -> dict[str, dict[str, str | None]]:
    """Feed/sitemap URL -> {etag, last_modified, content_hash} for conditional requests."""
    wanted = sorted(set(urls))
    if not wanted or not Path(db_path).exists():
        return {}
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        rows = con.execute(
            "SELECT url, etag, last_modified, content_hash FROM feed_state"
            " WHERE url IN (SELECT unnest(?::VARCHAR[]))",
            [wanted],
        ).fetchall()
    return {
        url: {"etag": etag, "last_modified": last_modified, "content_hash": content_hash}
        for url, etag, last_modified, content_hash in rows
    }


@dataclass(frozen=True)
class SourceAttempts:
    """How a source's recent runs went: failed runs in a row and when it was last tried."""

    consecutive_failures: int
    last_attempt_at: datetime | None


def source_attempts(
    db_path: str | Path, sources: Iterable[str], *, lock_timeout_s: float = 60.0
) -> dict[str, SourceAttempts]:
    """Per source: failed runs since its last successful one (skipped runs do not count)."""
    names = sorted(set(sources))
    if not names or not Path(db_path).exists():
        return {}
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        rows = con.execute(
            "SELECT source, consecutive_failures, last_attempt_at FROM source_health"
            " WHERE source IN (SELECT unnest(?::VARCHAR[]))",
            [names],
        ).fetchall()
    return {name: SourceAttempts(int(failures), as_utc(last)) for name, failures, last in rows}


def recent_texts(
    db_path: str | Path, source: str, limit: int = 200, *, lock_timeout_s: float = 60.0
) -> dict[str, str]:
    """article_id -> lines of the source's most recently seen articles as fetched (the stored
    text plus the template lines removed from it), for template learning."""
    if not Path(db_path).exists():
        return {}
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        # a read-only connection does not migrate: a database from before migration 006
        # has no template_lines yet
        migrated = con.execute(
            "SELECT count(*) FROM duckdb_columns()"
            " WHERE table_name = 'articles' AND column_name = 'template_lines'"
        ).fetchone()
        removed_lines = "coalesce(template_lines, [])" if migrated and migrated[0] else "[]"
        rows = con.execute(
            f"SELECT article_id, text, {removed_lines} FROM articles WHERE source = ?"
            " ORDER BY last_seen_at DESC LIMIT ?",
            [source, limit],
        ).fetchall()
    return {article_id: "\n".join([text, *removed]) for article_id, text, removed in rows}
