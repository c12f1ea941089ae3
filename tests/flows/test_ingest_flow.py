"""Tier 4: the real `ingest` flow (Prefect, Scrapy subprocesses, trafilatura, DuckDB) on the demo."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from crawlers.demo import DemoSites, start_demo_sites
from flows.ingest import ingest
from warehouse.search import search

SEED_TITLE = "Russia welcomes India’s ‘independent’ position on Ukraine"
FURNITURE = ("Share this post", "Image courtesy of", "Photo courtesy")


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def demo() -> DemoSites:
    with start_demo_sites() as sites:
        yield sites


@pytest.fixture(scope="module")
def first_run(demo: DemoSites, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("flow")
    sources = root / "sources.toml"
    sources.write_text(demo.sources_toml(), encoding="utf-8")
    db = root / "geowire.duckdb"
    params = {"sources_file": str(sources), "db_path": str(db), "polite": False}
    summary = ingest(**params)
    return params, db, summary


def test_first_run_loads_every_public_demo_article_once(demo: DemoSites, first_run) -> None:
    _params, db, summary = first_run
    expected = {a.title for a in demo.articles}
    titles = [row[0] for row in query(db, "SELECT title FROM articles")]
    assert len(titles) == len(set(titles)), "an article was loaded twice"
    assert set(titles) == expected
    assert summary.totals["articles_new"] == len(expected)
    private = {a.title for a in demo.private_articles}
    assert not private & set(titles), "robots.txt-disallowed articles must never be fetched"
    assert query(db, "SELECT status FROM runs") == [("completed",)]
    logged = {s for (s,) in query(db, "SELECT DISTINCT source FROM fetches WHERE kind = 'article'")}
    assert logged == {o.name for o in demo.outlets}, "every source's fetch log must be loaded"


def test_seed_article_is_clean(first_run) -> None:
    _params, db, _summary = first_run
    seed_text = (Path(__file__).parent.parent / "data" / "seed_article.txt").read_text("utf-8")
    paragraphs = [p for p in seed_text.split("\n\n")[1:] if p.strip()]
    rows = query(
        db, "SELECT text, authors, published_at FROM articles WHERE title = ?", [SEED_TITLE]
    )
    assert len(rows) == 1, "the seed article must load with its headline as title"
    text = rows[0][0]
    flat = " ".join(text.split())  # cleaning normalises whitespace (the seed has a no-break space)
    for paragraph in paragraphs:
        assert " ".join(paragraph.split()) in flat
    for furniture in FURNITURE:
        assert furniture not in text


def test_second_run_adds_and_changes_nothing(demo: DemoSites, first_run) -> None:
    params, db, _summary = first_run
    before = query(db, "SELECT article_id, content_hash, version, title FROM articles ORDER BY 1")
    versions = query(db, "SELECT count(*) FROM article_versions")
    demo.request_log.clear()
    summary = ingest(**params)
    assert summary.totals["articles_new"] == 0
    assert summary.totals["articles_updated"] == 0
    assert (
        query(db, "SELECT article_id, content_hash, version, title FROM articles ORDER BY 1")
        == before
    )
    assert query(db, "SELECT count(*) FROM article_versions") == versions
    article_paths = {Path(a.url).name for a in demo.articles}
    refetched = [r for r in demo.request_log if Path(r.path.split("?")[0]).name in article_paths]
    assert refetched == [], "a stored article not due for a re-visit was fetched again"


def test_seed_article_countries_and_quotes(first_run) -> None:
    _params, db, _summary = first_run
    countries = {
        code
        for (code,) in query(
            db,
            "SELECT c.alpha2 FROM article_countries c JOIN articles a USING (article_id)"
            " WHERE a.title = ?",
            [SEED_TITLE],
        )
    }
    assert {"IN", "RU", "UA"} <= countries
    speakers = query(
        db,
        "SELECT q.speaker, q.quote FROM article_quotes q JOIN articles a USING (article_id)"
        " WHERE a.title = ? ORDER BY q.n",
        [SEED_TITLE],
    )
    assert len(speakers) >= 4
    assert {speaker for speaker, _ in speakers} == {"Roman Babushkin"}
    dateline = query(
        db,
        "SELECT e.dateline_place, e.dateline_country FROM article_enrichment e"
        " JOIN articles a USING (article_id) WHERE a.title = ?",
        [SEED_TITLE],
    )
    assert dateline == [("New Delhi", "IN")]


def test_wire_copies_cluster_and_analysis_views_answer(demo: DemoSites, first_run) -> None:
    _params, db, _summary = first_run
    pairs: dict[str, set[str]] = {}
    for article in demo.articles:
        if article.wire_story:
            pairs.setdefault(article.wire_story, set()).add(article.title)
    assert len(pairs) == 2
    for titles in pairs.values():
        clusters = query(
            db,
            "SELECT DISTINCT s.cluster_id FROM syndication s JOIN articles a USING (article_id)"
            " WHERE a.title IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(titles)],
        )
        assert len(clusters) == 1, f"wire copies {titles} must form one cluster"
    copies = query(db, "SELECT count(*) FROM syndication_clusters WHERE copies > 0")
    assert copies == [(2,)]
    for view in (
        "articles_per_source_day",
        "coverage_by_country_source_day",
        "country_comentions",
        "independent_reports_by_country_day",
        "quoted_speakers_by_country",
        "source_health",
    ):
        assert query(db, f"SELECT count(*) FROM {view}")[0][0] > 0, view  # view names: fixed list
    hits = search(db, "Babushkin")
    assert hits and hits[0].title == SEED_TITLE


def test_run_summary_is_published_as_a_prefect_artifact(first_run) -> None:
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    _params, _db, summary = first_run

    async def latest() -> list:
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-summary"]))
            )

    artifacts = asyncio.run(latest())
    assert artifacts, "the ingest flow must publish an 'ingest-summary' artifact"
    markdown = next(a.data for a in artifacts if summary.run_id in (a.data or ""))
    for outlet in ("delhi-chronicle", "equator-sentinel", "meridian-wire"):
        assert f"| {outlet} |" in markdown
    assert Path(summary.report_path).is_file()
