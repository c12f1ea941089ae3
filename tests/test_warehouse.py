"""Warehouse tests on real DuckDB files: migrations, loads, locks, state, checks, views and search."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crawlers.extract.article import Article
from tests.articles import make_article as synthetic_article
from warehouse.batch import read_article_batch, write_article_batch
from warehouse.checks import run_checks
from warehouse.db import (
    WarehouseError,
    WarehouseLockedError,
    connect,
    migration_files,
)
from warehouse.load import (
    finish_run,
    load_articles,
    load_fetches,
    record_run_source,
    start_run,
    update_feed_state,
    upsert_sources,
)
from warehouse.search import refresh_search_index, search
from warehouse.state import due_for_revisit, feed_validators, known_article_urls, recent_texts

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def make_article(n: int | str, **changes: Any) -> Article:
    url = f"https://news.example.org/world/{n}-story"
    text = str(changes.pop("text", f"Diplomats met in Geneva about item {n}."))
    fields: dict[str, Any] = {
        "title": f"Story {n}",
        "authors": ["A. Writer"],
        "published_at": T0 - timedelta(hours=2),
        "tags": ["world"],
        "extractor_version": "test-1",
        "fetched_at": T0,
        **changes,
    }
    return synthetic_article(url, text, source=fields.pop("source", "example"), **fields)


def batch(tmp_path: Path, articles: list[Article], name: str = "batch.parquet") -> Path:
    path = tmp_path / name
    write_article_batch(articles, path)
    return path


def rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "wh" / "geowire.duckdb"
    upsert_sources(path, [{"name": "example", "homepage": "https://news.example.org/"}])
    return path


# --- db.py: migrations, version and corruption errors, locks ---------------------------------


def test_migrations_from_empty_then_reapply_is_noop(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "w.duckdb"
    with connect(path) as con:
        first = con.execute("SELECT version, name FROM schema_version ORDER BY 1").fetchall()
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    assert first == [(v, n) for v, n, _ in migration_files()]
    assert {"articles", "article_versions", "fetches", "runs", "run_sources", "sources"} <= tables
    assert {"feed_state", "schema_version"} <= tables
    assert {"articles_per_source_day", "source_health", "article_history"} <= views
    with connect(path) as con:
        again = con.execute("SELECT version, name, applied_at FROM schema_version").fetchall()
    assert [(v, n) for v, n, _ in again] == first


def _write_header_version(path: Path, version: int) -> None:
    # The main header block: 8-byte checksum, "DUCK", the storage version; see DuckDB's Checksum().
    data = bytearray(path.read_bytes())
    data[12:20] = struct.pack("<Q", version)
    checksum = 5381
    for (word,) in struct.iter_unpack("<Q", bytes(data[8:4096])):
        checksum ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    data[0:8] = struct.pack("<Q", checksum)
    path.write_bytes(bytes(data))


def test_file_from_newer_duckdb_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "newer.duckdb"
    duckdb.connect(str(path)).close()
    _write_header_version(path, 999)
    with pytest.raises(WarehouseError, match="newer DuckDB"), connect(path):
        pass


def test_non_duckdb_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("these are not the bytes you are looking for\n" * 200)
    with pytest.raises(WarehouseError, match="not a usable DuckDB database"), connect(path):
        pass


def test_read_only_on_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    with (
        pytest.raises(WarehouseError, match="does not exist yet"),
        connect(missing, read_only=True),
    ):
        pass


HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("ready", flush=True)
sys.stdin.readline()
"""


