"""`geowire serve`: run the ingest flow on a cron schedule from one long-lived process.

Prefect's own `flow.serve()` needs a Prefect server to schedule runs (an ephemeral API cannot), so
without one this loop is the scheduler: it sleeps until the next cron time (UTC) and runs the same
flow. A failed run is logged and the schedule goes on; SIGTERM/Ctrl-C stop it between runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

log = logging.getLogger("geowire.schedule")


class ScheduleError(ValueError):
    """A cron expression that cannot be used."""


def next_fire(cron: str, after: datetime) -> datetime:
    """The first time strictly after `after` (UTC) that matches `cron`."""
    try:
        return next(CronSim(cron, after.astimezone(UTC)))
    except (CronSimError, StopIteration) as exc:
        raise ScheduleError(f"bad cron expression {cron!r}: {exc}") from None


def serve_schedule(
    cron: str,
    run: Callable[[], object],
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    max_runs: int | None = None,
) -> int:
    """Call `run` at every cron time, forever (or `max_runs` times); return the runs made."""
    next_fire(cron, clock())  # fail at once on a bad expression
    runs = 0
    while max_runs is None or runs < max_runs:
        due = next_fire(cron, clock())
        log.info("next run at %s UTC", due.strftime("%Y-%m-%d %H:%M"))
        while (wait := (due - clock()).total_seconds()) > 0:
            sleep(min(wait, 60.0))  # wake up regularly so a clock change is noticed
        try:
            run()
        except Exception as exc:  # one failed night must not end the schedule
            log.error("scheduled run failed: %s", exc)
        runs += 1
    return runs
