"""Run settings, built once at the edge (CLI or flow parameters) and passed down as one object."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawlers.job import CrawlLimits


class SetupError(RuntimeError):
    """A path or setting that makes a run impossible; the message says which and why."""


@dataclass(frozen=True)
class RunSettings:
    """Everything one ingest run needs to know."""

    sources_file: Path
    db_path: Path
    data_dir: Path
    only: tuple[str, ...] = ()
    limits: CrawlLimits = field(default_factory=CrawlLimits)
    parallel_crawls: int = 4
    extract_workers: int = 1
    lock_timeout_s: float = 300.0
    revisit_hours: tuple[float, ...] = (1.0, 6.0, 24.0, 168.0)
    publish_path: Path | None = None  # a read-only copy for analysts, refreshed after each run

    @property
    def runs_dir(self) -> Path:
        """Per-run working files: jobs, fetch logs, article batches, load markers."""
        return self.data_dir / "runs"

    @property
    def warc_dir(self) -> Path:
        """The raw archive."""
        return self.data_dir / "warc"


def default_data_dir(db_path: Path) -> Path:
    """`geowire.duckdb` keeps its archive and working files in `geowire-data/` beside it."""
    return db_path.with_name(f"{db_path.stem}-data")


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id such as 20261125T020000Z-3f2a."""
    now = now or datetime.now(UTC)
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(2)}"


def default_extract_workers() -> int:
    """One cleaning process per core."""
    return max(1, os.cpu_count() or 1)


def ensure_writable_dir(path: Path, what: str) -> None:
    """Create `path` if needed and prove it is writable, or raise a SetupError naming it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise SetupError(f"{what} {path} is not writable: {exc.strerror or exc}") from None
