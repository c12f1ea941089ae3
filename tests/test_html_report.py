"""The HTML run report and its markdown summary, on a real DuckDB file built with the warehouse API."""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pycountry
import pytest

from crawlers.extract.article import Article
from flows.html_report import collect_run_report, run_report_markdown, write_run_report
from tests.articles import make_article
from warehouse.batch import write_article_batch
from warehouse.db import WarehouseError, connect
from warehouse.load import (
    finish_run,
    load_articles,
    load_fetches,
    record_run_source,
    start_run,
    upsert_sources,
)

RUN_AT = datetime(2026, 3, 30, 2, 0, tzinfo=UTC)
RUN_ID = "20260330T020000-report"
SOURCES = {"delhi-daily": "IN", "karachi-post": "PK", "nairobi-star": "KE", "lagos-times": "NG"}
MENTIONED = ["IN", "PK", "CN", "US", "KE", "NG", "RU", "UA", "IL", "IR"]
WEIGHTS = [10, 8, 6, 6, 4, 3, 3, 2, 2, 1]  # a few countries dominate the news, as they do


def article(source: str, n: int, published: datetime, flags: list[str]) -> Article:
    return make_article(
        f"https://{source}.example/world/{n}",
        f"Story {n} from {source}. " * 20,
        source=source,
        fetched_at=published + timedelta(hours=3),
        title=f"Story {n}",
        published_at=published,
        quality_flags=flags,
        extractor_version="test",
    )


def build_warehouse(tmp_path: Path, mentions: bool) -> Path:
    """Four outlets, a month of articles, one run with fetch failures and flagged articles."""
    db = tmp_path / "report.duckdb"
    upsert_sources(
        db,
        [
            {"name": n, "homepage": f"https://{n}.example/", "country": c}
            for n, c in SOURCES.items()
        ],
    )
    rng = random.Random(7)
    history: list[Article] = []
    fresh: list[Article] = []
    for source in SOURCES:
        for day in range(30):
            for k in range(rng.randint(0, 5)):
                when = RUN_AT - timedelta(days=day, hours=rng.randint(3, 20))
                flags = ["boilerplate_suspected"] if rng.random() < 0.1 else []
                item = article(source, day * 10 + k, when, flags)
                (fresh if day == 0 else history).append(item)
    write_article_batch(history, tmp_path / "history.parquet")
    write_article_batch(fresh, tmp_path / "fresh.parquet")
    start_run(db, "20260301-old", started_at=RUN_AT - timedelta(days=29))
    load_articles(db, tmp_path / "history.parquet", "20260301-old")
    finish_run(db, "20260301-old", "completed", finished_at=RUN_AT - timedelta(days=29))

    start_run(db, RUN_ID, started_at=RUN_AT)
    log = tmp_path / "delhi-daily" / "fetches.jsonl"
    log.parent.mkdir()
    fetched = RUN_AT.isoformat()
    lines = [
        {"source": "delhi-daily", "url": "https://delhi-daily.example/rss", "kind": "feed", "status": 200},
        {"source": "delhi-daily", "url": "https://delhi-daily.example/a", "kind": "article", "status": 404},
        {"source": "delhi-daily", "url": "https://delhi-daily.example/b", "kind": "article", "status": 404},
        {"source": "delhi-daily", "url": "https://delhi-daily.example/c", "kind": "article",
         "error_kind": "timeout", "error": "timed out"},
        {"source": "delhi-daily", "url": "https://delhi-daily.example/d", "kind": "article",
         "error_kind": "robots", "error": "forbidden by robots.txt"},
    ]  # fmt: skip
    log.write_text("\n".join(json.dumps({**x, "fetched_at": fetched}) for x in lines) + "\n")
    load_fetches(db, log, RUN_ID)
    load_articles(db, tmp_path / "fresh.parquet", RUN_ID)
    for source in SOURCES:
        new = sum(1 for a in fresh if a.source == source)
        record_run_source(
            db, RUN_ID, source, status="completed", pages_fetched=new + 2, articles_new=new
        )
    record_run_source(
        db, RUN_ID, "delhi-daily", status="partial", pages_fetched=5, failures=3, error="HTTP 404"
    )
    record_run_source(
        db, RUN_ID, "lagos-times", status="failed", failures=1, error="DNS lookup failed"
    )
    finish_run(db, RUN_ID, "completed", finished_at=RUN_AT + timedelta(minutes=20))
    if mentions:
        with connect(db) as con:
            # Migration 004 creates this table; a warehouse without it gets the same shape here.
            con.execute(
                "CREATE TABLE IF NOT EXISTS article_countries (article_id VARCHAR NOT NULL,"
                " alpha2 VARCHAR NOT NULL, alpha3 VARCHAR NOT NULL, mentions INTEGER NOT NULL,"
                " first_offset INTEGER, PRIMARY KEY (article_id, alpha2))"
            )
            rows = [
                {
                    "article_id": item.article_id,
                    "alpha2": code,
                    "alpha3": pycountry.countries.get(alpha_2=code).alpha_3,
                    "mentions": rng.randint(1, 4),
                    "first_offset": rng.randint(0, 500),
                }
                for item in [*history, *fresh]
                for code in set(rng.choices(MENTIONED, WEIGHTS, k=rng.randint(1, 4)))
            ]
            con.register("incoming", pa.Table.from_pylist(rows))
            con.execute(
                "INSERT INTO article_countries (article_id, alpha2, alpha3, mentions, first_offset)"
                " SELECT article_id, alpha2, alpha3, mentions, first_offset FROM incoming"
            )
    return db


