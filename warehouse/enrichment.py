"""Enrichment batches (countries, dateline, wire credits, quotes) and syndication clusters.

The extract stage writes an enrichment Parquet file beside each article batch; the load puts it
in the `article_*` tables for the articles whose current content it was computed from. Syndication
clusters are recomputed over a recent window after each load from stored MinHash signatures.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawlers.enrich import Enrichment
from warehouse.db import connect, now_utc

_COUNTRY = pa.struct(
    [
        ("alpha2", pa.string()),
        ("alpha3", pa.string()),
        ("mentions", pa.int32()),
        ("first_offset", pa.int32()),
    ]
)
_QUOTE = pa.struct([("speaker", pa.string()), ("quote", pa.string()), ("start_offset", pa.int32())])
ENRICHMENT_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("dateline_place", pa.string()),
        ("dateline_country", pa.string()),
        ("wire_credits", pa.list_(pa.string())),
        ("countries", pa.list_(_COUNTRY)),
        ("quotes", pa.list_(_QUOTE)),
    ]
)


def enrichment_record(article_id: str, content_hash: str, enrichment: Enrichment) -> dict[str, Any]:
    """One Parquet row for an article's enrichment."""
    dateline = enrichment.dateline
    return {
        "article_id": article_id,
        "content_hash": content_hash,
        "dateline_place": dateline.place if dateline else None,
        "dateline_country": dateline.alpha2 if dateline else None,
        "wire_credits": list(enrichment.wire_credits),
        "countries": [
            {
                "alpha2": c.alpha2,
                "alpha3": c.alpha3,
                "mentions": c.count,
                "first_offset": c.first_offset,
            }
            for c in enrichment.countries
        ],
        "quotes": [
            {"speaker": q.speaker, "quote": q.text, "start_offset": q.start_offset}
            for q in enrichment.quotes
        ],
    }


def enrichment_path(batch_path: Path) -> Path:
    """The enrichment file written beside an article batch."""
    return batch_path.with_name(batch_path.name.removesuffix(".parquet") + ".enrichment.parquet")


def write_enrichment_batch(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write enrichment rows to Parquet atomically; return the row count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(list(records), schema=ENRICHMENT_SCHEMA)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return table.num_rows


_ENRICHMENT_STATEMENTS = (
    # Only rows computed from an article's current content; older ones would be stale.
    """
    CREATE OR REPLACE TEMP TABLE enrichment_batch AS
    SELECT e.* FROM read_parquet(?) e
    JOIN articles a ON a.article_id = e.article_id AND a.content_hash = e.content_hash
    QUALIFY row_number() OVER (PARTITION BY e.article_id) = 1
    """,
    "DELETE FROM article_enrichment WHERE article_id IN (SELECT article_id FROM enrichment_batch)",
    "DELETE FROM article_countries WHERE article_id IN (SELECT article_id FROM enrichment_batch)",
    "DELETE FROM article_quotes WHERE article_id IN (SELECT article_id FROM enrichment_batch)",
    """
    INSERT INTO article_enrichment
    SELECT article_id, content_hash, dateline_place, dateline_country, wire_credits
    FROM enrichment_batch
    """,
    """
    INSERT INTO article_countries
    SELECT article_id, c.alpha2, c.alpha3, c.mentions, c.first_offset
    FROM (SELECT article_id, unnest(countries) AS c FROM enrichment_batch)
    """,
    """
    INSERT INTO article_quotes
    SELECT article_id, n::INTEGER, q.speaker, q.quote, q.start_offset
    FROM (
        SELECT article_id, unnest(quotes) AS q, generate_subscripts(quotes, 1) AS n
        FROM enrichment_batch
    )
    """,
)


def load_enrichment(
    db_path: str | Path, parquet_path: str | Path, *, lock_timeout_s: float = 60.0
) -> int:
    """Replace the enrichment of the batch's articles (idempotent); return articles enriched."""
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_ENRICHMENT_STATEMENTS[0], [str(parquet_path)])
            for statement in _ENRICHMENT_STATEMENTS[1:]:
                con.execute(statement)
            count = con.execute("SELECT count(*) FROM enrichment_batch").fetchone()
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return int(count[0]) if count else 0


