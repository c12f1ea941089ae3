"""Query benchmark: every analysis view in warehouse/views/ over 1,000,000 synthetic articles.

    .venv/bin/python benchmarks/bench_queries.py [--articles 1000000] [--db /tmp/geowire-q.duckdb]

The database is created by `warehouse.db.connect` (real migrations and views), then filled by
DuckDB SQL generating rows directly: 40 sources, a year of nightly runs (run_sources), articles
over that year with ~10% second versions, ~1.3 fetches per article, enrichment (countries with a
skewed distribution, quotes, wire credits) and syndication clusters. Each view is timed with
`SELECT * FROM view` fetched in full into Arrow; the row-level views (staging, history) with a
typical aggregate, since nobody reads a million rows of text at once. Target: each under 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from warehouse.db import VIEWS_DIR, connect

COUNTRIES = [
    "US",
    "CN",
    "RU",
    "UA",
    "IL",
    "PS",
    "IR",
    "IN",
    "PK",
    "GB",
    "FR",
    "DE",
    "JP",
    "KR",
    "KP",
    "TW",
    "SY",
    "IQ",
    "AF",
    "TR",
    "SA",
    "EG",
    "NG",
    "ZA",
    "KE",
    "ET",
    "SD",
    "BR",
    "MX",
    "VE",
    "CO",
    "AR",
    "CL",
    "CA",
    "AU",
    "ID",
    "PH",
    "VN",
    "TH",
    "MM",
    "BD",
    "LK",
    "NP",
    "PL",
    "HU",
    "RS",
    "XK",
    "GE",
    "AM",
    "AZ",
    "BY",
    "KZ",
    "UZ",
    "LB",
    "JO",
    "YE",
    "QA",
    "AE",
    "ML",
    "NE",
]

# Named parameters: $n (articles) and $countries (the list above, 1-based in SQL).
GENERATE = [
    # 40 sources across the first 40 countries
    """
    INSERT INTO sources
    SELECT 'outlet-' || lpad(i::VARCHAR, 2, '0'), 'https://outlet-' || i || '.example/',
           $countries[(i % 40) + 1], 'en', '{}'::JSON, TIMESTAMP '2025-01-01', TIMESTAMP '2025-01-01'
    FROM range(40) t(i)
    """,
    # one nightly run a day for a year
    """
    INSERT INTO runs
    SELECT 'run-' || lpad(d::VARCHAR, 3, '0'), TIMESTAMP '2025-06-01 02:00' + d * INTERVAL 1 DAY,
           TIMESTAMP '2025-06-01 02:20' + d * INTERVAL 1 DAY, 'completed', 'sources.toml', 40,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM range(365) t(d)
    """,
    """
    INSERT INTO run_sources
    SELECT 'run-' || lpad(d::VARCHAR, 3, '0'), 'outlet-' || lpad(s::VARCHAR, 2, '0'),
           CASE WHEN hash(d, s) % 50 = 0 THEN 'failed' WHEN hash(d, s) % 11 = 0 THEN 'partial'
                ELSE 'completed' END,
           80, 70, 5, 5, 0, (hash(d, s) % 3)::BIGINT, NULL,
           TIMESTAMP '2025-06-01 02:10' + d * INTERVAL 1 DAY
    FROM range(365) t(d), range(40) u(s)
    """,
    # articles: published over the year, sources skewed, ~1.5 KB of text
    """
    INSERT INTO articles
    SELECT
        md5(i::VARCHAR) AS article_id,
        'https://outlet-' || (i % 40) || '.example/world/story-' || i AS canonical_url,
        'https://outlet-' || (i % 40) || '.example/world/story-' || i AS url,
        'outlet-' || lpad((i % 40)::VARCHAR, 2, '0') AS source,
        'Story ' || i || ': talks resume as ministers meet over ' || $countries[(i % 60) + 1],
        ['Staff Reporter'],
        TIMESTAMP '2025-06-01' + (i * 31536 // $n) * INTERVAL 1000 SECOND AS published_at,
        NULL,
        'en',
        repeat('Officials said the talks would resume next week after a ceasefire. ', 8)
            || md5(i::VARCHAR) || ' ' || repeat(md5((i + 1)::VARCHAR) || ' ', 12),
        420,
        ['world', 'politics'],
        NULL,
        md5('c' || i::VARCHAR),
        [],
        '2026.11.2',
        TIMESTAMP '2025-06-01 03:00' + (i * 31536 // $n) * INTERVAL 1000 SECOND AS fetched_at,
        TIMESTAMP '2025-06-01 03:00' + (i * 31536 // $n) * INTERVAL 1000 SECOND,
        TIMESTAMP '2025-06-01 03:00' + (i * 31536 // $n) * INTERVAL 1000 SECOND,
        TIMESTAMP '2025-06-01 03:00' + (i * 31536 // $n) * INTERVAL 1000 SECOND,
        CASE WHEN i % 10 = 0 THEN 2 ELSE 1 END,
        'run-' || lpad((i * 365 // $n)::VARCHAR, 3, '0')
    FROM range($n) t(i)
    """,
    """
    INSERT INTO article_versions
    SELECT article_id, v, fetched_at, title || CASE WHEN v = 2 THEN ' (updated)' ELSE '' END,
           text, CASE WHEN v = version THEN content_hash ELSE md5(content_hash) END,
           extractor_version, run_id, length(text)
    FROM articles, range(1, 3) t(v)
    WHERE v <= version
    """,
    # fetches: every article once, plus feeds/sitemaps nightly and a few errors
    """
    INSERT INTO fetches
    SELECT md5('f' || i::VARCHAR), run_id, 'fetches.jsonl', i::INTEGER, source, url, 'article',
           CASE WHEN i % 97 = 0 THEN 503 ELSE 200 END, 'text/html', 20000, fetched_at, 120.0,
           CASE WHEN i % 97 = 0 THEN 'HTTP 503' END, CASE WHEN i % 97 = 0 THEN 'http_503' END,
           'warc/' || run_id || '.warc.gz', i * 9000, 9000, NULL, NULL, NULL
    FROM (SELECT row_number() OVER () AS i, * FROM articles)
    """,
    """
    INSERT INTO fetches
    SELECT md5('d' || d || '-' || s || '-' || k), 'run-' || lpad(d::VARCHAR, 3, '0'),
           'fetches.jsonl', (100000 + k)::INTEGER, 'outlet-' || lpad(s::VARCHAR, 2, '0'),
           'https://outlet-' || s || '.example/feed-' || k, CASE WHEN k < 5 THEN 'feed' ELSE 'sitemap' END,
           CASE WHEN hash(d, s, k) % 40 = 0 THEN NULL ELSE 200 END, 'application/xml', 50000,
           TIMESTAMP '2025-06-01 02:01' + d * INTERVAL 1 DAY, 80.0,
           CASE WHEN hash(d, s, k) % 40 = 0 THEN 'timed out' END,
           CASE WHEN hash(d, s, k) % 40 = 0 THEN 'timeout' END, NULL, NULL, NULL, NULL, NULL, NULL
    FROM range(365) a(d), range(40) b(s), range(20) c(k)
    """,
    """
    INSERT INTO article_enrichment
    SELECT article_id, content_hash, NULL, NULL,
           CASE WHEN hash(article_id) % 5 = 0 THEN ['Reuters'] WHEN hash(article_id) % 7 = 0
                THEN ['AFP', 'AP'] ELSE [] END
    FROM articles
    """,
    # 1-4 countries per article, skewed towards the first codes of the list (power law)
    """
    INSERT INTO article_countries
    SELECT article_id, alpha2, alpha2 || 'X', max(m), min(o)
    FROM (
        SELECT a.article_id,
               $countries[1 + floor(60 * pow((hash(a.article_id, k) % 10000) / 10000.0, 3))::INT]
                   AS alpha2,
               1 + (hash(a.article_id, k) % 4)::INT AS m, (k * 200)::INT AS o
        FROM articles a, range(4) t(k)
        WHERE k < 1 + hash(a.article_id) % 4
    )
    GROUP BY ALL
    """,
    """
    INSERT INTO article_quotes
    SELECT article_id, k::INTEGER,
           CASE WHEN hash(article_id, k) % 4 = 0 THEN NULL
                ELSE 'Speaker ' || (hash(article_id, k) % 5000) END,
           'We will not accept this.', (k * 300)::INTEGER
    FROM articles, range(3) t(k)
    WHERE k < hash(article_id) % 3
    """,
    # a fifth of the articles in clusters of 2-9 copies
    """
    INSERT INTO syndication
    SELECT article_id, md5((i - i % 10)::VARCHAR), i % 10 = 0, 2 + (hash(i - i % 10) % 8)::INT
    FROM (SELECT row_number() OVER () - 1 AS i, article_id FROM articles)
    WHERE i % 5 = 0 OR i % 10 < 2
    """,
]

# Row-level views are timed with the aggregate someone would run; marts with SELECT *.
AGGREGATES = {
    "stg_articles": "SELECT country, day, count(*), avg(word_count) FROM stg_articles GROUP BY ALL",
    "stg_fetches": "SELECT source, outcome, day, count(*) FROM stg_fetches GROUP BY ALL",
    "article_history": (
        "SELECT source, count(*) AS versions, sum(title_changed::INT), avg(text_chars)"
        " FROM article_history GROUP BY source"
    ),
}


# What the heavy views are mostly read for: one article's history, one country's pairs.
LOOKUPS = {
    # the id is a parameter (as an application passes it), so the filter reaches the window
    "article_history, one article": "SELECT * FROM article_history WHERE article_id = $id",
    "country_comentions, one country": (
        "SELECT * FROM country_comentions WHERE 'UA' IN (country_a, country_b)"
    ),
    "independent_reports, one country": (
        "SELECT * FROM independent_reports_by_country_day WHERE country = 'UA'"
    ),
}


def view_names() -> list[str]:
    """The views defined by warehouse/views/*.sql, in file order."""
    names = []
    for file in sorted(VIEWS_DIR.glob("*.sql")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.upper().startswith("CREATE OR REPLACE VIEW"):
                names.append(line.split()[4])
    return names


def build(db: Path, articles: int) -> None:
    """Create the warehouse with the project's schema and fill it with synthetic rows."""
    with connect(db) as con:
        for sql in GENERATE:
            params = {
                k: v for k, v in (("n", articles), ("countries", COUNTRIES)) if f"${k}" in sql
            }
            con.execute(sql, params)
        con.execute("CHECKPOINT")


def time_query(
    con: duckdb.DuckDBPyConnection, sql: str, runs: int, params: dict[str, Any] | None = None
) -> tuple[float, float, int]:
    """First and best wall seconds of `runs` executions fetched into Arrow, and the row count."""
    times = []
    rows = 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = con.execute(sql, params).fetch_arrow_table().num_rows
        times.append(time.perf_counter() - start)
    return times[0], min(times), rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="executions per query")
    parser.add_argument("--db", type=Path, default=None, help="database file (kept if given)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="geowire-queries-")) if args.db is None else None
    db = args.db or work / "queries.duckdb"  # type: ignore[operator]
    try:
        if db.exists():
            print(f"reusing {db}")
        else:
            start = time.perf_counter()
            build(db, args.articles)
            print(
                f"built {db} in {time.perf_counter() - start:.1f} s"
                f" ({db.stat().st_size / 1e9:.2f} GB)"
            )
        with connect(db, read_only=True) as con:
            counts = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                for t in (
                    "articles", "article_versions", "fetches", "run_sources",
                    "article_countries", "article_quotes", "syndication",
                )
            }  # fmt: skip
            print(", ".join(f"{t}: {n:,}" for t, n in counts.items()))
            print(f"DuckDB {duckdb.__version__}, threads: {os.cpu_count()}; target: each < 1 s")
            print(f"{'view':<38}{'query':<10}{'rows':>10}{'first s':>9}{'best s':>8}  target")
            slow = []
            for name in view_names():
                sql = AGGREGATES.get(name, f"SELECT * FROM {name}")
                first, best, rows = time_query(con, sql, args.runs)
                ok = best < 1.0
                slow += [] if ok else [name]
                kind = "aggregate" if name in AGGREGATES else "SELECT *"
                print(
                    f"{name:<38}{kind:<10}{rows:>10,}{first:9.3f}{best:8.3f}"
                    f"  {'met' if ok else 'NOT met'}"
                )
            print(f"views over 1 s: {', '.join(slow) or 'none'}")
            row = con.execute("SELECT min(article_id) FROM articles WHERE version = 2").fetchone()
            for label, sql in LOOKUPS.items():
                params = {"id": row[0] if row else ""} if "$id" in sql else None
                first, best, rows = time_query(con, sql, args.runs, params)
                print(f"{label:<38}{'lookup':<10}{rows:>10,}{first:9.3f}{best:8.3f}")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
