"""prefect.yaml: `prefect deploy --all` registers the nightly and adhoc deployments as documented."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL

ROOT = Path(__file__).resolve().parents[2]


async def _deployments() -> dict[str, object]:
    async with get_client() as client:
        return {d.name: d for d in await client.read_deployments()}


def test_prefect_deploy_all_registers_nightly_and_adhoc() -> None:
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    prefect = [sys.executable, "-m", "prefect"]
    subprocess.run(
        [*prefect, "work-pool", "create", "geowire", "--type", "process"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    deploy = subprocess.run(
        [*prefect, "--no-prompt", "deploy", "--all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    deployments = asyncio.run(_deployments())
    nightly, adhoc = deployments["nightly"], deployments["adhoc"]
    assert [s.schedule.cron for s in nightly.schedules] == ["0 2 * * *"]
    assert nightly.schedules[0].schedule.timezone == "UTC"
    assert nightly.parameters["sources_file"] == "sources.toml"
    assert adhoc.schedules == []
    assert nightly.work_pool_name == adhoc.work_pool_name == "geowire"
    assert nightly.entrypoint == "flows/ingest.py:ingest"
