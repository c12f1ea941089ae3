"""Data checks run after every load; each failure names the check and shows offending rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from warehouse.db import connect, now_utc, utc_naive

SAMPLE_ROWS = 5
FUTURE_SKEW = timedelta(days=1)


@dataclass(frozen=True)
class CheckFailure:
    """One failed check: its name, what is wrong, how many rows, and a few of them."""

    name: str
    message: str
    count: int
    sample: list[dict[str, Any]] = field(default_factory=list)


# (name, message, query selecting offending rows). Queries take $now (naive UTC) and nothing else.
CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "articles_unique_article_id",
        "article_id appears more than once in articles",
        "SELECT article_id, count(*) AS n FROM articles GROUP BY article_id HAVING n > 1",
    ),
    (
        "articles_unique_canonical_url",
        "canonical_url appears more than once in articles",
        "SELECT canonical_url, count(*) AS n, list(article_id) AS article_ids FROM articles"
        " GROUP BY canonical_url HAVING n > 1",
    ),
    (
        "articles_text_not_empty",
        "articles with an empty body",
        "SELECT article_id, url FROM articles WHERE text IS NULL OR trim(text) = ''",
    ),
    (
        "articles_published_not_future",
        "published_at is more than a day in the future",
        "SELECT article_id, url, published_at FROM articles"
        " WHERE published_at > $now + INTERVAL 1 DAY",
    ),
    (
        "articles_language_code",
        "language is not a 2-letter lower-case ISO 639-1 code",
        "SELECT article_id, url, language FROM articles"
        " WHERE language IS NOT NULL AND NOT regexp_full_match(language, '[a-z]{2}')",
    ),
    (
        "articles_seen_order",
        "first_seen_at <= last_changed_at <= last_seen_at does not hold",
        "SELECT article_id, first_seen_at, last_changed_at, last_seen_at FROM articles"
        " WHERE NOT (first_seen_at <= last_changed_at AND last_changed_at <= last_seen_at)",
    ),
    (
        "articles_word_count",
        "word_count is negative",
        "SELECT article_id, word_count FROM articles WHERE word_count < 0",
    ),
    (
        "articles_current_version_stored",
        "the article's current version has no matching article_versions row",
        "SELECT a.article_id, a.version, a.content_hash FROM articles a"
        " LEFT JOIN article_versions v"
        "   ON v.article_id = a.article_id AND v.version = a.version"
        " WHERE v.article_id IS NULL OR v.content_hash <> a.content_hash",
    ),
    (
        "articles_source_registered",
        "articles from a source missing from the sources table (call upsert_sources)",
        "SELECT DISTINCT a.source FROM articles a WHERE a.source NOT IN (SELECT name FROM sources)",
    ),
    (
        "article_countries_codes",
        "country codes are not ISO 3166-1 shaped (2 and 3 upper-case letters)",
        "SELECT article_id, alpha2, alpha3 FROM article_countries"
        " WHERE NOT regexp_full_match(alpha2, '[A-Z]{2}') OR NOT regexp_full_match(alpha3, '[A-Z]{3}')",
    ),
    (
        "article_enrichment_current",
        "enrichment was computed from an older version of the article",
        "SELECT e.article_id, e.content_hash, a.content_hash AS current_hash"
        " FROM article_enrichment e JOIN articles a USING (article_id)"
        " WHERE e.content_hash <> a.content_hash",
    ),
    (
        "runs_finished_after_start",
        "a run finished before it started",
        "SELECT run_id, started_at, finished_at FROM runs WHERE finished_at < started_at",
    ),
)


def run_checks(
    db_path: str | Path, *, now: datetime | None = None, lock_timeout_s: float = 60.0
) -> list[CheckFailure]:
    """Run every check; an empty list means the warehouse is consistent."""
    now_naive = utc_naive(now) if now else now_utc()
    failures = []
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        for name, message, query in CHECKS:
            params = {"now": now_naive} if "$now" in query else {}
            offending = con.sql(query, params=params)
            count_row = offending.aggregate("count(*)").fetchone()
            count = int(count_row[0]) if count_row else 0
            if not count:
                continue
            sample_rel = offending.limit(SAMPLE_ROWS)
            sample = [
                dict(zip(sample_rel.columns, row, strict=True)) for row in sample_rel.fetchall()
            ]
            failures.append(CheckFailure(name, f"{message} ({count} rows)", count, sample))
    return failures
