"""The verbs of an ingest run as plain functions over paths: plan, crawl, extract, load, check.

Each stage reads the files the previous one left in the source's run directory and leaves its own
marker, so a run killed at any point is completed by the next one (`pending_work`). Prefect tasks in
`flows.ingest` wrap these functions; the tests call them directly too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crawlers.crawl import CrawlResult, run_crawl
from crawlers.job import CrawlJob
from crawlers.pages import ExtractResult, article_pages, extract_batch
from crawlers.recorder import read_fetch_log
from crawlers.sources import Source
from crawlers.urls import canonical_url
from flows.settings import RunSettings
from warehouse import load as loader
from warehouse import state
from warehouse.checks import CheckFailure, run_checks

log = logging.getLogger("geowire")

CRAWLED = "crawl.json"
EXTRACTED = "extract.json"
LOADED = "loaded.json"
BATCH = "articles.parquet"
TEMPLATE_CONTEXT = "template_context.json"


@dataclass
class SourceOutcome:
    """What one run did for one source, as shown in the summary and stored in run_sources."""

    source: str
    status: str
    pages_fetched: int = 0
    articles_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    non_articles: int = 0
    failures: int = 0
    message: str = ""


def source_dir(settings: RunSettings, run_id: str, source: str) -> Path:
    """The working directory of one source in one run."""
    return settings.runs_dir / run_id / source


def skip_list(known: Mapping[str, state.KnownArticle]) -> str:
    """The crawl's skip list: each stored article's canonical URL and the URL it was fetched at.

    A link is compared in canonical form; a page whose rel=canonical names another URL (an AMP
    or mobile variant, a different slug) would otherwise be fetched again every night.
    """
    urls = set(known) | {canonical_url(k.url) for k in known.values() if k.url}
    return "\n".join(sorted(urls))


def plan_crawl(settings: RunSettings, run_id: str, source: Source, now: datetime) -> CrawlJob:
    """Build the crawl job with the warehouse's incremental state for this source."""
    job = plan_crawl_offline(settings, run_id, source)
    if not settings.db_path.exists():
        return job
    wait = settings.lock_timeout_s
    known = state.known_article_urls(settings.db_path, source.name, lock_timeout_s=wait)
    known_file = job.out_dir / "known_urls.txt"
    known_file.write_text(skip_list(known), encoding="utf-8")
    # Template learning needs the source's recent texts; read them now, while planning, so the
    # extract stage never waits for the database (it may be locked by then).
    (job.out_dir / TEMPLATE_CONTEXT).write_text(
        json.dumps(state.recent_texts(settings.db_path, source.name, lock_timeout_s=wait)),
        encoding="utf-8",
    )
    schedule = tuple(timedelta(hours=h) for h in settings.revisit_hours)
    return replace(
        job,
        known_urls_file=known_file,
        revisit_urls=tuple(
            state.due_for_revisit(
                settings.db_path, source.name, now, schedule=schedule, lock_timeout_s=wait
            )
        ),
        validators=state.feed_validators(
            settings.db_path, [*source.feeds, *source.sitemaps], lock_timeout_s=wait
        ),
    )


