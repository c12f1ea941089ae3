"""The `geowire serve` scheduler: cron times in UTC, failures do not stop it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.schedule import ScheduleError, next_fire, serve_schedule


def test_next_fire_is_the_next_02_00_utc() -> None:
    assert next_fire("0 2 * * *", datetime(2026, 11, 25, 3, 0, tzinfo=UTC)) == datetime(
        2026, 11, 26, 2, 0, tzinfo=UTC
    )
    assert next_fire("0 2 * * *", datetime(2026, 11, 25, 1, 59, tzinfo=UTC)) == datetime(
        2026, 11, 25, 2, 0, tzinfo=UTC
    )
    with pytest.raises(ScheduleError, match="bad cron expression"):
        next_fire("every night", datetime(2026, 1, 1, tzinfo=UTC))


def test_serve_runs_at_each_fire_time_and_survives_a_failed_run() -> None:
    now = [datetime(2026, 11, 25, 1, 0, tzinfo=UTC)]
    calls: list[datetime] = []

    def run() -> None:
        calls.append(now[0])
        if len(calls) == 1:
            raise RuntimeError("the first night fails")

    def sleep(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    made = serve_schedule("0 2 * * *", run, clock=lambda: now[0], sleep=sleep, max_runs=2)
    assert made == 2
    assert calls == [
        datetime(2026, 11, 25, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
    ]