def test_lock_held_by_another_process_waits_then_fails_clearly(db: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        messages: list[str] = []
        with (
            pytest.raises(WarehouseLockedError) as caught,
            connect(db, lock_timeout_s=1.0, on_wait=messages.append),
        ):
            pass
        assert f"pid {holder.pid}" in str(caught.value)
        assert "gave up after 1.0 s" in str(caught.value)
        assert messages and "locked by another process" in messages[0]
        assert "retrying in" in messages[0] and "giving up in" in messages[0]
    finally:
        holder.communicate("done\n", timeout=10)
    with connect(db) as con:  # released: opens at once
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_threads_in_one_process_take_turns(db: Path, tmp_path: Path) -> None:
    paths = [
        batch(tmp_path, [make_article(f"t{i}-{j}") for j in range(50)], f"t{i}.parquet")
        for i in range(4)
    ]
    errors: list[BaseException] = []

    def work(path: Path) -> None:
        try:
            load_articles(db, path, "run-threads")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert rows(db, "SELECT count(*) FROM articles") == [(200,)]


# --- batch.py -------------------------------------------------------------------------------


def test_batch_round_trips_articles(tmp_path: Path) -> None:
    articles = [make_article(1), make_article(2, published_at=None, title=None)]
    path = batch(tmp_path, articles)
    assert list(read_article_batch(path)) == articles


def test_batch_refuses_naive_datetimes(tmp_path: Path) -> None:
    naive = make_article(1, fetched_at=datetime(2026, 3, 1, 8, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        write_article_batch([naive], tmp_path / "b.parquet")
    assert not (tmp_path / "b.parquet").exists()


# --- load_articles --------------------------------------------------------------------------

ARTICLE_STATE = (
    "SELECT article_id, title, text, version, content_hash, first_seen_at, last_changed_at,"
    " last_seen_at, run_id FROM articles ORDER BY article_id"
)


def test_load_new_articles_then_reload_changes_nothing(db: Path, tmp_path: Path) -> None:
    path = batch(tmp_path, [make_article(1), make_article(2)])
    first = load_articles(db, path, "run-1")
    assert (first.new, first.updated, first.unchanged, first.non_articles) == (2, 0, 0, 0)
    assert first.per_source["example"].new == 2
    state = rows(db, ARTICLE_STATE)
    versions = rows(db, "SELECT * FROM article_versions ORDER BY ALL")
    assert [r[3] for r in state] == [1, 1] and len(versions) == 2
    assert state[0][5] == datetime(2026, 3, 1, 8, 0)  # stored as naive UTC

    again = load_articles(db, path, "run-2")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert rows(db, ARTICLE_STATE) == state
    assert rows(db, "SELECT * FROM article_versions ORDER BY ALL") == versions


def test_refetch_unchanged_moves_only_last_seen(db: Path, tmp_path: Path) -> None:
    load_articles(db, batch(tmp_path, [make_article(1)]), "run-1")
    before = rows(db, ARTICLE_STATE)[0]
    later = make_article(1, fetched_at=T0 + timedelta(hours=3), title="Retitled, same body")
    result = load_articles(db, batch(tmp_path, [later], "later.parquet"), "run-2")
    after = rows(db, ARTICLE_STATE)[0]
    assert result.unchanged == 1
    assert after[7] == datetime(2026, 3, 1, 11, 0)
    assert after[:7] + after[8:] == before[:7] + before[8:]
    assert rows(db, "SELECT count(*) FROM article_versions") == [(1,)]


def test_changed_text_makes_version_2_and_keeps_version_1(db: Path, tmp_path: Path) -> None:
    load_articles(db, batch(tmp_path, [make_article(1)]), "run-1")
    edited = make_article(
        1, text="Corrected: diplomats met in Vienna.", fetched_at=T0 + timedelta(hours=6)
    )
    result = load_articles(db, batch(tmp_path, [edited], "edit.parquet"), "run-2")
    assert (result.new, result.updated) == (0, 1)
    (_, _, text, version, _, first_seen, changed, seen, run_id) = rows(db, ARTICLE_STATE)[0]
    assert (text, version, run_id) == (edited.text, 2, "run-2")
    assert first_seen == datetime(2026, 3, 1, 8, 0) and changed == seen == datetime(
        2026, 3, 1, 14, 0
    )
    history = rows(db, "SELECT version, text, run_id FROM article_versions ORDER BY version")
    assert history == [(1, make_article(1).text, "run-1"), (2, edited.text, "run-2")]
    # Loading the edit again, or the old fetch again, changes nothing.
    load_articles(db, batch(tmp_path, [edited], "edit.parquet"), "run-3")
    old = load_articles(db, batch(tmp_path, [make_article(1)], "old.parquet"), "run-4")
    assert old.stale == 1
    assert rows(db, "SELECT text, version FROM articles") == [(edited.text, 2)]
    assert rows(db, "SELECT count(*) FROM article_versions") == [(2,)]
    assert rows(db, "SELECT versions, is_current FROM article_history ORDER BY version") == [
        (2, False),
        (2, True),
    ]


def test_duplicate_ids_in_batch_keep_latest_fetch(db: Path, tmp_path: Path) -> None:
    early = make_article(1, text="first draft", fetched_at=T0)
    late = make_article(1, text="final text", fetched_at=T0 + timedelta(minutes=30))
    result = load_articles(db, batch(tmp_path, [late, early, make_article(2)]), "run-1")
    assert (result.new, result.duplicates) == (2, 1)
    assert rows(db, "SELECT text, version FROM articles WHERE text LIKE 'f%'") == [
        ("final text", 1)
    ]


def test_non_articles_are_counted_not_loaded(db: Path, tmp_path: Path) -> None:
    other = replace(make_article(2, text="Subscribe now"), source="other")
    page = [
        make_article(1),
        replace(make_article(9), is_article=False),
        replace(other, is_article=False),
    ]
    result = load_articles(db, batch(tmp_path, page), "run-1")
    assert (result.new, result.non_articles) == (1, 2)
    assert result.per_source["other"].non_articles == 1
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]


def test_untrusted_strings_round_trip(db: Path, tmp_path: Path) -> None:
    nasty = "'; DROP TABLE articles; --"
    article = make_article(
        'quote\'s-"double"',
        title=nasty,
        text="Ünïcødé — 東京 📰 \u202eRTL\u202c \\ backslash ' \" %s $1 ?",
        authors=["O'Brien", 'Say "hi"', nasty],
        tags=["a,b", "{x}", "[y]"],
        description="$run_id ? :name",
    )
    article = replace(article, url=article.url + '?q=1\'--&x="y"')
    load_articles(db, batch(tmp_path, [article]), "run'); DROP TABLE runs; --")
    [stored] = rows(
        db,
        "SELECT url, canonical_url, title, text, authors, tags, description, run_id FROM articles",
    )
    assert stored == (
        article.url,
        article.canonical_url,
        nasty,
        article.text,
        article.authors,
        article.tags,
        article.description,
        "run'); DROP TABLE runs; --",
    )
    assert list(known_article_urls(db, "example")) == [article.canonical_url]


def test_missing_or_wrong_batch_is_a_clear_error(db: Path, tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist"):
        load_articles(db, tmp_path / "nope.parquet", "run-1")
    other = tmp_path / "other.parquet"
    with connect(tmp_path / "scratch.duckdb") as con:
        con.execute("COPY (SELECT 1 AS url) TO ? (FORMAT parquet)", [str(other)])
    with pytest.raises(WarehouseError, match="missing columns"):
        load_articles(db, other, "run-1")


# --- fetch log, runs, sources, feed state, views --------------------------------------------


def _fetch(url: str, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "run_id": "run-1",
        "source": "example",
        "url": url,
        "kind": "article",
        "status": 200,
        "content_type": "text/html",
        "size": 1234,
        "fetched_at": "2026-03-01T08:00:00Z",
        "elapsed_ms": 12.5,
        "error": None,
        "error_kind": None,
        "warc_file": "warc/run-1.warc.gz",
        "warc_offset": 0,
        "warc_length": 999,
        "etag": None,
        "last_modified": None,
        "content_hash": "abc",
    }
    row.update(fields)
    return row


def test_load_fetches_is_idempotent_and_feeds_source_health(db: Path, tmp_path: Path) -> None:
    log = tmp_path / "fetches-example.jsonl"
    lines = [
        _fetch("https://news.example.org/a"),
        _fetch(
            "https://news.example.org/b",
            status=None,
            error="timed out",
            error_kind="timeout",
            fetched_at="2026-03-01T09:00:00+01:00",
        ),
        _fetch(
            "https://news.example.org/c",
            status=503,
            error="HTTP 503",
            error_kind="http",
            fetched_at="2026-03-01T08:30:00Z",
        ),
    ]
    log.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert load_fetches(db, log, "run-1") == 3
    assert load_fetches(db, log, "run-1") == 3
    assert rows(db, "SELECT count(*), min(fetched_at) FROM fetches") == [
        (3, datetime(2026, 3, 1, 8, 0))
    ]
    start_run(db, "run-1", started_at=T0, sources_file="sources.toml")
    record_run_source(
        db, "run-1", "example", status="failed", pages_fetched=3, failures=2, error="mostly down"
    )
    totals = finish_run(db, "run-1", "completed", finished_at=T0 + timedelta(minutes=5))
    assert totals["pages_fetched"] == 3 and totals["failures"] == 2
    [health] = rows(
        db,
        "SELECT source, last_success_at, consecutive_failures, last_error_kind FROM source_health",
    )
    assert health == ("example", datetime(2026, 3, 1, 8, 0), 1, "http")


def test_bad_fetch_log_line_names_the_line(db: Path, tmp_path: Path) -> None:
    log = tmp_path / "fetches.jsonl"
    log.write_text(json.dumps(_fetch("https://x.org/")) + "\n{not json\n")
    with pytest.raises(WarehouseError, match=r"fetches.jsonl:2"):
        load_fetches(db, log, "run-1")


def test_upsert_sources_updates_only_on_change(db: Path) -> None:
    source = {
        "name": "example",
        "homepage": "https://news.example.org/",
        "country": "CH",
        "language": "en",
    }
    upsert_sources(db, [source])
    [(first_added, updated, config)] = rows(
        db, "SELECT first_added_at, updated_at, config FROM sources"
    )
    upsert_sources(db, [source])
    assert rows(db, "SELECT updated_at FROM sources") == [(updated,)]
    assert json.loads(config)["country"] == "CH"
    upsert_sources(db, [{**source, "language": "fr"}])
    [(added_again, updated_again)] = rows(db, "SELECT first_added_at, updated_at FROM sources")
    assert added_again == first_added and updated_again >= updated


def test_feed_state_and_validators(db: Path) -> None:
    feed = "https://news.example.org/rss.xml"
    update_feed_state(
        db,
        [
            {
                "url": feed,
                "source": "example",
                "etag": 'W/"1"',
                "last_modified": "Sun, 01 Mar 2026 07:00:00 GMT",
                "content_hash": "h1",
                "fetched_at": T0,
                "status": 200,
            }
        ],
    )
    update_feed_state(
        db,
        [{"url": feed, "source": "example", "fetched_at": T0 + timedelta(hours=1), "status": 304}],
    )
    assert feed_validators(db, [feed, "https://unknown/"]) == {
        feed: {
            "etag": 'W/"1"',
            "last_modified": "Sun, 01 Mar 2026 07:00:00 GMT",
            "content_hash": "h1",
        }
    }
    # An older row arriving late does not roll the state back.
    update_feed_state(
        db, [{"url": feed, "etag": "old", "fetched_at": T0 - timedelta(days=1), "status": 200}]
    )
    assert rows(db, "SELECT etag, last_status, last_changed_at FROM feed_state") == [
        ('W/"1"', 304, datetime(2026, 3, 1, 8, 0))
    ]


def test_articles_per_source_day(db: Path, tmp_path: Path) -> None:
    day2 = make_article(3, published_at=T0 + timedelta(days=1))
    load_articles(db, batch(tmp_path, [make_article(1), make_article(2), day2]), "run-1")
    assert rows(db, "SELECT * FROM articles_per_source_day ORDER BY day") == [
        ("example", datetime(2026, 3, 1).date(), 2),
        ("example", datetime(2026, 3, 2).date(), 1),
    ]


# --- state ----------------------------------------------------------------------------------


def test_state_on_missing_warehouse_is_empty(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    assert known_article_urls(missing, "example") == {}
    assert due_for_revisit(missing, "example", T0) == []
    assert feed_validators(missing, ["https://x/"]) == {}


def test_due_for_revisit_follows_the_schedule(db: Path, tmp_path: Path) -> None:
    load_articles(db, batch(tmp_path, [make_article(1), make_article(2)]), "run-1")
    url1, url2 = make_article(1).url, make_article(2).url
    assert due_for_revisit(db, "example", T0 + timedelta(minutes=59)) == []
    assert due_for_revisit(db, "example", T0 + timedelta(hours=1)) == [url1, url2]
    # Article 1 re-fetched at +2h: not due again until +6h; article 2 still owes the +1h visit.
    refetch = make_article(1, fetched_at=T0 + timedelta(hours=2))
    load_articles(db, batch(tmp_path, [refetch], "refetch.parquet"), "run-2")
    assert due_for_revisit(db, "example", T0 + timedelta(hours=5)) == [url2]
    assert due_for_revisit(db, "example", T0 + timedelta(hours=6)) == [url2, url1]
    assert due_for_revisit(db, "other", T0 + timedelta(hours=6)) == []
    known = known_article_urls(db, "example")
    assert known[url1].first_seen_at == T0 and known[url1].last_seen_at == T0 + timedelta(hours=2)


# --- checks and search ----------------------------------------------------------------------


def test_checks_pass_on_clean_data_and_catch_bad_rows(db: Path, tmp_path: Path) -> None:
    load_articles(db, batch(tmp_path, [make_article(1), make_article(2)]), "run-1")
    assert run_checks(db, now=T0) == []
    bad = [
        make_article(3, published_at=T0 + timedelta(days=3)),
        make_article(4, language="english"),
        make_article(5, text="   "),
    ]
    load_articles(db, batch(tmp_path, bad, "bad.parquet"), "run-2")
    failures = {f.name: f for f in run_checks(db, now=T0)}
    assert set(failures) == {
        "articles_published_not_future",
        "articles_language_code",
        "articles_text_not_empty",
    }
    assert failures["articles_language_code"].sample[0]["language"] == "english"
    assert failures["articles_published_not_future"].count == 1


def test_search_finds_a_word_offline(db: Path, tmp_path: Path) -> None:
    articles = [
        make_article(1, text="Ceasefire talks resumed in Doha; ceasefire monitors arrive."),
        make_article(
            2, text="Grain exports through the Black Sea rose.", title="Grain ceasefire hopes"
        ),
        make_article(3, text="Elections were held in the north."),
    ]
    load_articles(db, batch(tmp_path, articles), "run-1")
    with pytest.raises(WarehouseError, match="refresh_search_index"):
        search(db, "ceasefire")
    assert refresh_search_index(db) is True
    assert refresh_search_index(db) is False  # nothing changed since the build
    hits = search(db, "ceasefire", limit=5)
    assert [h.article_id for h in hits] == [articles[0].article_id, articles[1].article_id]
    assert hits[0].score > hits[1].score and hits[0].published_at == T0 - timedelta(hours=2)
    assert search(db, "'; DROP TABLE articles; --") == []
    assert search(db, "grain", source="other") == []


def test_search_index_is_rebuilt_after_a_change(db: Path, tmp_path: Path) -> None:
    load_articles(db, batch(tmp_path, [make_article(1)]), "run-1")
    refresh_search_index(db)
    assert search(db, "ceasefire") == []
    edited = make_article(1, text="A ceasefire was agreed.", fetched_at=T0 + timedelta(hours=1))
    load_articles(db, batch(tmp_path, [edited], "edit.parquet"), "run-2")
    assert refresh_search_index(db) is True
    assert [h.article_id for h in search(db, "ceasefire")] == [edited.article_id]


def test_template_lines_feed_later_template_learning(db: Path, tmp_path: Path) -> None:
    """Night 1 learns a pitch from a big batch and stores the articles without it; night 2's
    small batch must still see the pitch repeat, through the stored template lines."""
    from crawlers.extract.template import learn_template_lines, strip_template

    pitch = "Get the Ledger's morning briefing delivered to your inbox every day."
    night1 = [make_article(n, text=f"Reporting on talks in city {n}.\n{pitch}") for n in range(20)]
    template = learn_template_lines(a.text for a in night1)
    stored = [strip_template(a, template) for a in night1]
    assert all(pitch not in a.text and a.template_lines == [pitch] for a in stored)
    load_articles(db, batch(tmp_path, stored), "run-1")

    recent = recent_texts(db, "example")
    night2 = [make_article(f"n2-{n}", text=f"New talks in town {n}.\n{pitch}") for n in range(3)]
    assert learn_template_lines([*recent.values(), *(a.text for a in night2)]) == {pitch.lower()}
    # without the stored template lines the 3 new pages are far under 30% of 23 texts
    bare = [t.split("\n")[0] for t in recent.values()]
    assert learn_template_lines([*bare, *(a.text for a in night2)]) == frozenset()


def test_a_batch_from_before_template_lines_still_loads(db: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = batch(tmp_path, [make_article(1)])
    table = pq.read_table(path).drop_columns(["template_lines"])
    pq.write_table(table, path)
    assert load_articles(db, path, "run-1").new == 1
    assert rows(db, "SELECT template_lines FROM articles") == [([],)]


def test_unchanged_text_still_takes_the_newer_extractors_metadata(db: Path, tmp_path: Path) -> None:
    load_articles(db, batch(tmp_path, [make_article(1)]), "run-1")
    better = make_article(
        1, authors=["Jane Doe"], extractor_version="test-2", quality_flags=["recall_more"]
    )
    result = load_articles(db, batch(tmp_path, [better], "reextract.parquet"), "reextract")
    assert result.unchanged == 1
    state = "SELECT authors, extractor_version, quality_flags, version FROM articles"
    assert rows(db, state) == [(["Jane Doe"], "test-2", ["recall_more"], 1)]
    assert rows(db, "SELECT count(*) FROM article_versions") == [(1,)]
    # an older fetch of the same text never overwrites a newer record
    older = make_article(1, authors=["Old Name"], fetched_at=T0 - timedelta(days=1))
    load_articles(db, batch(tmp_path, [older], "older.parquet"), "run-3")
    assert rows(db, state) == [(["Jane Doe"], "test-2", ["recall_more"], 1)]
