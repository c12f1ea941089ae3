"""The extract stage: archived article pages (fetch log + WARC) in, an article batch (Parquet) out.

Reads only files the crawl left behind, so it can run again after a crash or to re-extract old
pages with a better cleaner. Pages are cleaned in a process pool when there are enough of them.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawlers.discovery import is_html, parse_date
from crawlers.enrich import enrich
from crawlers.extract import extract_article
from crawlers.extract.article import Article, PageHints
from crawlers.extract.template import learn_template_lines, strip_template
from crawlers.recorder import read_fetch_log
from crawlers.sources import Source
from crawlers.urls import canonical_url
from crawlers.warc import ArchiveError, read_response
from warehouse.batch import write_article_batch
from warehouse.enrichment import enrichment_path, enrichment_record, write_enrichment_batch

# Below this many pages a process pool costs more to start than it saves.
MIN_PAGES_FOR_POOL = 64


@dataclass(frozen=True)
class PageRef:
    """Where an archived article page is, and what discovery said about it."""

    url: str
    warc_file: str
    warc_offset: int
    warc_length: int
    hints: dict[str, Any] | None = None


@dataclass
class ExtractResult:
    """Counts from one extract stage."""

    pages: int = 0
    articles: int = 0
    non_articles: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    batch_path: str = ""


def announcements(path: Path) -> dict[str, dict[str, Any]]:
    """Canonical URL -> merged feed/sitemap hints (the first non-empty value of each field wins)."""
    merged: dict[str, dict[str, Any]] = {}
    for row in read_fetch_log(path):
        hints = merged.setdefault(row["url"], {"discovered_via": row.get("via")})
        for key in ("title", "published_at", "authors"):
            if row.get(key) and not hints.get(key):
                hints[key] = row[key]
    return merged


def article_pages(fetch_log: Path) -> list[PageRef]:
    """The archived HTML article responses (status 200) listed in a fetch log, last fetch wins.

    Each page carries the hints its feed or sitemap entries gave (`announced.jsonl` beside the log).
    """
    announced = announcements(fetch_log.with_name("announced.jsonl"))
    pages: dict[str, PageRef] = {}
    refused: set[str] = set()
    for row in read_fetch_log(fetch_log):
        if row.get("error_kind") == "too_large":
            # archived compressed (a gzip bomb), refused once decompressed: nothing to clean
            refused.add(row["url"])
        if row.get("kind") != "article" or row.get("status") != 200 or not row.get("warc_file"):
            continue
        if not is_html(row.get("content_type")):
            continue
        pages[row["url"]] = PageRef(
            url=row["url"],
            warc_file=row["warc_file"],
            warc_offset=int(row["warc_offset"]),
            warc_length=int(row["warc_length"]),
            hints={
                **(row.get("hints") or {}),
                **announced.get(canonical_url(row["url"]), {}),
            },
        )
    return [page for url, page in pages.items() if url not in refused]


def _hints(data: dict[str, Any] | None) -> PageHints | None:
    if not data:
        return None
    return PageHints(
        title=data.get("title"),
        published_at=parse_date(data.get("published_at")),
        authors=tuple(data.get("authors") or ()),
        discovered_via=data.get("discovered_via"),
    )


def extract_page(page: PageRef, source: Source, max_bytes: int) -> Article | str:
    """Clean one archived page; a string names why it could not be read."""
    try:
        response = read_response(
            Path(page.warc_file), page.warc_offset, page.warc_length, max_bytes
        )
    except ArchiveError as exc:
        return f"archive: {exc}"
    return extract_article(
        page.url,
        response.body,
        response.fetched_at or datetime.now(UTC),
        source,
        _hints(page.hints),
    )


def _extract_chunk(args: tuple[list[PageRef], Source, int]) -> list[Article | str]:
    pages, source, max_bytes = args
    return [extract_page(page, source, max_bytes) for page in pages]


def _warm() -> None:
    # Pays the worker's imports (trafilatura, lxml, py3langid's model) before the first batch.
    extract_article(
        "http://warm.invalid/",
        b"<html><body><p>warm</p></body></html>",
        datetime.now(UTC),
        _WARM_SOURCE,
    )


_WARM_SOURCE = Source(name="warm", homepage="http://warm.invalid/", country="US", language="en")


def extract_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of cleaning processes to keep for a whole run; its workers start warming at once.

    Starting a pool per batch costs each worker seconds of imports; a run-wide pool pays them once,
    while the crawls are still running.
    """
    # spawn, not fork: the caller may be a threaded Prefect worker.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm)
    for _ in range(workers):
        pool.submit(int)  # starts every worker now, so the initializer runs in the background
    return pool


def iter_extracted(
    pages: list[PageRef],
    source: Source,
    max_bytes: int,
    workers: int = 1,
    executor: Executor | None = None,
) -> Iterator[Article | str]:
    """Clean pages in order: in `executor` if given, else in `workers` processes for big batches."""
    if executor is None and (workers <= 1 or len(pages) < MIN_PAGES_FOR_POOL):
        for page in pages:
            yield extract_page(page, source, max_bytes)
        return
    chunk = 8  # small chunks keep both workers busy to the end of the batch
    chunks = [(pages[i : i + chunk], source, max_bytes) for i in range(0, len(pages), chunk)]
    if executor is not None:
        for results in executor.map(_extract_chunk, chunks):
            yield from results
        return
    with extract_pool(workers) as pool:
        for results in pool.map(_extract_chunk, chunks):
            yield from results


def _enrich_chunk(articles: list[Article]) -> list[dict[str, Any]]:
    return [
        enrichment_record(a.article_id, a.content_hash, enrich(a.text, a.title, a.authors))
        for a in articles
    ]


def extract_batch(
    pages: Iterable[PageRef],
    source: Source,
    out_path: Path,
    max_bytes: int,
    workers: int = 1,
    known_texts: Mapping[str, str] | None = None,
    executor: Executor | None = None,
) -> ExtractResult:
    """Clean, de-template and enrich `pages`; write the article and enrichment batches.

    `known_texts` (article_id -> text) are recent stored articles of the source: with the batch
    they show which lines the outlet repeats under every story (template text, removed).
    """
    page_list = list(pages)
    result = ExtractResult(pages=len(page_list), batch_path=str(out_path))
    articles: list[Article] = []
    for outcome in iter_extracted(page_list, source, max_bytes, workers, executor):
        if isinstance(outcome, str):
            kind = outcome.split(":", 1)[0]
            result.errors[kind] = result.errors.get(kind, 0) + 1
        else:
            articles.append(outcome)
    batch_texts = {a.article_id: a.text for a in articles if a.is_article}
    stored = {k: v for k, v in (known_texts or {}).items() if k not in batch_texts}
    template = learn_template_lines([*stored.values(), *batch_texts.values()])
    articles = [strip_template(a, template) for a in articles]
    kept = [a for a in articles if a.is_article]
    result.articles, result.non_articles = len(kept), len(articles) - len(kept)
    if executor is not None:
        chunks = [kept[i : i + 32] for i in range(0, len(kept), 32)]
        enrichments = [row for rows in executor.map(_enrich_chunk, chunks) for row in rows]
    else:
        enrichments = _enrich_chunk(kept)
    # Enrichment first: a batch file on disk (written atomically) implies its enrichment exists.
    write_enrichment_batch(enrichments, enrichment_path(out_path))
    write_article_batch(articles, out_path)
    return result