def plan_crawl_offline(settings: RunSettings, run_id: str, source: Source) -> CrawlJob:
    """A crawl job that knows nothing of the warehouse (everything announced is fetched)."""
    out_dir = source_dir(settings, run_id, source.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    return CrawlJob(
        run_id=run_id,
        source=source,
        out_dir=out_dir,
        warc_path=settings.warc_dir / run_id[:6] / f"{run_id}-{source.name}.warc.gz",
        limits=settings.limits,
    )


def crawl(job: CrawlJob) -> CrawlResult:
    """Crawl one source in a subprocess and leave the result beside its fetch log."""
    result = run_crawl(job)
    (job.out_dir / CRAWLED).write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    return result


def extract(
    settings: RunSettings, directory: Path, source: Source, executor: Executor | None = None
) -> ExtractResult:
    """Clean the article pages a crawl archived into the directory's article batch."""
    pages = article_pages(directory / "fetches.jsonl")
    result = extract_batch(
        pages,
        source,
        directory / BATCH,
        max_bytes=settings.limits.max_page_bytes,
        workers=settings.extract_workers,
        known_texts=_read_json(directory / TEMPLATE_CONTEXT),
        executor=executor,
    )
    (directory / EXTRACTED).write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    return result


def load(settings: RunSettings, directory: Path, run_id: str, source: Source) -> SourceOutcome:
    """Load the directory's fetch log, feed validators and article batch; mark it loaded."""
    db = settings.db_path
    wait = settings.lock_timeout_s
    fetch_log = directory / "fetches.jsonl"
    crawl_run_id = directory.parent.name
    # A batch from an earlier run may name a source since removed from the sources file.
    loader.upsert_sources(db, [source.to_dict()], lock_timeout_s=wait)
    if fetch_log.exists():
        loader.load_fetches(db, fetch_log, crawl_run_id, lock_timeout_s=wait, on_wait=log.warning)
        loader.update_feed_state(db, _document_states(fetch_log), lock_timeout_s=wait)
    counts = loader.SourceLoadCounts()
    if (directory / BATCH).exists():
        result = loader.load_batch(
            db, directory / BATCH, run_id, lock_timeout_s=wait, on_wait=log.warning
        )
        counts = result.per_source.get(source.name, counts)
    crawl_info = _read_json(directory / CRAWLED)
    outcome = SourceOutcome(
        source=source.name,
        status=crawl_info.get("status", "partial"),
        pages_fetched=crawl_info.get("pages_fetched", 0),
        articles_fetched=crawl_info.get("articles_fetched", 0),
        articles_new=counts.new,
        articles_updated=counts.updated,
        articles_unchanged=counts.unchanged,
        non_articles=counts.non_articles,
        failures=sum(crawl_info.get("failures", {}).values()),
        message=crawl_info.get("message", ""),
    )
    loader.record_run_source(
        db,
        run_id,
        source.name,
        status=outcome.status,
        pages_fetched=outcome.pages_fetched,
        articles_new=outcome.articles_new,
        articles_updated=outcome.articles_updated,
        articles_unchanged=outcome.articles_unchanged,
        non_articles=outcome.non_articles,
        failures=outcome.failures,
        error=outcome.message or None,
        lock_timeout_s=wait,
    )
    (directory / LOADED).write_text(json.dumps(asdict(outcome), indent=1), encoding="utf-8")
    return outcome


def _document_states(fetch_log: Path) -> list[dict[str, Any]]:
    return [
        {
            "url": row["url"],
            "source": row["source"],
            "etag": row.get("etag"),
            "last_modified": row.get("last_modified"),
            "content_hash": row.get("content_hash"),
            "fetched_at": row["fetched_at"],
            "status": row.get("status"),
        }
        for row in read_fetch_log(fetch_log)
        if row.get("kind") in ("feed", "sitemap") and row.get("status") in (200, 304)
    ]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def pending_work(settings: RunSettings, current_run: str) -> list[Path]:
    """Source directories of earlier runs that were crawled but never loaded (a killed run)."""
    if not settings.runs_dir.exists():
        return []
    pending = []
    for run_dir in sorted(settings.runs_dir.iterdir()):
        if not run_dir.is_dir() or run_dir.name == current_run:
            continue
        for directory in sorted(run_dir.iterdir()):
            if (directory / "fetches.jsonl").exists() and not (directory / LOADED).exists():
                pending.append(directory)
    return pending


def check(settings: RunSettings) -> list[CheckFailure]:
    """Run the data checks over the warehouse."""
    return run_checks(settings.db_path, lock_timeout_s=settings.lock_timeout_s)


# After this many failed runs in a row a source is backed off: tried again after
# BACKOFF_BASE doubled for each further failure, never waiting longer than BACKOFF_MAX.
BACKOFF_AFTER = 3
BACKOFF_BASE = timedelta(hours=20)  # under a day, so a nightly schedule retries the next night
BACKOFF_MAX = timedelta(days=7)


def backoff_until(attempts: state.SourceAttempts | None) -> datetime | None:
    """When a repeatedly failing source may be tried again (None: no backoff)."""
    if attempts is None or attempts.last_attempt_at is None:
        return None
    extra = attempts.consecutive_failures - BACKOFF_AFTER
    if extra < 0:
        return None
    return attempts.last_attempt_at + min(BACKOFF_BASE * (2**extra), BACKOFF_MAX)


def now_utc() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
