"""Flows over the raw archive: re-extract stored pages with the current cleaner, import WARC files.

Both go through the same extract stage and loader as a nightly run, so an improvement to the
cleaning reaches old data without re-crawling, and a backfill looks exactly like fresh data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger

from crawlers.extract import EXTRACTOR_VERSION
from crawlers.pages import PageRef, announcements, extract_batch
from crawlers.sources import Source
from crawlers.urls import canonical_url
from flows.runlock import run_lock
from flows.settings import default_data_dir, ensure_writable_dir, new_run_id
from warehouse import load as loader
from warehouse.db import connect

# Pages the archive holds for the latest fetch of each article URL of a source.
_LATEST_ARTICLE_FETCHES = """
SELECT url, run_id, warc_file, warc_offset, warc_length
FROM fetches
WHERE source = ? AND kind = 'article' AND status = 200 AND warc_file IS NOT NULL
  AND (content_type IS NULL OR lower(content_type) LIKE 'text/html%'
       OR lower(content_type) LIKE 'application/xhtml+xml%')
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
ORDER BY url
"""


@dataclass
class ReextractResult:
    """What a re-extraction did per source."""

    run_id: str
    extractor_version: str
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    missing_archives: int = 0


def _registered_sources(db: Path, names: list[str] | None) -> list[Source]:
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT name, config FROM sources ORDER BY name").fetchall()
    sources = [Source.from_dict(json.loads(config)) for _, config in rows]
    if names:
        unknown = sorted(set(names) - {s.name for s in sources})
        if unknown:
            raise ValueError(f"no source named {', '.join(unknown)} in {db}")
        sources = [s for s in sources if s.name in names]
    return sources


def _archived_pages(db: Path, data_dir: Path, source: Source) -> tuple[list[PageRef], int]:
    with connect(db, read_only=True) as con:
        rows = con.execute(_LATEST_ARTICLE_FETCHES, [source.name]).fetchall()
    pages, missing = [], 0
    hints_by_run: dict[str, dict[str, dict]] = {}
    for url, run_id, warc_file, offset, length in rows:
        path = _locate(Path(warc_file), data_dir)
        if path is None:
            missing += 1
            continue
        if run_id not in hints_by_run:
            hints_by_run[run_id] = announcements(
                data_dir / "runs" / run_id / source.name / "announced.jsonl"
            )
        pages.append(
            PageRef(
                url=url,
                warc_file=str(path),
                warc_offset=int(offset),
                warc_length=int(length),
                hints=hints_by_run[run_id].get(canonical_url(url)),
            )
        )
    return pages, missing


def _locate(path: Path, data_dir: Path) -> Path | None:
    """The archive file, also after the data directory was moved (paths are stored absolute)."""
    if path.exists():
        return path
    moved = data_dir / "warc" / path.parent.name / path.name
    return moved if moved.exists() else None


@flow(name="reextract", log_prints=True)
def reextract(
    db_path: str = "geowire.duckdb",
    data_dir: str | None = None,
    sources: list[str] | None = None,
    workers: int = 1,
    lock_timeout_s: float = 300.0,
) -> ReextractResult:
    """Clean every archived article page again with the current extractor and load the result."""
    logger = get_run_logger()
    db = Path(db_path).resolve()
    data = Path(data_dir).resolve() if data_dir else default_data_dir(db)
    ensure_writable_dir(data, "data directory")
    run_id = f"{new_run_id()}-reextract"
    result = ReextractResult(run_id=run_id, extractor_version=EXTRACTOR_VERSION)
    with run_lock(data):
        chosen = _registered_sources(db, sources)
        loader.start_run(
            db,
            run_id,
            sources_file="(reextract)",
            sources_total=len(chosen),
            lock_timeout_s=lock_timeout_s,
        )
        for source in chosen:
            pages, missing = _archived_pages(db, data, source)
            result.missing_archives += missing
            batch = data / "reextract" / run_id / f"{source.name}.parquet"
            extracted = extract_batch(
                pages, source, batch, max_bytes=10 * 1024 * 1024, workers=workers
            )
            loaded = loader.load_articles(
                db, batch, run_id, lock_timeout_s=lock_timeout_s, on_wait=logger.warning
            )
            counts = loaded.per_source.get(source.name, loader.SourceLoadCounts())
            result.per_source[source.name] = {"pages": extracted.pages, **asdict(counts)}
            loader.record_run_source(
                db,
                run_id,
                source.name,
                status="completed",
                pages_fetched=0,
                articles_new=counts.new,
                articles_updated=counts.updated,
                articles_unchanged=counts.unchanged,
                non_articles=counts.non_articles,
                error=f"{missing} archived pages missing" if missing else None,
                lock_timeout_s=lock_timeout_s,
            )
            logger.info(
                "%s: %d pages re-extracted: %s", source.name, extracted.pages, asdict(counts)
            )
        loader.finish_run(db, run_id, "completed", lock_timeout_s=lock_timeout_s)
    return result
