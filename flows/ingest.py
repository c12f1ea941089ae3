"""The `ingest` Prefect flow: discover and crawl each source, extract, load, check, summarise.

Crawls run concurrently (each in its own subprocess); as each finishes its pages are extracted and
loaded in this process, one load at a time (DuckDB has one writer). Only the network-facing crawl
task retries. Work left by an earlier, killed run is finished first.
"""

from __future__ import annotations

import contextlib
import json
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from crawlers.crawl import CrawlResult
from crawlers.job import CrawlJob, CrawlLimits
from crawlers.pages import ExtractResult, extract_pool
from crawlers.sources import Source, load_sources
from flows import stages
from flows.html_report import run_report_markdown, write_run_report
from flows.progress import make_progress
from flows.runlock import run_lock
from flows.settings import (
    RunSettings,
    default_data_dir,
    ensure_writable_dir,
    new_run_id,
)
from flows.stages import SourceOutcome
from warehouse import load as loader
from warehouse import state
from warehouse.checks import CheckFailure
from warehouse.db import WarehouseError, WarehouseLockedError, publish_copy
from warehouse.enrichment import refresh_syndication
from warehouse.search import refresh_search_index


class ChecksFailed(RuntimeError):
    """Data checks found bad rows after the load; the message lists them."""


class LoadsDeferred(RuntimeError):
    """The database stayed locked past the bound; the crawled batches wait on disk."""


@dataclass
class RunSummary:
    """What one ingest run did, per source."""

    run_id: str
    db_path: str
    outcomes: list[SourceOutcome] = field(default_factory=list)
    resumed: list[SourceOutcome] = field(default_factory=list)
    check_failures: list[str] = field(default_factory=list)
    interrupted: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    locked_message: str = ""
    report_path: str = ""

    @property
    def totals(self) -> dict[str, int]:
        """Sums over the sources of this run."""
        keys = ("pages_fetched", "articles_new", "articles_updated", "failures")
        return {k: sum(getattr(o, k) for o in self.outcomes) for k in keys}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return asdict(self)


