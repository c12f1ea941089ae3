"""Benchmark the warehouse load: 100k synthetic articles into an existing, indexed database.

Run: .venv/bin/python benchmarks/bench_load.py [--articles 100000] [--dir /tmp/geowire-bench]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawlers.extract.article import Article
from warehouse.batch import write_article_batch
from warehouse.checks import run_checks
from warehouse.load import load_articles, upsert_sources
from warehouse.search import refresh_search_index, search

SOURCES = [f"outlet-{i:02d}" for i in range(20)]
T0 = datetime(2026, 3, 1, tzinfo=UTC)


COMMON_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "was",
    "with",
    "he",
    "it",
    "as",
    "at",
    "by",
    "said",
    "from",
    "his",
    "an",
    "be",
    "has",
    "have",
    "are",
    "not",
    "but",
    "which",
    "they",
    "were",
    "this",
    "who",
    "had",
    "been",
    "after",
    "their",
    "also",
    "its",
    "will",
    "would",
    "more",
    "than",
    "one",
    "new",
    "two",
    "first",
    "last",
    "year",
    "years",
    "government",
    "president",
    "minister",
    "officials",
    "people",
    "country",
    "state",
    "military",
    "forces",
    "war",
    "talks",
    "peace",
    "ceasefire",
    "sanctions",
    "election",
    "border",
    "security",
    "council",
    "united",
    "nations",
    "foreign",
    "policy",
    "troops",
    "attack",
    "city",
    "region",
    "talks",
    "agreement",
    "trade",
    "economy",
    "support",
    "leaders",
    "week",
    "month",
    "told",
    "reporters",
    "statement",
    "spokesperson",
    "according",
    "report",
    "week",
    "could",
    "should",
    "may",
    "against",
    "between",
    "over",
    "into",
    "about",
    "during",
    "under",
    "since",
    "while",
    "where",
    "when",
]


def _paragraphs(rng: random.Random, count: int = 500) -> list[str]:
    # Zipf-like English word frequencies plus rarer names, so strings compress like real news.
    names = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9))).title()
        for _ in range(3000)
    ]
    vocabulary = COMMON_WORDS + names
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return [
        " ".join(rng.choices(vocabulary, weights, k=rng.randint(40, 120))) + "."
        for _ in range(count)
    ]


def synthetic_articles(n: int, start: int = 0, seed: int = 7) -> Iterator[Article]:
    """`n` articles with ~2.5 KB bodies, spread over 20 sources and 30 days."""
    rng = random.Random(seed + start)
    paragraphs = _paragraphs(rng)
    for i in range(start, start + n):
        url = f"https://{SOURCES[i % len(SOURCES)]}.example/world/2026/story-{i}"
        text = f"Story {i}.\n\n" + "\n\n".join(rng.sample(paragraphs, 5))
        fetched = T0 + timedelta(minutes=i % (30 * 24 * 60))
        yield Article(
            url=url,
            canonical_url=url,
            article_id=hashlib.blake2b(url.encode(), digest_size=16).hexdigest(),
            source=SOURCES[i % len(SOURCES)],
            title=f"Story {i}: {paragraphs[i % len(paragraphs)][:60]}",
            authors=["Staff"],
            published_at=fetched - timedelta(hours=1),
            modified_at=None,
            language="en",
            text=text,
            word_count=len(text.split()),
            tags=["world"],
            description=None,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            fetched_at=fetched,
            is_article=True,
            quality_flags=[],
            extractor_version="bench",
        )


def timed(label: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {elapsed:7.2f} s")
    return result, elapsed


def main() -> None:
    """Build a database with existing articles and an FTS index, then time loads into it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="geowire-bench-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "bench.duckdb"
    n = args.articles
    try:
        upsert_sources(db, [{"name": s, "homepage": f"https://{s}.example/"} for s in SOURCES])
        existing = work / "existing.parquet"
        batch = work / "batch.parquet"
        changed = work / "changed.parquet"
        timed(
            f"write {args.existing:,} existing articles (Parquet)",
            write_article_batch,
            synthetic_articles(args.existing, start=10_000_000),
            existing,
        )
        timed(f"load {args.existing:,} existing articles", load_articles, db, existing, "run-0")
        timed("build FTS index on existing articles", refresh_search_index, db)
        timed(
            f"write batch of {n:,} new articles (Parquet)",
            write_article_batch,
            synthetic_articles(n),
            batch,
        )
        result, first = timed(f"load {n:,} new articles", load_articles, db, batch, "run-1")
        assert result.new == n, result
        result, again = timed(
            f"reload the same {n:,} (idempotent)", load_articles, db, batch, "run-2"
        )
        assert result.unchanged == n and result.new == result.updated == 0, result

        def edited() -> Iterator[Article]:
            for i, article in enumerate(synthetic_articles(n)):
                if i % 10 == 0:
                    text = article.text + " Updated."
                    article = replace(
                        article,
                        text=text,
                        fetched_at=article.fetched_at + timedelta(days=1),
                        content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    )
                yield article

        write_article_batch(edited(), changed)
        result, upd = timed(
            f"load {n:,} with 10% changed (new versions)", load_articles, db, changed, "run-3"
        )
        assert result.updated == n // 10, result
        timed(f"rebuild FTS index ({args.existing + n:,} articles)", refresh_search_index, db)
        hits, _ = timed(
            "search 'ceasefire sanctions' (top 10)", search, db, "ceasefire sanctions", 10
        )
        failures, _ = timed("run_checks", run_checks, db)
        print()
        print(
            f"new articles:        {first / n * 100_000:6.2f} s per 100k ({n / first:,.0f} rows/s)"
        )
        print(f"idempotent reload:   {again / n * 100_000:6.2f} s per 100k")
        print(f"10% changed:         {upd / n * 100_000:6.2f} s per 100k")
        print(f"search hits: {len(hits)}; check failures: {[f.name for f in failures]}")
        print(f"database size: {db.stat().st_size / 1e6:,.0f} MB ({work})")
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
