"""Re-extraction from the WARC archive reaches stored articles without re-crawling."""

from __future__ import annotations

from pathlib import Path

import duckdb

from crawlers.demo import start_demo_sites
from crawlers.extract import EXTRACTOR_VERSION
from flows.archive import reextract
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
