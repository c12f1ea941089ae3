"""Issue-3 behaviour of the real flow: re-visits and versions, conditional requests, a killed run,
a locked database, and backing off sources that keep failing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from crawlers.demo import DemoSites, start_demo_sites
from crawlers.sources import load_sources
from flows import stages
from flows.ingest import _plan, ingest, load_pending
from flows.settings import RunSettings, default_data_dir
from warehouse import load as loader
from warehouse.db import WarehouseLockedError
from warehouse.state import SourceAttempts

ROOT = Path(__file__).resolve().parents[2]


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def demo(tmp_path: Path):
    with start_demo_sites() as sites:
        (tmp_path / "sources.toml").write_text(sites.sources_toml(), encoding="utf-8")
        yield sites


def params(tmp_path: Path, **extra: object) -> dict[str, object]:
    return {
        "sources_file": str(tmp_path / "sources.toml"),
        "db_path": str(tmp_path / "geowire.duckdb"),
        "polite": False,
        **extra,
    }


def test_stealth_edit_becomes_version_2_and_feeds_are_conditional(
    tmp_path: Path, demo: DemoSites
) -> None:
    ingest(**params(tmp_path))
    db = tmp_path / "geowire.duckdb"
    edited = demo.articles[0]
    demo.set_article_text(
        edited.url, [*edited.paragraphs, "Correction: an earlier version misstated the date."]
    )
    demo.request_log.clear()
    time.sleep(2.0)  # re-visit every article 1.8 s after it was first seen: all are due now
    summary = ingest(**params(tmp_path, revisit_hours=[0.0005]))
    assert summary.totals["articles_updated"] == 1
    assert summary.totals["articles_new"] == 0
    history = rows(
        db,
        "SELECT v.version, v.text LIKE '%Correction:%' FROM article_versions v"
        " JOIN articles a USING (article_id) WHERE a.title = ? ORDER BY v.version",
        [edited.title],
    )
    assert history == [(1, False), (2, True)]
    assert rows(db, "SELECT version FROM articles WHERE title = ?", [edited.title]) == [(2,)]
    # feeds and sitemaps went out with validators; the unchanged ones came back 304
    conditional = [
        r
        for r in demo.request_log
        if "If-None-Match" in r.headers or "If-Modified-Since" in r.headers
    ]
    assert conditional, "feeds and sitemaps must be fetched with conditional requests"


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_killed_run_is_completed_by_the_next_one(tmp_path: Path, demo: DemoSites) -> None:
    data_dir = tmp_path / "geowire-data"
    command = [
        sys.executable,
        "-m",
        "flows.cli",
        "run",
        "--sources",
        "sources.toml",
        "--db",
        "geowire.duckdb",
        "--parallel",
        "1",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Kill the whole process tree once the first source is loaded and the next is crawling.
        loaded = lambda: list(data_dir.glob("runs/*/*/loaded.json"))  # noqa: E731
        assert _wait_for(loaded, 120), "the run never loaded a source"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    db = tmp_path / "geowire.duckdb"
    first = rows(db, "SELECT count(*) FROM articles")[0][0]
    assert rows(db, "SELECT status FROM runs") == [("running",)]
    summary = ingest(**params(tmp_path))
    titles = [t for (t,) in rows(db, "SELECT title FROM articles")]
    assert sorted(titles) == sorted(a.title for a in demo.articles), (
        "an article was lost or duplicated"
    )
    assert len(titles) == first + summary.totals["articles_new"] + sum(
        o.articles_new for o in summary.resumed
    )
    statuses = dict(rows(db, "SELECT run_id, status FROM runs"))
    assert sorted(statuses.values()) == ["completed", "failed"]
    assert summary.interrupted and statuses[summary.interrupted[0]] == "failed"
    assert rows(
        db,
        "SELECT count(*) FROM (SELECT article_id FROM article_versions GROUP BY 1 HAVING count(*) > 1)",
    ) == [(0,)]


def test_locked_database_defers_the_load_and_load_pending_finishes_it(
    tmp_path: Path, demo: DemoSites
) -> None:
    db = tmp_path / "geowire.duckdb"
    ingest(**params(tmp_path, only=[demo.outlets[0].name]))  # the database exists, with one outlet
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        sources = load_sources(tmp_path / "sources.toml")
        settings = RunSettings(
            sources_file=tmp_path / "sources.toml",
            db_path=db,
            data_dir=default_data_dir(db),
            lock_timeout_s=1.0,
        )
        source = sources[1]
        job = stages.plan_crawl_offline(settings, "manual-run", source)
        stages.crawl(job)
        stages.extract(settings, job.out_dir, source)
        with pytest.raises(WarehouseLockedError, match="locked by another process"):
            stages.load(settings, job.out_dir, "manual-run", source)
        assert (job.out_dir / stages.BATCH).exists() and not (job.out_dir / stages.LOADED).exists()
        with pytest.raises(WarehouseLockedError, match="locked by another process"):
            load_pending(db_path=str(db), lock_timeout_s=1.0)
        assert not (job.out_dir / stages.LOADED).exists(), "the batch must wait, not be lost"
    finally:
        holder.kill()
        holder.wait()
    summary = load_pending(db_path=str(db))
    assert [o.source for o in summary.resumed] == [source.name]
    titles = {t for (t,) in rows(db, "SELECT title FROM articles WHERE source = ?", [source.name])}
    assert titles == {a.title for a in demo.articles if a.outlet == source.name}


def test_a_source_that_keeps_failing_is_backed_off(tmp_path: Path, demo: DemoSites) -> None:
    now = datetime.now(UTC)
    assert stages.backoff_until(SourceAttempts(2, now)) is None
    assert stages.backoff_until(SourceAttempts(3, now)) == now + timedelta(hours=20)
    assert stages.backoff_until(SourceAttempts(4, now)) == now + timedelta(hours=40)
    assert stages.backoff_until(SourceAttempts(30, now)) == now + timedelta(days=7)

    db = tmp_path / "geowire.duckdb"
    sources = load_sources(tmp_path / "sources.toml")
    for n in range(3):
        loader.start_run(db, f"r{n}")
        loader.record_run_source(
            db, f"r{n}", sources[0].name, status="failed", error="DNS lookup failed"
        )
        loader.finish_run(db, f"r{n}", "completed")
    settings = RunSettings(
        sources_file=tmp_path / "sources.toml", db_path=db, data_dir=default_data_dir(db)
    )
    loader.start_run(db, "r3")
    from flows.ingest import RunSummary

    summary = RunSummary(run_id="r3", db_path=str(db))
    jobs = _plan(settings, "r3", sources, summary)
    assert sources[0].name not in jobs and sources[1].name in jobs
    assert summary.outcomes[0].status == "skipped"
    assert "backed off after 3 failed runs" in summary.outcomes[0].message
    # naming the source explicitly overrides the backoff
    explicit = RunSettings(**{**settings.__dict__, "only": (sources[0].name,)})
    assert sources[0].name in _plan(
        explicit, "r3", sources[:1], RunSummary(run_id="r3", db_path=str(db))
    )


def test_published_copy_lets_analysts_read_while_the_next_run_loads(
    tmp_path: Path, demo: DemoSites
) -> None:
    copy = tmp_path / "analysts" / "geowire-readonly.duckdb"
    first = demo.outlets[0].name
    ingest(**params(tmp_path, only=[first], publish_path=str(copy)))
    with duckdb.connect(str(copy), read_only=True) as analyst:  # held open during the next run
        before = analyst.execute("SELECT count(*) FROM articles").fetchone()[0]
        summary = ingest(**params(tmp_path, publish_path=str(copy)))
        assert summary.totals["articles_new"] > 0
        assert analyst.execute("SELECT count(*) FROM articles").fetchone()[0] == before
    assert rows(copy, "SELECT count(*) FROM articles") == [(len(demo.articles),)]


def test_data_checks_fail_the_run_loudly_with_the_offending_rows(
    tmp_path: Path, demo: DemoSites
) -> None:
    from flows.ingest import ChecksFailed

    ingest(**params(tmp_path, only=[demo.outlets[0].name]))
    db = tmp_path / "geowire.duckdb"
    with duckdb.connect(str(db)) as con:  # a bad row that slipped in from elsewhere
        con.execute(
            "UPDATE articles SET language = 'english' WHERE article_id = (SELECT min(article_id) FROM articles)"
        )
        bad = con.execute("SELECT article_id FROM articles WHERE language = 'english'").fetchone()[
            0
        ]
    with pytest.raises(
        ChecksFailed, match=rf"articles_language_code: .*1 rows, e\.g\. article_id={bad}"
    ):
        ingest(**params(tmp_path, only=[demo.outlets[0].name]))
    assert rows(db, "SELECT status FROM runs ORDER BY started_at DESC LIMIT 1") == [("failed",)]
