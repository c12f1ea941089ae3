"""Opening the warehouse: lock-aware connect, schema migrations, analysis views and the FTS extension.

DuckDB allows one process to hold a database file for writing, and a writer cannot open a file any
other process holds (even read-only), so `connect` retries lock conflicts with backoff and explains
the wait. Within one process, connections to the same file are serialised by a lock so threads
(Prefect tasks) never race each other's transactions.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VIEWS_DIR = Path(__file__).with_name("views")
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_VIEW_NAME = re.compile(r"^(\d{2})_([a-z0-9_]+)\.sql$")
_LOCK_MARKERS = ("Could not set lock", "Conflicting lock")
_PID = re.compile(r"PID (\d+)")

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class WarehouseError(RuntimeError):
    """The warehouse file cannot be used (wrong version, not a DuckDB file, bad input...)."""


class WarehouseLockedError(WarehouseError):
    """Another process kept the warehouse file locked for longer than the lock timeout."""


# Memory DuckDB may use per connection (an integer: it is formatted into a SET statement).
MEMORY_LIMIT_MB = 512


def utc_naive(value: datetime) -> datetime:
    """A datetime as naive UTC, the form every TIMESTAMP column stores (naive input is taken as UTC)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def as_utc(value: datetime | None) -> datetime | None:
    """A naive UTC datetime read from the warehouse, made timezone-aware."""
    return None if value is None else value.replace(tzinfo=UTC)


def now_utc() -> datetime:
    """The current time as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def connect(
    db_path: str | Path,
    *,
    read_only: bool = False,
    lock_timeout_s: float = 60.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (write connections create it and apply migrations and views)."""
    path = Path(db_path).expanduser().resolve()
    if read_only and not path.exists():
        raise WarehouseError(f"warehouse {path} does not exist yet (nothing has been loaded)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout_s
    thread_lock = _lock_for(path)
    if not thread_lock.acquire(timeout=max(lock_timeout_s, 0.0)):
        raise WarehouseLockedError(
            f"database {path} is in use by another thread of this process;"
            f" gave up after {lock_timeout_s:.0f} s"
        )
    try:
        con = _open_with_retry(path, read_only, deadline, lock_timeout_s, on_wait)
        try:
            # TIMESTAMPTZ -> TIMESTAMP casts use the session time zone; UTC keeps stored values UTC.
            con.execute("SET TimeZone = 'UTC'")
            # DuckDB takes 80% of RAM by default; a bounded budget makes big loads spill to
            # disk instead, so a nightly run stays small beside whatever else the machine runs.
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT_MB}MB'")
            con.execute("SET preserve_insertion_order = false")
            if not read_only:
                migrate(con)
                apply_views(con)
            yield con
        finally:
            con.close()
    finally:
        thread_lock.release()


def _lock_for(path: Path) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(str(path), threading.Lock())


def _open_with_retry(
    path: Path,
    read_only: bool,
    deadline: float,
    lock_timeout_s: float,
    on_wait: Callable[[str], None] | None,
) -> duckdb.DuckDBPyConnection:
    delay = 0.25
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if not any(marker in message for marker in _LOCK_MARKERS):
                raise _explain_open_error(path, message) from None
            holder = _PID.search(message)
            who = f"pid {holder.group(1)}" if holder else "pid unknown"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseLockedError(
                    f"database {path} is locked by another process ({who});"
                    f" gave up after {lock_timeout_s:.1f} s. Wait for that process to finish"
                    " (a crawl, load or an open DuckDB shell) or stop it, then retry."
                ) from None
            wait = min(delay, remaining)
            if on_wait is not None:
                on_wait(
                    f"database {path} is locked by another process ({who});"
                    f" retrying in {wait:.1f} s, giving up in {remaining:.0f} s"
                )
            time.sleep(wait)
            delay = min(delay * 2, 5.0)
        except duckdb.Error as exc:
            raise _explain_open_error(path, str(exc)) from None