@task(name="crawl-source", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def crawl_source(job: CrawlJob) -> CrawlResult:
    """Crawl one source (subprocess, bounded by the job's limits)."""
    result = stages.crawl(job)
    get_run_logger().info(
        "%s: %s, %d pages, %d articles fetched%s",
        result.source,
        result.status,
        result.pages_fetched,
        result.articles_fetched,
        f" ({result.message})" if result.message else "",
    )
    return result


@task(name="extract-pages", cache_policy=NO_CACHE)
def extract_pages(
    settings: RunSettings, directory: Path, source: Source, executor: Executor | None = None
) -> ExtractResult:
    """Clean the archived pages of one crawl into an article batch (in `executor` if given)."""
    return stages.extract(settings, directory, source, executor)


@task(name="load-articles", cache_policy=NO_CACHE)
def load_articles(
    settings: RunSettings, directory: Path, run_id: str, source: Source
) -> SourceOutcome:
    """Load one source's fetch log and article batch into the warehouse."""
    return stages.load(settings, directory, run_id, source)


@task(name="check-warehouse", cache_policy=NO_CACHE)
def check_warehouse(settings: RunSettings) -> list[CheckFailure]:
    """Bring syndication clusters and the search index up to date, then run the data checks."""
    refresh_syndication(settings.db_path, lock_timeout_s=settings.lock_timeout_s)
    refresh_search_index(settings.db_path, lock_timeout_s=settings.lock_timeout_s)
    return stages.check(settings)


def _extract_and_load(
    settings: RunSettings,
    directory: Path,
    run_id: str,
    source: Source,
    executor: Executor | None = None,
) -> SourceOutcome:
    """Extract and load one crawled source; a failure here is that source's alone."""
    try:
        if not (directory / stages.BATCH).exists():
            extract_pages(settings, directory, source, executor)
        return load_articles(settings, directory, run_id, source)
    except WarehouseLockedError:
        raise  # the caller defers this and every later load; the batch stays on disk
    except Exception as exc:  # one source's bad batch must not stop the others
        get_run_logger().error("%s: extract/load failed: %s", source.name, exc)
        outcome = SourceOutcome(
            source=source.name, status="failed", failures=1, message=str(exc)[:300]
        )
        loader.record_run_source(
            settings.db_path,
            run_id,
            source.name,
            status="failed",
            failures=1,
            error=outcome.message,
            lock_timeout_s=settings.lock_timeout_s,
        )
        return outcome


class _Loader:
    """Loads batches one at a time; after one lock timeout, defers the rest instead of waiting again."""

    def __init__(
        self, settings: RunSettings, summary: RunSummary, executor: Executor | None = None
    ) -> None:
        self.settings = settings
        self.summary = summary
        self.executor = executor

    def __call__(self, directory: Path, run_id: str, source: Source) -> SourceOutcome | None:
        if not self.summary.locked_message:
            try:
                return _extract_and_load(self.settings, directory, run_id, source, self.executor)
            except WarehouseLockedError as exc:
                self.summary.locked_message = str(exc)
                get_run_logger().error("load deferred: %s", exc)
        if not (directory / stages.BATCH).exists():
            extract_pages(self.settings, directory, source, self.executor)  # keep it ready
        self.summary.deferred.append(str(directory))
        return None


def _finish_pending(settings: RunSettings, load: _Loader) -> list[SourceOutcome]:
    """Load what interrupted or lock-blocked runs left, under their own run ids."""
    outcomes = []
    for directory in stages.pending_work(settings, load.summary.run_id):
        source = CrawlJob.load(directory / "job.json").source
        get_run_logger().warning("finishing %s left by an earlier run", directory)
        outcome = load(directory, directory.parent.name, source)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def _plan(
    settings: RunSettings, run_id: str, sources: list[Source], summary: RunSummary
) -> dict[str, CrawlJob]:
    """Crawl jobs for the sources that are not backed off; record the ones that are."""
    now = stages.now_utc()
    attempts = state.source_attempts(
        settings.db_path, [s.name for s in sources], lock_timeout_s=settings.lock_timeout_s
    )
    jobs: dict[str, CrawlJob] = {}
    for source in sources:
        resume_at = stages.backoff_until(attempts.get(source.name))
        if resume_at and resume_at > now and source.name not in settings.only:
            failures = attempts[source.name].consecutive_failures
            message = (
                f"backed off after {failures} failed runs in a row;"
                f" next attempt after {resume_at:%Y-%m-%d %H:%M} UTC (or name it with --only)"
            )
            outcome = SourceOutcome(source=source.name, status="skipped", message=message)
            loader.record_run_source(
                settings.db_path,
                run_id,
                source.name,
                status="skipped",
                error=message,
                lock_timeout_s=settings.lock_timeout_s,
            )
            summary.outcomes.append(outcome)
            continue
        jobs[source.name] = stages.plan_crawl(settings, run_id, source, now)
    return jobs


@flow(name="ingest", log_prints=True)
def ingest(
    sources_file: str = "sources.toml",
    db_path: str = "geowire.duckdb",
    data_dir: str | None = None,
    only: list[str] | None = None,
    polite: bool = True,
    parallel_crawls: int = 4,
    extract_workers: int = 1,
    lock_timeout_s: float = 300.0,
    crawl_timeout_s: float = 900.0,
    revisit_hours: list[float] | None = None,
    publish_path: str | None = None,
) -> RunSummary:
    """Crawl every (or each `only`) source of `sources_file` into the DuckDB file `db_path`."""
    # Absolute paths: the fetch log records where each WARC record is, for later re-extraction.
    db = Path(db_path).resolve()
    settings = RunSettings(
        sources_file=Path(sources_file),
        db_path=db,
        data_dir=Path(data_dir).resolve() if data_dir else default_data_dir(db),
        only=tuple(only or ()),
        limits=CrawlLimits(polite=polite, crawl_timeout_s=crawl_timeout_s),
        parallel_crawls=parallel_crawls,
        extract_workers=extract_workers,
        lock_timeout_s=lock_timeout_s,
        revisit_hours=tuple(revisit_hours)
        if revisit_hours is not None
        else (1.0, 6.0, 24.0, 168.0),
        publish_path=Path(publish_path) if publish_path else None,
    )
    return run_ingest(settings)


def run_ingest(settings: RunSettings, run_id: str | None = None) -> RunSummary:
    """The body of the ingest flow, for callers that already hold a `RunSettings`."""
    logger = get_run_logger()
    sources = [s for s in load_sources(settings.sources_file, list(settings.only)) if s.enabled]
    ensure_writable_dir(settings.data_dir, "data directory")
    ensure_writable_dir(settings.db_path.parent, "database directory")
    run_id = run_id or new_run_id()
    summary = RunSummary(run_id=run_id, db_path=str(settings.db_path))
    wait = settings.lock_timeout_s
    with run_lock(settings.data_dir), make_progress() as progress, ExitStack() as stack:
        loader.start_run(
            settings.db_path,
            run_id,
            sources_file=str(settings.sources_file),
            sources_total=len(sources),
            lock_timeout_s=wait,
        )
        try:
            summary.interrupted = loader.mark_interrupted_runs(
                settings.db_path, run_id, lock_timeout_s=wait
            )
            progress.stage("finish earlier runs' batches")
            # One warm cleaning pool for the whole run (its imports overlap the crawls).
            pool = extract_pool(settings.extract_workers) if settings.extract_workers > 1 else None
            stack.callback(lambda: pool and pool.shutdown(cancel_futures=True))
            load = _Loader(settings, summary, pool)
            summary.resumed = _finish_pending(settings, load)
            loader.upsert_sources(  # after the pending batches, whose jobs hold older configs
                settings.db_path, [s.to_dict() for s in sources], lock_timeout_s=wait
            )
            jobs = _plan(settings, run_id, sources, summary)
            by_name = {s.name: s for s in sources}
            progress.stage("crawl, clean and load")
            progress.total(len(jobs))
            with ThreadPoolTaskRunner(max_workers=settings.parallel_crawls) as runner:
                futures = []
                for job in jobs.values():
                    progress.source_started(job.source.name)
                    futures.append(runner.submit(crawl_source, {"job": job}))
                names = {
                    id(f): job.source.name for f, job in zip(futures, jobs.values(), strict=True)
                }
                for future in as_completed(futures):
                    source = by_name[names[id(future)]]
                    try:
                        future.result()
                    except Exception as exc:  # a crash in one crawl must not stop the others
                        logger.error("%s: crawl failed: %s", source.name, exc)
                        (jobs[source.name].out_dir / stages.CRAWLED).write_text(
                            json.dumps(
                                {
                                    "status": "failed",
                                    "failures": {"crashed": 1},
                                    "message": f"crawl failed: {exc}"[:300],
                                }
                            ),
                            encoding="utf-8",
                        )
                    outcome = load(jobs[source.name].out_dir, run_id, source)
                    if outcome is not None:
                        summary.outcomes.append(outcome)
                        progress.source_done(
                            source.name,
                            outcome.status,
                            f"{outcome.pages_fetched} pages, {outcome.articles_new} new,"
                            f" {outcome.articles_updated} updated {outcome.message[:80]}".strip(),
                        )
                    else:
                        progress.source_done(source.name, "deferred", "database locked")
                    progress.advance()
            if pool is not None:
                pool.shutdown()  # free its memory before the warehouse-wide steps
            progress.stage("syndication, search index and data checks")
            _finish_warehouse(settings, summary)
        except BaseException as exc:
            _finish_quietly(settings, run_id, "failed", str(exc))
            raise
        status = "failed" if summary.check_failures else "completed"
        loader.finish_run(
            settings.db_path,
            run_id,
            status,
            error="; ".join(summary.check_failures)[:1000] or None,
            lock_timeout_s=wait,
        )
        if settings.publish_path and not summary.check_failures:
            publish_copy(settings.db_path, settings.publish_path, lock_timeout_s=wait)
            logger.info("published a read-only copy at %s", settings.publish_path)
    summary.outcomes.sort(key=lambda o: o.source)
    summary.report_path = str(
        write_run_report(settings.db_path, run_id, settings.runs_dir / run_id / "report.html")
    )
    create_markdown_artifact(
        key="ingest-summary",
        markdown=summary_markdown(summary)
        + "\n\n"
        + run_report_markdown(settings.db_path, run_id)
        + f"\n\nFull report with charts: `{summary.report_path}`",
        description=f"geowire ingest run {run_id}",
    )
    logger.info("run %s %s: %s", run_id, status, summary.totals)
    if summary.check_failures:
        raise ChecksFailed("data checks failed: " + "; ".join(summary.check_failures))
    return summary


def describe_check_failure(failure: CheckFailure) -> str:
    """One line per failed check: what is wrong, how many rows, and the first offending rows."""
    sample = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in failure.sample[:3])
    return f"{failure.name}: {failure.message} ({failure.count} rows, e.g. {sample})"