# Estimated Jaccard similarity of word 5-gram sets above which two articles are one story.
# Unrelated articles share almost no 5-grams; an outlet's rewrite of agency copy (new intro,
# trimmed ending, its own headline) typically keeps 0.5-0.8 of them.
SYNDICATION_THRESHOLD = 0.6


@dataclass(frozen=True)
class SyndicationResult:
    """How many articles were signed and clustered."""

    signed: int
    clustered: int
    clusters_with_copies: int


def refresh_syndication(
    db_path: str | Path,
    *,
    window_days: int = 30,
    threshold: float = SYNDICATION_THRESHOLD,
    now: datetime | None = None,
    lock_timeout_s: float = 60.0,
) -> SyndicationResult:
    """Sign new article versions, then recluster the window's articles (copies across outlets)."""
    from crawlers.enrich.neardup import cluster_signatures, minhash_signature

    since = (now or now_utc()) - timedelta(days=window_days)
    with connect(db_path, lock_timeout_s=lock_timeout_s) as con:
        unsigned = con.execute(
            """
            SELECT a.article_id, a.content_hash, a.text FROM articles a
            LEFT JOIN article_signatures s USING (article_id)
            WHERE coalesce(a.published_at, a.first_seen_at) >= ?
              AND (s.article_id IS NULL OR s.content_hash <> a.content_hash)
            """,
            [since],
        ).fetchall()
        signed = [
            {
                "article_id": aid,
                "content_hash": chash,
                "signature": minhash_signature(text).hashvalues.tolist(),
            }
            for aid, chash, text in unsigned
        ]
        if signed:
            con.register(
                "signed",
                pa.Table.from_pylist(
                    signed,
                    schema=pa.schema(
                        [
                            ("article_id", pa.string()),
                            ("content_hash", pa.string()),
                            ("signature", pa.list_(pa.uint64())),
                        ]
                    ),
                ),
            )
            con.execute(
                """
                INSERT INTO article_signatures SELECT * FROM signed
                ON CONFLICT (article_id) DO UPDATE SET
                    content_hash = excluded.content_hash, signature = excluded.signature
                """
            )
            con.unregister("signed")
        rows = con.execute(
            """
            SELECT s.article_id, s.signature, coalesce(a.published_at, a.first_seen_at)
            FROM article_signatures s JOIN articles a USING (article_id)
            WHERE coalesce(a.published_at, a.first_seen_at) >= ?
            """,
            [since],
        ).fetchall()
        clusters = cluster_signatures(rows, threshold=threshold)
        sizes: dict[str, int] = {}
        for cluster_id, _ in clusters.values():
            sizes[cluster_id] = sizes.get(cluster_id, 0) + 1
        table = pa.Table.from_pylist(
            [
                {
                    "article_id": aid,
                    "cluster_id": cid,
                    "is_original": original,
                    "cluster_size": sizes[cid],
                }
                for aid, (cid, original) in clusters.items()
            ],
            schema=pa.schema(
                [
                    ("article_id", pa.string()),
                    ("cluster_id", pa.string()),
                    ("is_original", pa.bool_()),
                    ("cluster_size", pa.int32()),
                ]
            ),
        )
        con.register("clusters", table)
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM syndication WHERE article_id IN (SELECT article_id FROM clusters)")
        con.execute("INSERT INTO syndication SELECT * FROM clusters")
        con.execute("COMMIT")
        con.unregister("clusters")
    return SyndicationResult(
        signed=len(signed),
        clustered=len(clusters),
        clusters_with_copies=sum(1 for size in sizes.values() if size > 1),
    )
