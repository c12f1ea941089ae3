"""Tier 4: the sharded path (two shards, a local Dask cluster, one loader) against `ingest`."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from crawlers.demo import DemoSites, start_demo_sites
from crawlers.sources import load_sources
from flows.distributed import ingest_shard, load_shards, select_shard
from flows.ingest import ingest


def articles(db: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return set(con.execute("SELECT article_id, content_hash FROM articles").fetchall())


@pytest.fixture(scope="module")
def demo() -> DemoSites:
    with start_demo_sites() as sites:
        yield sites


def test_two_shards_on_dask_load_the_same_articles_as_one_machine(
    demo: DemoSites, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(demo.sources_toml(), encoding="utf-8")
    single = tmp_path / "single.duckdb"
    ingest(sources_file=str(sources), db_path=str(single), polite=False)

    shared = tmp_path / "shared"
    names = [s.name for s in load_sources(sources)]
    summaries = [
        ingest_shard(
            sources_file=str(sources),
            shared_dir=str(shared),
            shard=k,
            shards=2,
            run_id="nightly-1",
            polite=False,
            dask_workers=2,
        )
        for k in range(2)
    ]
    assert sorted(n for s in summaries for n in s.sources) == sorted(names)
    assert all(not s.failed for s in summaries)
    workers = {w.rsplit(":", 1)[1] for s in summaries for w in s.cleaned_by.values()}
    assert workers and str(os.getpid()) not in workers, "cleaning must run on the Dask workers"
    assert [len(s.sources) for s in summaries] == [
        len(select_shard(load_sources(sources), k, 2)) for k in range(2)
    ]
    merged = tmp_path / "merged.duckdb"
    outcomes = load_shards(shared_dir=str(shared), db_path=str(merged))

    assert sorted(o.source for o in outcomes) == sorted(names)
    assert articles(merged) == articles(single)
    assert len(articles(merged)) == len(demo.articles)
    with duckdb.connect(str(merged), read_only=True) as con:
        assert con.execute("SELECT run_id, status FROM runs").fetchall() == [
            ("nightly-1", "completed")
        ]
    # Loading again finds nothing new; the next shard run gets the loader's state snapshot.
    assert load_shards(shared_dir=str(shared), db_path=str(merged)) == []
    for name in names:
        known = (shared / "state" / name / "known_urls.txt").read_text(encoding="utf-8").split()
        assert known, f"{name}: no known URLs exported for the next shard run"
