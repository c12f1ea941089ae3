"""Re-extraction from the WARC archive reaches stored articles without re-crawling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from crawlers.demo import start_demo_sites
from crawlers.extract import EXTRACTOR_VERSION
from crawlers.warc import WarcArchive
from flows.archive import import_warc, reextract
from flows.ingest import ingest


def test_reextract_updates_articles_from_the_archive_without_fetching(tmp_path: Path) -> None:
    db = tmp_path / "geowire.duckdb"
    with start_demo_sites() as demo:
        (tmp_path / "sources.toml").write_text(demo.sources_toml(), encoding="utf-8")
        ingest(sources_file=str(tmp_path / "sources.toml"), db_path=str(db), polite=False)
        total = len(demo.articles)
        demo.request_log.clear()
        # Pretend an older, worse cleaner produced the stored text.
        with duckdb.connect(str(db)) as con:
            con.execute(
                "UPDATE articles SET text = 'old text', content_hash = 'old', extractor_version = '0.old'"
            )
        result = reextract(db_path=str(db))
        assert len(demo.request_log) == 0, "re-extraction must not touch the network"
    assert sum(c["updated"] for c in result.per_source.values()) == total
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT DISTINCT extractor_version, version FROM articles"
        ).fetchall() == [(EXTRACTOR_VERSION, 2)]
        assert con.execute("SELECT count(*) FROM articles WHERE text = 'old text'").fetchone() == (
            0,
        )
    # Nothing changed since: a second re-extraction changes nothing.
    again = reextract(db_path=str(db))
    assert sum(c["updated"] for c in again.per_source.values()) == 0


def _write_warc(path: Path, records: list[tuple[str, str, bytes, datetime]]) -> None:
    archive = WarcArchive(path)
    for url, content_type, body, when in records:
        archive.write_response(url, 200, "OK", [("Content-Type", content_type)], body, when)
    archive.close()


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title} | Test Times</title></head><body><nav>Home World</nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>© 2026 Test Times</footer></body></html>"
    ).encode()


PARAGRAPHS = [
    "NAIROBI: Kenya and Ethiopia agreed on Tuesday to extend a cross-border power line, officials"
    " from both governments said after two days of talks in the Kenyan capital.",
    "The agreement covers financing for a second circuit and a joint operator, according to a"
    " statement released by the energy ministries, which gave no figure for the cost.",
    "Regional diplomats said the deal could anchor a wider East African power pool that has been"
    " discussed for more than a decade without much progress on the ground.",
]


def test_import_warc_loads_matching_pages_once_and_skips_known_files(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "test-times"\nhomepage = "https://testtimes.example/"\n'
        'country = "KE"\nlanguage = "en"\nfeeds = ["https://testtimes.example/rss"]\n',
        encoding="utf-8",
    )
    day = datetime(2026, 3, 2, 12, tzinfo=UTC)
    warc = tmp_path / "CC-NEWS-20260302.warc.gz"
    _write_warc(
        warc,
        [
            (
                "https://testtimes.example/africa/kenya-ethiopia-extend-power-line",
                "text/html",
                _page("Kenya and Ethiopia extend power line", PARAGRAPHS),
                day,
            ),
            (
                "https://testtimes.example/africa/old-story-outside-range",
                "text/html",
                _page("An old story", PARAGRAPHS[::-1]),
                day - timedelta(days=40),
            ),
            (
                "https://other.example/world/someone-elses-story-entirely",
                "text/html",
                _page("Not ours", PARAGRAPHS),
                day,
            ),
            ("https://testtimes.example/logo.png", "image/png", b"\x89PNG\r\n", day),
        ],
    )
    db = tmp_path / "geowire.duckdb"
    kwargs = {
        "sources_file": str(tmp_path / "sources.toml"),
        "db_path": str(db),
        "since": datetime(2026, 3, 1, tzinfo=UTC),
        "until": datetime(2026, 3, 3, tzinfo=UTC),
    }
    first = import_warc(files=[str(warc)], **kwargs)
    assert first.pages == {"test-times": 1} and first.articles_new == 1
    second = import_warc(files=[str(warc)], **kwargs)
    assert second.skipped == [str(warc.resolve())] and second.articles_new == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT title, source FROM articles").fetchall() == [
            ("Kenya and Ethiopia extend power line", "test-times")
        ]
    # a truncated download imports what precedes the damage and is not marked imported
    damaged = tmp_path / "CC-NEWS-damaged.warc.gz"
    damaged.write_bytes(warc.read_bytes()[:-40])
    third = import_warc(files=[str(damaged)], **kwargs)
    assert third.damaged and third.imported == []