def _explain_open_error(path: Path, message: str) -> WarehouseError:
    if "newer version of DuckDB" in message or "version number" in message:
        return WarehouseError(
            f"database {path} was written by a newer DuckDB than this one ({duckdb.__version__});"
            " open it with that version and EXPORT DATABASE, or point geowire at another file."
            f" DuckDB said: {message.splitlines()[0]}"
        )
    if "not a valid DuckDB database" in message or "Corrupt database" in message:
        return WarehouseError(
            f"{path} is not a usable DuckDB database (not a DuckDB file, or corrupt);"
            f" move it aside or choose another path. DuckDB said: {message.splitlines()[0]}"
        )
    return WarehouseError(f"cannot open database {path}: {message}")


def migration_files() -> list[tuple[int, str, Path]]:
    """The numbered migration files, in order, as (version, name, path)."""
    found = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise WarehouseError(f"migration file {file.name} is not named NNN_name.sql")
        found.append((int(match.group(1)), match.group(2), file))
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise WarehouseError(f"migrations must be numbered 001, 002, ... without gaps: {versions}")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    current_version = int(current[0]) if current else 0
    files = migration_files()
    if current_version > len(files):
        raise WarehouseError(
            f"database schema is at version {current_version} but this code knows only"
            f" {len(files)} migrations; upgrade geowire"
        )
    applied = []
    for version, name, file in files[current_version:]:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                [version, name, now_utc()],
            )
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise WarehouseError(f"migration {file.name} failed: {exc}") from exc
        applied.append(version)
    return applied


def apply_views(con: duckdb.DuckDBPyConnection) -> bool:
    """(Re)create the analysis views when their SQL files changed; True when they were rebuilt."""
    files = sorted(VIEWS_DIR.glob("*.sql"))
    for file in files:
        if not _VIEW_NAME.match(file.name):
            raise WarehouseError(f"view file {file.name} is not named NN_name.sql")
    texts = [(file.name, file.read_text(encoding="utf-8")) for file in files]
    digest = hashlib.sha256("\n".join(f"{n}\n{t}" for n, t in texts).encode()).hexdigest()
    stored = con.execute("SELECT digest FROM view_state WHERE id = 1").fetchone()
    if stored and stored[0] == digest:
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        for name, text in texts:
            try:
                con.execute(text)
            except duckdb.Error as exc:
                raise WarehouseError(f"view file {name} failed: {exc}") from exc
        con.execute(
            "INSERT OR REPLACE INTO view_state (id, digest, applied_at) VALUES (1, ?, ?)",
            [digest, now_utc()],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def fts_extension_directory() -> Path:
    """Where the `duckdb-ext-fts` pip package keeps the extension (no download needed)."""
    spec = importlib.util.find_spec("duckdb_ext")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "extensions"
        if candidate.is_dir():
            return candidate
    raise WarehouseError(
        "the DuckDB fts extension is not installed; add the duckdb-ext-fts package"
        f" matching duckdb {duckdb.__version__}"
    )


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension from the pip package, offline."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET extension_directory = ?", [str(fts_extension_directory())])
    try:
        con.execute("LOAD fts")
    except duckdb.Error as exc:
        raise WarehouseError(
            f"cannot load the DuckDB fts extension from {fts_extension_directory()}: {exc}"
        ) from exc


def publish_copy(db_path: str | Path, target: str | Path, *, lock_timeout_s: float = 60.0) -> Path:
    """Write a consistent copy of the warehouse to `target` for analysts, replacing it atomically.

    Readers of the copy never block the nightly load, and an analyst who still has the old copy
    open keeps reading it (the rename swaps the directory entry, not the open file).
    """
    source = Path(db_path).expanduser().resolve()
    target = Path(target).expanduser().resolve()
    if target == source:
        raise WarehouseError(f"the published copy must not be the warehouse itself ({source})")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with connect(source, lock_timeout_s=lock_timeout_s) as con:
        con.execute("CHECKPOINT")  # fold the WAL into the file so the copy is complete
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target