@pytest.fixture(scope="module")
def warehouse_with_mentions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("mentions"), mentions=True)


@pytest.fixture(scope="module")
def warehouse_without_mentions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("outlets"), mentions=False)


def test_report_data_per_source(warehouse_without_mentions: Path) -> None:
    report = collect_run_report(warehouse_without_mentions, RUN_ID)
    by_source = {s.source: s for s in report.sources}
    assert set(by_source) == set(SOURCES)
    delhi = by_source["delhi-daily"]
    assert delhi.status == "partial"
    assert delhi.failures_by_kind == {"http_404": 2, "timeout": 1}  # robots.txt is no failure
    assert by_source["lagos-times"].status == "failed"
    flagged = sum(sum(s.quality_flags.values()) for s in report.sources)
    assert flagged == sum(s.quality_flags.get("boilerplate_suspected", 0) for s in report.sources)
    assert report.country_basis == "outlet" and report.comentions is None
    assert set(report.country_coverage.series) == set(SOURCES.values())
    assert len(report.articles_per_day.days) == 30
    assert report.window_end == RUN_AT.date()


def test_unknown_run_is_a_clear_error(warehouse_without_mentions: Path) -> None:
    with pytest.raises(WarehouseError, match="not-a-run"):
        collect_run_report(warehouse_without_mentions, "not-a-run")


def assert_self_contained(page: str) -> None:
    assert "<script" not in page.lower()
    assert not re.search(r"<link[^>]+href=", page, re.I)
    assert not re.search(r"""(src|href)=["']?https?:""", page, re.I)
    assert "https://cdn" not in page and "@import" not in page
    assert not re.search(r"url\(\s*['\"]?https?:", page, re.I)


def test_html_report_without_mentions_notes_the_heat_map(
    warehouse_without_mentions: Path, tmp_path: Path
) -> None:
    out = write_run_report(warehouse_without_mentions, RUN_ID, tmp_path / "r" / "report.html")
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    assert '<svg id="chart-articles-per-day"' in page
    assert '<svg id="chart-country-coverage"' in page
    assert 'id="chart-comention"' in page and "needs per-article country" in page
    assert "http_404 2" in page and "timeout 1" in page and "boilerplate_suspected" in page


def test_html_report_with_mentions_has_heat_map(
    warehouse_with_mentions: Path, tmp_path: Path
) -> None:
    report = collect_run_report(warehouse_with_mentions, RUN_ID)
    assert report.country_basis == "mentions" and report.comentions is not None
    assert set(report.comentions.countries) == set(MENTIONED)
    counts = report.comentions.counts
    assert all(counts[i][j] == counts[j][i] for i in range(10) for j in range(10))
    assert all(counts[i][i] >= max(counts[i]) for i in range(10))
    out = write_run_report(warehouse_with_mentions, RUN_ID, tmp_path / "report.html")
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    for chart in ("chart-articles-per-day", "chart-country-coverage", "chart-comention"):
        assert f'<svg id="{chart}"' in page
    assert "Pakistan and India" in page or "India and Pakistan" in page


def test_markdown_summary(warehouse_with_mentions: Path) -> None:
    text = run_report_markdown(warehouse_with_mentions, RUN_ID)
    assert text.startswith(f"# geowire run {RUN_ID}: completed")
    assert "| delhi-daily | partial | 5 |" in text
    assert "3 (http_404 2, timeout 1)" in text
    assert "(by mentions)" in text


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode a non-interlaced 8-bit RGB/RGBA PNG (what Chromium writes) into rows of pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, bpp, rows


def test_report_renders_in_headless_chromium(warehouse_with_mentions: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium) to render the report")
    out = write_run_report(warehouse_with_mentions, RUN_ID, tmp_path / "report.html")
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1200,2000",
                out.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert shot.is_file() and shot.stat().st_size > 10_000, "chromium wrote no screenshot"
    width, bpp, rows = png_pixels(shot)
    colours = {row[i : i + 3] for row in rows[::7] for i in range(0, width * bpp, 7 * bpp)}
    assert len(colours) > 30, f"the page rendered as only {len(colours)} colours"
    # The charts draw the palette's colours somewhere down the page.
    assert bytes.fromhex("4e79a7") in colours or bytes.fromhex("f28e2b") in colours


def test_empty_run_renders_notes_instead_of_charts(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    start_run(db, "empty", started_at=RUN_AT)
    finish_run(db, "empty", "completed", finished_at=RUN_AT)
    page = write_run_report(db, "empty", tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "No source was recorded" in page and "No articles in this window" in page
    assert_self_contained(page)
    assert run_report_markdown(db, "empty").startswith("# geowire run empty: completed")
