"""Past one machine: crawl shards of the sources on many Prefect workers, load them in one place.

`ingest_shard` (one deployment run per worker, parameters `shard`/`shards`) crawls its share of
the sources (a stable hash of each name, `select_shard`), cleans the archived pages on a Dask
cluster (prefect-dask; a LocalCluster when no scheduler address is given) and leaves fetch logs,
WARC files and Parquet batches in a shared directory, never touching DuckDB. `load_shards` (one
loader deployment, the warehouse's only writer) merges every finished batch into DuckDB with the
same stage functions the single-machine flow uses, then exports each source's incremental state
(known URLs, feed validators, recent texts) back to the shared directory for the next shard run.

Shared directory layout (shared_dir):
    runs/<run_id>/<source>/   job, fetch log, announced.jsonl, articles.parquet, markers
    warc/<yyyymm>/...         the raw archive
    state/<source>/           known_urls.txt, validators.json, template_context.json
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from crawlers.crawl import CrawlResult
from crawlers.job import CrawlJob, CrawlLimits
from crawlers.pages import ExtractResult
from crawlers.sources import Source, load_sources
from flows import stages
from flows.ingest import check_warehouse
from flows.runlock import run_lock
from flows.settings import RunSettings, ensure_writable_dir, new_run_id
from flows.stages import SourceOutcome
from warehouse import load as loader
from warehouse import state

STATE_DIR = "state"
KNOWN_URLS = "known_urls.txt"
VALIDATORS = "validators.json"
# Written last by a shard, after the batch: the loader takes only directories that have it.
SHARD_DONE = "shard_done.json"


def shard_of(name: str, shards: int) -> int:
    """The shard a source name belongs to: a hash that is the same on every machine and run."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def select_shard(sources: Sequence[Source], shard: int, shards: int) -> list[Source]:
    """The sources of shard `shard` (0-based) out of `shards`, in their original order."""
    if shards < 1 or not 0 <= shard < shards:
        raise ValueError(f"shard must be in 0..{shards - 1} and shards >= 1 (got {shard}/{shards})")
    return [s for s in sources if shard_of(s.name, shards) == shard]


@dataclass
class ShardSummary:
    """What one shard run left in the shared directory."""

    run_id: str
    shard: int
    shards: int
    sources: list[str] = field(default_factory=list)
    crawls: dict[str, str] = field(default_factory=dict)  # source -> crawl status
    articles: dict[str, int] = field(default_factory=dict)  # source -> articles cleaned
    failed: dict[str, str] = field(default_factory=dict)  # source -> why cleaning failed
    cleaned_by: dict[str, str] = field(default_factory=dict)  # source -> "host:pid" of the worker


def shard_settings(shared_dir: Path, polite: bool, crawl_timeout_s: float) -> RunSettings:
    """Run settings whose data directory is the shared one (there is no database on a shard)."""
    return RunSettings(
        sources_file=Path("-"),
        db_path=shared_dir / "no-database-on-a-shard.duckdb",
        data_dir=shared_dir,
        limits=CrawlLimits(polite=polite, crawl_timeout_s=crawl_timeout_s),
        extract_workers=1,  # the Dask cluster is the parallelism; one process per task
    )


def plan_shard_crawl(settings: RunSettings, run_id: str, source: Source) -> CrawlJob:
    """A crawl job with the incremental state the loader last exported for this source."""
    job = stages.plan_crawl_offline(settings, run_id, source)
    snapshot = settings.data_dir / STATE_DIR / source.name
    if not snapshot.is_dir():
        return job
    for name in (KNOWN_URLS, stages.TEMPLATE_CONTEXT):
        if (snapshot / name).exists():
            (job.out_dir / name).write_bytes((snapshot / name).read_bytes())
    validators: dict[str, dict[str, Any]] = {}
    if (snapshot / VALIDATORS).exists():
        validators = json.loads((snapshot / VALIDATORS).read_text(encoding="utf-8"))
    known = job.out_dir / KNOWN_URLS
    return replace(job, known_urls_file=known if known.exists() else None, validators=validators)


@task(name="crawl-shard-source", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def crawl_shard_source(job: CrawlJob) -> CrawlResult:
    """Crawl one source of the shard (subprocess, bounded by the job's limits)."""
    return stages.crawl(job)


@task(name="clean-source", cache_policy=NO_CACHE)
def clean_source(
    settings: RunSettings, directory: str, source: Source
) -> tuple[ExtractResult, str]:
    """Clean one crawled source's pages into its Parquet batch on a Dask worker; say which one."""
    path = Path(directory)
    result = stages.extract(settings, path, source)
    _write_atomic(path / SHARD_DONE, json.dumps(asdict(result)))
    return result, f"{socket.gethostname()}:{os.getpid()}"


def dask_runner(address: str | None, workers: int) -> DaskTaskRunner:
    """A Dask task runner: the cluster at `address`, else a LocalCluster of `workers` processes."""
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,  # cleaning is CPU-bound Python: one task per process
            "processes": True,
            "dashboard_address": None,
        },
    )


