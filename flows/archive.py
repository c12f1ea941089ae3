"""Flows over the raw archive: re-extract stored pages with the current cleaner, import WARC files.

Both go through the same extract stage and loader as a nightly run, so an improvement to the
cleaning reaches old data without re-crawling, and a backfill looks exactly like fresh data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger

from crawlers.discovery import is_html
from crawlers.extract import EXTRACTOR_VERSION
from crawlers.pages import PageRef, announcements, extract_batch
from crawlers.sources import Source, load_sources
from crawlers.urls import canonical_url, on_source_domains
from crawlers.warc import ArchiveError, iter_responses
from flows.runlock import run_lock
from flows.settings import default_data_dir, ensure_writable_dir, new_run_id
from warehouse import load as loader
from warehouse import state
from warehouse.db import connect

MAX_IMPORT_BYTES = 10 * 1024 * 1024

# Pages the archive holds for the latest fetch of each article URL of a source; the media-type
# test is crawlers.discovery.is_html's (a missing type counts as HTML).
_LATEST_ARTICLE_FETCHES = """
SELECT url, run_id, warc_file, warc_offset, warc_length
FROM fetches
WHERE source = ? AND kind = 'article' AND status = 200 AND warc_file IS NOT NULL
  AND (coalesce(content_type, '') = '' OR lower(content_type) LIKE 'text/html%'
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
                pages,
                source,
                batch,
                max_bytes=MAX_IMPORT_BYTES,
                workers=workers,
                known_texts=state.recent_texts(db, source.name, lock_timeout_s=lock_timeout_s),
            )
            loaded = loader.load_batch(
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


@dataclass
class ImportResult:
    """What an import did: files imported or skipped, pages per source, load counts."""

    run_id: str
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)
    articles_new: int = 0
    articles_updated: int = 0


def _already_imported(db: Path, path: Path) -> bool:
    if not db.exists():
        return False
    with connect(db, read_only=True) as con:
        row = con.execute(
            "SELECT 1 FROM imported_files WHERE file_name = ? AND size = ?",
            [path.name, path.stat().st_size],
        ).fetchone()
    return row is not None


def _record_import(db: Path, path: Path, run_id: str, records: int, pages: int) -> None:
    with connect(db) as con:
        con.execute(
            """
            INSERT INTO imported_files VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP)
            ON CONFLICT (file_name, size) DO UPDATE SET
                path = excluded.path, run_id = excluded.run_id, records = excluded.records,
                pages = excluded.pages, imported_at = excluded.imported_at
            """,
            [path.name, path.stat().st_size, str(path), run_id, records, pages],
        )


def scan_warc(
    path: Path, sources: list[Source], since: datetime | None, until: datetime | None
) -> tuple[int, dict[str, list[PageRef]], str | None]:
    """Stream a WARC file; keep HTML 200 responses on the sources' hosts within [since, until).

    A damaged file yields what precedes the damage, and the error names it.
    """
    by_source: dict[str, list[PageRef]] = {}
    records = 0
    try:
        for position, response in iter_responses(path, max_bytes=MAX_IMPORT_BYTES):
            records += 1
            if response.status != 200 or not is_html(response.headers.get("content-type")):
                continue
            if (since and response.fetched_at < since) or (until and response.fetched_at >= until):
                continue
            source = next((s for s in sources if on_source_domains(response.url, s)), None)
            if source is not None:
                by_source.setdefault(source.name, []).append(
                    PageRef(response.url, str(path), position.offset, position.length)
                )
    except ArchiveError as exc:
        return records, by_source, str(exc)
    return records, by_source, None


@flow(name="import-warc", log_prints=True)
def import_warc(
    files: list[str],
    sources_file: str = "sources.toml",
    db_path: str = "geowire.duckdb",
    data_dir: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    workers: int = 1,
    lock_timeout_s: float = 300.0,
) -> ImportResult:
    """Backfill articles of the sources' domains from WARC files (geowire's or CC-NEWS)."""
    logger = get_run_logger()
    db = Path(db_path).resolve()
    data = Path(data_dir).resolve() if data_dir else default_data_dir(db)
    ensure_writable_dir(data, "data directory")
    sources = load_sources(sources_file)
    by_name = {s.name: s for s in sources}
    run_id = f"{new_run_id()}-import"
    result = ImportResult(run_id=run_id)
    with run_lock(data):
        loader.start_run(
            db,
            run_id,
            sources_file=str(sources_file),
            sources_total=len(sources),
            lock_timeout_s=lock_timeout_s,
        )
        loader.upsert_sources(db, [s.to_dict() for s in sources], lock_timeout_s=lock_timeout_s)
        totals: dict[str, loader.SourceLoadCounts] = {}
        for name in files:
            path = Path(name).resolve()
            if _already_imported(db, path):
                logger.info("%s: already imported, skipped", path.name)
                result.skipped.append(str(path))
                continue
            records, pages, damage = scan_warc(path, sources, since, until)
            if damage:
                logger.warning("%s: read up to a damaged record (%s)", path.name, damage)
                result.damaged.append(f"{path}: {damage}")
            for source_name, refs in pages.items():
                batch = data / "imports" / run_id / f"{path.name}.{source_name}.parquet"
                extract_batch(
                    refs,
                    by_name[source_name],
                    batch,
                    max_bytes=MAX_IMPORT_BYTES,
                    workers=workers,
                    known_texts=state.recent_texts(db, source_name, lock_timeout_s=lock_timeout_s),
                )
                loaded = loader.load_batch(
                    db, batch, run_id, lock_timeout_s=lock_timeout_s, on_wait=logger.warning
                )
                counts = loaded.per_source.get(source_name, loader.SourceLoadCounts())
                totals.setdefault(source_name, loader.SourceLoadCounts()).add(counts)
                result.pages[source_name] = result.pages.get(source_name, 0) + len(refs)
            if not damage:  # a damaged file is imported again once repaired or re-downloaded
                _record_import(db, path, run_id, records, sum(len(r) for r in pages.values()))
                result.imported.append(str(path))
            logger.info(
                "%s: %d records, %d pages of known sources",
                path.name,
                records,
                sum(len(r) for r in pages.values()),
            )
        for source_name, counts in totals.items():
            result.articles_new += counts.new
            result.articles_updated += counts.updated
            loader.record_run_source(
                db,
                run_id,
                source_name,
                status="completed",
                pages_fetched=result.pages[source_name],
                articles_new=counts.new,
                articles_updated=counts.updated,
                articles_unchanged=counts.unchanged,
                non_articles=counts.non_articles,
                lock_timeout_s=lock_timeout_s,
            )
        loader.finish_run(db, run_id, "completed", lock_timeout_s=lock_timeout_s)
    return result
