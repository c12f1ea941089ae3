"""Flow tests run real Prefect flows against a throwaway local API (Prefect's test harness)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from flows.cli import prefect_environment

prefect_environment()
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    """One harness for the whole session: it costs several seconds to start."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