@flow(name="ingest-shard", log_prints=True)
def ingest_shard(
    sources_file: str,
    shared_dir: str,
    shard: int = 0,
    shards: int = 1,
    run_id: str | None = None,
    polite: bool = True,
    parallel_crawls: int = 4,
    crawl_timeout_s: float = 900.0,
    dask_address: str | None = None,
    dask_workers: int = 2,
) -> ShardSummary:
    """Crawl and clean shard `shard` of `shards` into `shared_dir` (no database is opened).

    Give every shard of one nightly run the same `run_id` so the loader records one run.
    """
    logger = get_run_logger()
    shared = Path(shared_dir).resolve()
    ensure_writable_dir(shared, "shared directory")
    settings = shard_settings(shared, polite, crawl_timeout_s)
    sources = [s for s in load_sources(Path(sources_file)) if s.enabled]
    mine = select_shard(sources, shard, shards)
    run_id = run_id or new_run_id()
    summary = ShardSummary(
        run_id=run_id, shard=shard, shards=shards, sources=[s.name for s in mine]
    )
    logger.info("shard %d/%d: %d of %d sources", shard, shards, len(mine), len(sources))
    jobs = {s.name: plan_shard_crawl(settings, run_id, s) for s in mine}
    by_name = {s.name: s for s in mine}
    cleaning: dict[str, PrefectFuture[tuple[ExtractResult, str]]] = {}
    # Cleaning of a source starts on the cluster as soon as its crawl ends, while others crawl.
    with (
        dask_runner(dask_address, dask_workers) as cluster,
        ThreadPoolTaskRunner(max_workers=parallel_crawls) as crawlers,
    ):
        crawls = [crawlers.submit(crawl_shard_source, {"job": job}) for job in jobs.values()]
        for future in as_completed(crawls):
            result: CrawlResult = future.result()
            summary.crawls[result.source] = result.status
            directory = str(jobs[result.source].out_dir)
            cleaning[result.source] = cluster.submit(
                clean_source,
                {"settings": settings, "directory": directory, "source": by_name[result.source]},
            )
        for name, pending in cleaning.items():
            try:
                result, worker = pending.result()
                summary.articles[name] = result.articles
                summary.cleaned_by[name] = worker
            except Exception as exc:  # one source's bad batch must not stop the shard
                logger.error("%s: cleaning failed: %s", name, exc)
                summary.failed[name] = str(exc)[:300]
    return summary


def ready_directories(shared_dir: Path) -> list[Path]:
    """Source directories that a shard finished (crawled and cleaned) and no loader loaded yet."""
    runs = shared_dir / "runs"
    if not runs.is_dir():
        return []
    return sorted(
        d
        for d in runs.glob("*/*")
        if (d / SHARD_DONE).exists() and not (d / stages.LOADED).exists()
    )


def export_state(settings: RunSettings, sources: Sequence[Source]) -> None:
    """Write each source's incremental state from the warehouse to the shared directory."""
    wait = settings.lock_timeout_s
    for source in sources:
        out = settings.data_dir / STATE_DIR / source.name
        out.mkdir(parents=True, exist_ok=True)
        known = state.known_article_urls(settings.db_path, source.name, lock_timeout_s=wait)
        validators = state.feed_validators(
            settings.db_path, [*source.feeds, *source.sitemaps], lock_timeout_s=wait
        )
        texts = state.recent_texts(settings.db_path, source.name, lock_timeout_s=wait)
        _write_atomic(out / KNOWN_URLS, stages.skip_list(known))
        _write_atomic(out / VALIDATORS, json.dumps(validators, default=str))
        _write_atomic(out / stages.TEMPLATE_CONTEXT, json.dumps(texts))


@flow(name="load-shards", log_prints=True)
def load_shards(
    shared_dir: str, db_path: str, lock_timeout_s: float = 300.0
) -> list[SourceOutcome]:
    """Load every finished shard batch into DuckDB (the one writer), check, export state."""
    shared = Path(shared_dir).resolve()
    settings = RunSettings(
        sources_file=Path("-"),
        db_path=Path(db_path).resolve(),
        data_dir=shared,
        lock_timeout_s=lock_timeout_s,
    )
    wait = settings.lock_timeout_s
    outcomes: list[SourceOutcome] = []
    loaded_sources: dict[str, Source] = {}
    # The lock is the loader's alone: shards never take it, so they keep crawling meanwhile.
    lock_dir = shared / "loader"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with run_lock(lock_dir):
        by_run: dict[str, list[Path]] = {}
        for directory in ready_directories(shared):
            by_run.setdefault(directory.parent.name, []).append(directory)
        for run_id, directories in sorted(by_run.items()):
            loader.start_run(settings.db_path, run_id, sources_file="(shards)", lock_timeout_s=wait)
            for directory in directories:
                source = CrawlJob.load(directory / "job.json").source
                outcomes.append(stages.load(settings, directory, run_id, source))
                loaded_sources[source.name] = source
            failures = check_warehouse(settings)
            status = "failed" if failures else "completed"
            error = "; ".join(f"{f.name}: {f.message}" for f in failures)[:1000] or None
            loader.finish_run(settings.db_path, run_id, status, error=error, lock_timeout_s=wait)
        export_state(settings, list(loaded_sources.values()))
    return outcomes


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
