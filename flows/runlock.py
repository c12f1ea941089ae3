"""One ingest run per data directory at a time, enforced with an OS file lock.

The kernel drops the lock when the holding process dies, so a killed run never blocks the next
one, and whoever holds it knows that any run still marked 'running' in the warehouse is dead.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.settings import SetupError


class RunLockedError(SetupError):
    """Another geowire run is using the same data directory."""


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """Hold `data_dir/run.lock` for the duration of the block, or fail at once with the holder's pid."""
    path = data_dir / "run.lock"
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another geowire run (pid {holder}) is using {data_dir}; wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