def _finish_warehouse(settings: RunSettings, summary: RunSummary) -> None:
    """Stop if loads were deferred (the database stayed locked); else the warehouse-wide steps."""
    if summary.locked_message:
        raise LoadsDeferred(
            f"{summary.locked_message}\n{len(summary.deferred)} crawled batch(es) kept on disk"
            " and not lost; they load with the next run or `geowire load-pending`"
        )
    failures = check_warehouse(settings)
    summary.check_failures = [describe_check_failure(f) for f in failures]


def _finish_quietly(settings: RunSettings, run_id: str, status: str, error: str) -> None:
    # A locked database cannot record the failure either; the next run marks it interrupted.
    with contextlib.suppress(WarehouseError):
        loader.finish_run(settings.db_path, run_id, status, error=error[:1000], lock_timeout_s=5.0)


@flow(name="load-pending", log_prints=True)
def load_pending(
    db_path: str = "geowire.duckdb", data_dir: str | None = None, lock_timeout_s: float = 300.0
) -> RunSummary:
    """Load the batches earlier runs crawled but could not load (killed, or database locked)."""
    db = Path(db_path).resolve()
    settings = RunSettings(
        sources_file=Path("-"),
        db_path=db,
        data_dir=Path(data_dir).resolve() if data_dir else default_data_dir(db),
        lock_timeout_s=lock_timeout_s,
    )
    summary = RunSummary(run_id="load-pending", db_path=str(db))
    ensure_writable_dir(settings.data_dir, "data directory")
    with run_lock(settings.data_dir):
        summary.interrupted = loader.mark_interrupted_runs(
            settings.db_path, "", lock_timeout_s=lock_timeout_s
        )
        load = _Loader(settings, summary)
        summary.resumed = _finish_pending(settings, load)
        _finish_warehouse(settings, summary)
    if summary.check_failures:
        raise ChecksFailed("data checks failed: " + "; ".join(summary.check_failures))
    return summary


def summary_markdown(summary: RunSummary) -> str:
    """The run summary as a markdown table, one row per source."""
    lines = [
        f"# geowire run {summary.run_id}",
        "",
        "| source | status | pages fetched | new | updated | unchanged | non-articles | failures | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for o in [*summary.resumed, *summary.outcomes]:
        note = o.message.replace("|", "\\|")[:120]
        lines.append(
            f"| {o.source} | {o.status} | {o.pages_fetched} | {o.articles_new} |"
            f" {o.articles_updated} | {o.articles_unchanged} | {o.non_articles} | {o.failures} | {note} |"
        )
    return "\n".join(lines)
