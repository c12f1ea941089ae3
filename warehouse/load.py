"""Loading stage outputs (article batches, fetch logs, sources, run bookkeeping) into the warehouse.

Every function takes the database path, opens a short connection and commits one transaction, so
Prefect tasks can call them from any thread or process.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.batch import check_batch_schema
from warehouse.db import WarehouseError, connect, now_utc, utc_naive
from warehouse.enrichment import enrichment_path, load_enrichment

OnWait = Callable[[str], None] | None
RUN_STATUSES = ("running", "completed", "failed")
RUN_SOURCE_STATUSES = ("completed", "partial", "failed", "skipped")
RUN_COUNT_COLUMNS = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "non_articles",
    "failures",
)


@dataclass
class SourceLoadCounts:
    """What one load did for one source."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    non_articles: int = 0

    def add(self, other: SourceLoadCounts) -> None:
        """Add another load's counts to these."""
        for name in ("new", "updated", "unchanged", "stale", "non_articles"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class LoadResult(SourceLoadCounts):
    """What `load_articles` did: totals, rows dropped as in-batch duplicates, and per source."""

    duplicates: int = 0
    per_source: dict[str, SourceLoadCounts] = field(default_factory=dict)


# The batch, deduplicated (latest fetch wins) and classified against the stored articles.
# 'stale': content differs but the fetch is older than the stored version (e.g. an old page
# re-extracted out of order); it must not overwrite newer content.
_CLASSIFY = """
CREATE OR REPLACE TEMP TABLE load_batch AS
WITH batch AS (
    SELECT
        url, canonical_url, article_id, source, title, authors,
        published_at::TIMESTAMP AS published_at, modified_at::TIMESTAMP AS modified_at,
        language, text, word_count, tags, description, content_hash,
        fetched_at::TIMESTAMP AS fetched_at, is_article, quality_flags, extractor_version,
        {template_lines}
    FROM read_parquet(?)
    QUALIFY row_number() OVER (
        PARTITION BY article_id ORDER BY fetched_at DESC, content_hash DESC) = 1
)
SELECT
    b.*,
    coalesce(a.version, 0) AS old_version,
    CASE
        WHEN NOT b.is_article THEN 'non_article'
        WHEN a.article_id IS NULL THEN 'new'
        WHEN a.content_hash = b.content_hash THEN 'unchanged'
        WHEN b.fetched_at < a.last_changed_at THEN 'stale'
        ELSE 'updated'
    END AS action
FROM batch b
LEFT JOIN articles a USING (article_id)
"""

_INSERT_NEW = """
INSERT INTO articles (
    article_id, canonical_url, url, source, title, authors, published_at, modified_at, language,
    text, word_count, tags, description, content_hash, quality_flags, extractor_version,
    template_lines, fetched_at, first_seen_at, last_seen_at, last_changed_at, version, run_id)
SELECT
    article_id, canonical_url, url, source, title, authors, published_at, modified_at, language,
    text, word_count, tags, description, content_hash, quality_flags, extractor_version,
    template_lines, fetched_at, fetched_at, fetched_at, fetched_at, 1, ?
FROM load_batch WHERE action = 'new'
"""

_UPDATE_CHANGED = """
UPDATE articles SET
    canonical_url = b.canonical_url, url = b.url, source = b.source, title = b.title,
    authors = b.authors, published_at = b.published_at, modified_at = b.modified_at,
    language = b.language, text = b.text, word_count = b.word_count, tags = b.tags,
    description = b.description, content_hash = b.content_hash,
    quality_flags = b.quality_flags, extractor_version = b.extractor_version,
    template_lines = b.template_lines,
    fetched_at = b.fetched_at, last_seen_at = greatest(articles.last_seen_at, b.fetched_at),
    last_changed_at = b.fetched_at, version = articles.version + 1, run_id = ?
FROM load_batch b
WHERE articles.article_id = b.article_id AND b.action = 'updated'
"""

_TOUCH_SEEN = """
UPDATE articles SET last_seen_at = b.fetched_at
FROM load_batch b
WHERE articles.article_id = b.article_id
  AND b.action IN ('unchanged', 'stale')
  AND b.fetched_at > articles.last_seen_at
"""

# Same title and text, so no new version, but what a newer extractor reads around them (authors,
# dates, language, tags, flags) reaches the stored article: re-extraction improves old data. An
# older fetch never overwrites what a newer one stored. Rows with nothing new are not rewritten,
# so a nightly re-visit or an idempotent reload costs no writes.
_REFRESH_UNCHANGED = """
UPDATE articles SET
    authors = b.authors, published_at = b.published_at, modified_at = b.modified_at,
    language = b.language, tags = b.tags, description = b.description,
    quality_flags = b.quality_flags, extractor_version = b.extractor_version,
    template_lines = b.template_lines
FROM load_batch b
WHERE articles.article_id = b.article_id
  AND b.action = 'unchanged'
  AND b.fetched_at >= articles.fetched_at
  AND (articles.extractor_version IS DISTINCT FROM b.extractor_version
    OR articles.authors IS DISTINCT FROM b.authors
    OR articles.published_at IS DISTINCT FROM b.published_at
    OR articles.modified_at IS DISTINCT FROM b.modified_at
    OR articles.language IS DISTINCT FROM b.language
    OR articles.tags IS DISTINCT FROM b.tags
    OR articles.description IS DISTINCT FROM b.description
    OR articles.quality_flags IS DISTINCT FROM b.quality_flags
    OR articles.template_lines IS DISTINCT FROM b.template_lines)
"""

_INSERT_VERSIONS = """
INSERT INTO article_versions (
    article_id, version, fetched_at, title, text, content_hash, extractor_version, run_id,
    text_chars)
SELECT article_id, old_version + 1, fetched_at, title, text, content_hash, extractor_version, ?,
    length(text)
FROM load_batch WHERE action IN ('new', 'updated')
"""

# A batch written before `template_lines` existed (pending from an older version) has none.
_TEMPLATE_LINES = {True: "template_lines", False: "CAST([] AS VARCHAR[]) AS template_lines"}

_COUNTS = """
SELECT source, action, count(*) FROM load_batch GROUP BY ALL ORDER BY ALL
"""


def load_articles(
    db_path: str | Path,
    parquet_path: str | Path,
    run_id: str,
    *,
    lock_timeout_s: float = 60.0,
    on_wait: OnWait = None,
) -> LoadResult:
    """Upsert an article batch (Parquet of Article records); idempotent, keeps old versions."""
    parquet_path = Path(parquet_path)
    if not parquet_path.is_file():
        raise WarehouseError(f"article batch {parquet_path} does not exist")
    try:
        columns = check_batch_schema(parquet_path)
    except (ValueError, pa.ArrowInvalid) as exc:
        raise WarehouseError(str(exc)) from None
    result = LoadResult()
    with connect(db_path, lock_timeout_s=lock_timeout_s, on_wait=on_wait) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            total_row = con.execute(
                "SELECT count(*) FROM read_parquet(?)", [str(parquet_path)]
            ).fetchone()
            classify = _CLASSIFY.format(template_lines=_TEMPLATE_LINES["template_lines" in columns])
            con.execute(classify, [str(parquet_path)])
            con.execute(_INSERT_NEW, [run_id])
            con.execute(_UPDATE_CHANGED, [run_id])
            con.execute(_TOUCH_SEEN)
            con.execute(_REFRESH_UNCHANGED)
            con.execute(_INSERT_VERSIONS, [run_id])
            counts = con.execute(_COUNTS).fetchall()
            con.execute("DROP TABLE load_batch")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    kept = 0
    for source, action, n in counts:
        key = "non_articles" if action == "non_article" else action
        setattr(result.per_source.setdefault(source, SourceLoadCounts()), key, n)
        setattr(result, key, getattr(result, key) + n)
        kept += n
    result.duplicates = (int(total_row[0]) if total_row else 0) - kept
    return result


_FETCH_FIELDS: dict[str, pa.DataType] = {
    "source": pa.string(),
    "url": pa.string(),
    "kind": pa.string(),
    "status": pa.int32(),
    "content_type": pa.string(),
    "size": pa.int64(),
    "fetched_at": pa.timestamp("us"),
    "elapsed_ms": pa.float64(),
    "error": pa.string(),
    "error_kind": pa.string(),
    "warc_file": pa.string(),
    "warc_offset": pa.int64(),
    "warc_length": pa.int64(),
    "etag": pa.string(),
    "last_modified": pa.string(),
    "content_hash": pa.string(),
}


def load_batch(
    db_path: str | Path,
    parquet_path: str | Path,
    run_id: str,
    *,
    lock_timeout_s: float = 60.0,
    on_wait: OnWait = None,
) -> LoadResult:
    """Load an article batch, then the enrichment the extract stage wrote beside it."""
    result = load_articles(
        db_path, parquet_path, run_id, lock_timeout_s=lock_timeout_s, on_wait=on_wait
    )
    enrichment = enrichment_path(Path(parquet_path))
    if enrichment.exists():
        load_enrichment(db_path, enrichment, lock_timeout_s=lock_timeout_s)
    return result


def read_fetch_log(jsonl_path: str | Path, run_id: str) -> pa.Table:
    """Parse a JSONL fetch log into an Arrow table (fetched_at as naive UTC); bad lines raise."""
    path = Path(jsonl_path)
    columns: dict[str, list[Any]] = {name: [] for name in ("line_no", *_FETCH_FIELDS)}
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
                if row.get("run_id", run_id) != run_id:
                    raise ValueError(f"run_id {row.get('run_id')!r} is not {run_id!r}")
                if not row.get("url") or not row.get("fetched_at"):
                    raise ValueError("url and fetched_at are required")
                fetched_at = utc_naive(datetime.fromisoformat(row["fetched_at"]))
            except ValueError as exc:
                raise WarehouseError(f"{path}:{line_no}: bad fetch log line: {exc}") from None
            columns["line_no"].append(line_no)
            for name in _FETCH_FIELDS:
                columns[name].append(fetched_at if name == "fetched_at" else row.get(name))
    schema = pa.schema([("line_no", pa.int32()), *_FETCH_FIELDS.items()])
    try:
        return pa.table(columns, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise WarehouseError(f"{path}: a field has the wrong type: {exc}") from None


def load_fetches(
    db_path: str | Path,
    jsonl_path: str | Path,
    run_id: str,
    *,
    lock_timeout_s: float = 60.0,
    on_wait: OnWait = None,
) -> int:
    """Load a JSONL fetch log, replacing rows earlier loaded from the same run and log file.

    A log is named by its folder and file name (`<source>/fetches.jsonl`): every source of a run
    writes a file called fetches.jsonl, and one source's reload must not replace another's rows.
    """
    path = Path(jsonl_path)
    if not path.is_file():
        raise WarehouseError(f"fetch log {path} does not exist")
    log_name = f"{path.parent.name}/{path.name}"
    table = read_fetch_log(path, run_id)
    with connect(db_path, lock_timeout_s=lock_timeout_s, on_wait=on_wait) as con:
        con.register("fetch_log", table)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM fetches WHERE run_id = ? AND log_file = ?", [run_id, log_name])
            con.execute(
                """
                INSERT INTO fetches (
                    id, run_id, log_file, line_no, source, url, kind, status, content_type, size,
                    fetched_at, elapsed_ms, error, error_kind, warc_file, warc_offset,
                    warc_length, etag, last_modified, content_hash)
                SELECT
                    md5(concat_ws(chr(31), $run_id, $log_file, line_no::VARCHAR)),
                    $run_id, $log_file, line_no, source, url, kind, status, content_type, size,
                    fetched_at, elapsed_ms, error, error_kind, warc_file, warc_offset,
                    warc_length, etag, last_modified, content_hash
                FROM fetch_log
                """,
                {"run_id": run_id, "log_file": log_name},
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("fetch_log")
    return table.num_rows


def upsert_sources(
    db_path: str | Path, sources: Iterable[Mapping[str, Any]], *, lock_timeout_s: float = 60.0
) -> int:
    """Insert or update sources from `Source.to_dict()` dicts; updated_at moves only on change."""
    now = now_utc()
    rows = [
        {
            "name": s["name"],
            "homepage": s["homepage"],
            "country": s.get("country"),
            "language": s.get("language"),
            "config": json.dumps(dict(s), sort_keys=True, ensure_ascii=False),
        }
        for s in sources
    ]
    names = [r["name"] for r in rows]
    if len(set(names)) != len(names):
        raise WarehouseError(f"duplicate source names in upsert: {sorted(names)}")
    table = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [(k, pa.string()) for k in ("name", "homepage", "country", "language", "config")]
        ),
    )
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        con.register("incoming_sources", table)
        try:
            con.execute(
                """
                INSERT INTO sources AS s
                    (name, homepage, country, language, config, first_added_at, updated_at)
                SELECT name, homepage, country, language, config::JSON, $now, $now
                FROM incoming_sources
                ON CONFLICT (name) DO UPDATE SET
                    homepage = excluded.homepage, country = excluded.country,
                    language = excluded.language, config = excluded.config,
                    updated_at = excluded.updated_at
                WHERE s.config::VARCHAR IS DISTINCT FROM excluded.config::VARCHAR
                   OR s.homepage IS DISTINCT FROM excluded.homepage
                """,
                {"now": now},
            )
        finally:
            con.unregister("incoming_sources")
    return len(rows)


def start_run(
    db_path: str | Path,
    run_id: str,
    *,
    started_at: datetime | None = None,
    sources_file: str | None = None,
    sources_total: int | None = None,
    lock_timeout_s: float = 60.0,
) -> None:
    """Record a run as running (restarting a run id resets it to running)."""
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        con.execute(
            """
            INSERT INTO runs AS r (run_id, started_at, status, sources_file, sources_total)
            VALUES ($run_id, $started_at, 'running', $sources_file, $sources_total)
            ON CONFLICT (run_id) DO UPDATE SET
                started_at = excluded.started_at, status = 'running', finished_at = NULL,
                sources_file = excluded.sources_file, sources_total = excluded.sources_total,
                error = NULL
            """,
            {
                "run_id": run_id,
                "started_at": utc_naive(started_at) if started_at else now_utc(),
                "sources_file": sources_file,
                "sources_total": sources_total,
            },
        )


def record_run_source(
    db_path: str | Path,
    run_id: str,
    source: str,
    *,
    status: str,
    pages_fetched: int = 0,
    articles_new: int = 0,
    articles_updated: int = 0,
    articles_unchanged: int = 0,
    non_articles: int = 0,
    failures: int = 0,
    error: str | None = None,
    lock_timeout_s: float = 60.0,
) -> None:
    """Record (or replace) what a run did for one source."""
    if status not in RUN_SOURCE_STATUSES:
        raise ValueError(f"status must be one of {RUN_SOURCE_STATUSES} (got {status!r})")
    values = {
        "run_id": run_id,
        "source": source,
        "status": status,
        "pages_fetched": pages_fetched,
        "articles_new": articles_new,
        "articles_updated": articles_updated,
        "articles_unchanged": articles_unchanged,
        "non_articles": non_articles,
        "failures": failures,
        "error": error,
        "recorded_at": now_utc(),
    }
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        con.execute(
            """
            INSERT OR REPLACE INTO run_sources (
                run_id, source, status, pages_fetched, articles_new, articles_updated,
                articles_unchanged, non_articles, failures, error, recorded_at)
            VALUES ($run_id, $source, $status, $pages_fetched, $articles_new, $articles_updated,
                $articles_unchanged, $non_articles, $failures, $error, $recorded_at)
            """,
            values,
        )


def finish_run(
    db_path: str | Path,
    run_id: str,
    status: str,
    *,
    finished_at: datetime | None = None,
    error: str | None = None,
    lock_timeout_s: float = 60.0,
) -> dict[str, int]:
    """Close a run; its counts are the sums of its run_sources rows, returned as a dict."""
    if status not in RUN_STATUSES[1:]:
        raise ValueError(f"status must be 'completed' or 'failed' (got {status!r})")
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        row = con.execute(
            """
            UPDATE runs SET
                status = $status, finished_at = $finished_at, error = $error,
                pages_fetched = t.pages_fetched, articles_new = t.articles_new,
                articles_updated = t.articles_updated,
                articles_unchanged = t.articles_unchanged, non_articles = t.non_articles,
                failures = t.failures
            FROM (
                SELECT
                    coalesce(sum(pages_fetched), 0) AS pages_fetched,
                    coalesce(sum(articles_new), 0) AS articles_new,
                    coalesce(sum(articles_updated), 0) AS articles_updated,
                    coalesce(sum(articles_unchanged), 0) AS articles_unchanged,
                    coalesce(sum(non_articles), 0) AS non_articles,
                    coalesce(sum(failures), 0) AS failures
                FROM run_sources WHERE run_id = $run_id
            ) AS t
            WHERE runs.run_id = $run_id
            RETURNING runs.pages_fetched, runs.articles_new, runs.articles_updated,
                runs.articles_unchanged, runs.non_articles, runs.failures
            """,
            {
                "run_id": run_id,
                "status": status,
                "finished_at": utc_naive(finished_at) if finished_at else now_utc(),
                "error": error,
            },
        ).fetchone()
    if row is None:
        raise WarehouseError(f"run {run_id!r} was never started (call start_run first)")
    return dict(zip(RUN_COUNT_COLUMNS, (int(v) for v in row), strict=True))


def update_feed_state(
    db_path: str | Path, rows: Iterable[Mapping[str, Any]], *, lock_timeout_s: float = 60.0
) -> int:
    """Upsert feed/sitemap validators: dicts with url, source, etag, last_modified, content_hash,
    fetched_at, status. Older rows than the stored state are ignored; a 304 keeps the validators."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        fetched_at = row["fetched_at"]
        if isinstance(fetched_at, str):
            fetched_at = datetime.fromisoformat(fetched_at)
        item = {
            "url": row["url"],
            "source": row.get("source"),
            "etag": row.get("etag"),
            "last_modified": row.get("last_modified"),
            "content_hash": row.get("content_hash"),
            "fetched_at": utc_naive(fetched_at),
            "status": row.get("status"),
        }
        # Duplicate keys in one upsert are an error in DuckDB: keep the latest fetch per URL.
        if item["url"] not in latest or latest[item["url"]]["fetched_at"] <= item["fetched_at"]:
            latest[item["url"]] = item
    if not latest:
        return 0
    table = pa.Table.from_pylist(
        list(latest.values()),
        schema=pa.schema(
            [
                ("url", pa.string()),
                ("source", pa.string()),
                ("etag", pa.string()),
                ("last_modified", pa.string()),
                ("content_hash", pa.string()),
                ("fetched_at", pa.timestamp("us")),
                ("status", pa.int32()),
            ]
        ),
    )
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        con.register("incoming_feeds", table)
        try:
            con.execute(
                """
                INSERT INTO feed_state AS f (url, source, etag, last_modified, content_hash,
                    last_fetched_at, last_status, last_changed_at)
                SELECT url, source, etag, last_modified, content_hash, fetched_at, status,
                    CASE WHEN content_hash IS NOT NULL THEN fetched_at END
                FROM incoming_feeds
                ON CONFLICT (url) DO UPDATE SET
                    source = coalesce(excluded.source, f.source),
                    etag = CASE WHEN excluded.last_status = 304
                        THEN coalesce(excluded.etag, f.etag) ELSE excluded.etag END,
                    last_modified = CASE WHEN excluded.last_status = 304
                        THEN coalesce(excluded.last_modified, f.last_modified)
                        ELSE excluded.last_modified END,
                    content_hash = coalesce(excluded.content_hash, f.content_hash),
                    last_changed_at = CASE
                        WHEN excluded.content_hash IS NOT NULL
                         AND excluded.content_hash IS DISTINCT FROM f.content_hash
                        THEN excluded.last_fetched_at ELSE f.last_changed_at END,
                    last_fetched_at = excluded.last_fetched_at,
                    last_status = excluded.last_status
                WHERE f.last_fetched_at IS NULL OR excluded.last_fetched_at >= f.last_fetched_at
                """
            )
        except duckdb.Error as exc:
            raise WarehouseError(f"feed state update failed: {exc}") from exc
        finally:
            con.unregister("incoming_feeds")
    return len(latest)


def mark_interrupted_runs(
    db_path: str | Path, current_run: str, *, lock_timeout_s: float = 60.0
) -> list[str]:
    """Close runs still marked running (their process died); return their ids.

    Only call this while holding the data directory's run lock: then no other run is alive.
    """
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        rows = con.execute(
            """
            UPDATE runs SET status = 'failed', finished_at = $now,
                error = 'interrupted: the run stopped before finishing (killed or crashed);'
                    || ' its crawled batches were loaded by a later run'
            WHERE status = 'running' AND run_id <> $current
            RETURNING run_id
            """,
            {"now": now_utc(), "current": current_run},
        ).fetchall()
    return [run_id for (run_id,) in rows]
