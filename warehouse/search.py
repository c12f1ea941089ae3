"""Full-text search (BM25) over article titles and bodies with DuckDB's fts extension, offline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.db import WarehouseError, as_utc, connect, load_fts, now_utc


@dataclass(frozen=True)
class SearchHit:
    """One ranked search result (published_at timezone-aware UTC)."""

    article_id: str
    score: float
    title: str | None
    url: str
    source: str
    published_at: datetime | None


_FINGERPRINT = (
    "SELECT concat_ws(':', count(*), coalesce(sum(version), 0), max(last_changed_at)), count(*)"
    " FROM articles"
)


def refresh_search_index(
    db_path: str | Path, *, force: bool = False, lock_timeout_s: float = 60.0
) -> bool:
    """Rebuild the BM25 index on articles(title, text) if articles changed since the last build.

    The fts index is a snapshot, so call this after loads; returns True when it was rebuilt.
    """
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        fingerprint, count = con.execute(_FINGERPRINT).fetchone() or ("", 0)
        built = con.execute("SELECT fingerprint FROM search_index_state WHERE id = 1").fetchone()
        has_index = con.execute(
            "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_articles'"
        ).fetchone()
        if not force and built and built[0] == fingerprint and has_index and has_index[0]:
            return False
        load_fts(con)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "PRAGMA create_fts_index('articles', 'article_id', 'title', 'text',"
                " stemmer = 'porter', stopwords = 'english', strip_accents = 1, overwrite = 1)"
            )
            con.execute(
                "INSERT OR REPLACE INTO search_index_state (id, fingerprint, articles, built_at)"
                " VALUES (1, ?, ?, ?)",
                [fingerprint, count, now_utc()],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return True


def search(
    db_path: str | Path,
    query: str,
    limit: int = 20,
    *,
    source: str | None = None,
    lock_timeout_s: float = 60.0,
) -> list[SearchHit]:
    """Articles matching `query`, best BM25 score first (optionally one source)."""
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        load_fts(con)
        try:
            rows = con.execute(
                """
                SELECT article_id, score, title, url, source, published_at
                FROM (
                    SELECT a.*, fts_main_articles.match_bm25(a.article_id, $query) AS score
                    FROM articles a
                    WHERE $source IS NULL OR a.source = $source
                )
                WHERE score IS NOT NULL
                ORDER BY score DESC, article_id
                LIMIT $limit
                """,
                {"query": query, "source": source, "limit": limit},
            ).fetchall()
        except duckdb.CatalogException as exc:
            raise WarehouseError(
                f"no search index in {db_path}; run refresh_search_index first ({exc})"
            ) from None
    return [
        SearchHit(article_id, float(score), title, url, src, as_utc(published))
        for article_id, score, title, url, src, published in rows
    ]
