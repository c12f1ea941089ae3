"""The shard selection of the distributed ingest: stable, complete, disjoint."""

from __future__ import annotations

import pytest

from crawlers.sources import Source
from flows.distributed import select_shard, shard_of


def _sources(n: int) -> list[Source]:
    return [
        Source(
            name=f"outlet-{i}",
            homepage=f"https://outlet-{i}.example/",
            country="GB",
            language="en",
            feeds=(f"https://outlet-{i}.example/feed",),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("shards", [1, 2, 3, 7])
def test_every_source_lands_in_exactly_one_shard(shards: int) -> None:
    sources = _sources(40)
    parts = [select_shard(sources, k, shards) for k in range(shards)]
    names = [s.name for part in parts for s in part]
    assert sorted(names) == sorted(s.name for s in sources)
    assert len(names) == len(set(names))


def test_shards_keep_the_registry_order_and_spread_the_sources() -> None:
    sources = _sources(40)
    parts = [select_shard(sources, k, 4) for k in range(4)]
    for part in parts:
        assert part == sorted(part, key=sources.index)
    assert all(len(part) >= 4 for part in parts), [len(p) for p in parts]


def test_the_hash_is_stable_across_processes_and_runs() -> None:
    # Python's hash() is salted per process; these values must never change between releases,
    # or every worker would re-crawl sources another worker already knows.
    assert [shard_of(f"outlet-{i}", 5) for i in range(8)] == [3, 4, 1, 1, 3, 3, 0, 1]
    assert shard_of("the-hindu", 2) == 1
    assert shard_of("meridian-wire", 3) == 2


def test_adding_a_source_does_not_move_the_others() -> None:
    sources = _sources(10)
    before = {s.name: k for k in range(3) for s in select_shard(sources, k, 3)}
    after = {s.name: k for k in range(3) for s in select_shard(_sources(11), k, 3)}
    assert all(after[name] == shard for name, shard in before.items())


@pytest.mark.parametrize(("shard", "shards"), [(-1, 2), (2, 2), (0, 0)])
def test_bad_shard_numbers_are_refused(shard: int, shards: int) -> None:
    with pytest.raises(ValueError, match="shard"):
        select_shard(_sources(3), shard, shards)
