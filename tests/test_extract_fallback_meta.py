"""trafilatura's metadata fallbacks, computed lazily, give extract_metadata's answers."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from crawlers.extract.decode import decode_html
from crawlers.extract.fallback_meta import FallbackMeta

PAGES = sorted((Path(__file__).parent / "golden" / "pages").glob("*.html.gz"))
FETCHED = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_fallbacks_match_trafilatura(path: Path) -> None:
    url = "https://www.example.org/news/story"
    markup = decode_html(gzip.decompress(path.read_bytes()))
    expected = extract_metadata(
        load_html(markup),
        url,
        {"original_date": True, "extensive_search": False, "max_date": "2026-04-02"},
    )
    fallback = FallbackMeta(load_html(markup), url, FETCHED)
    assert fallback.title == expected.title
    assert fallback.author == expected.author
    assert fallback.date == expected.date
    assert fallback.description == expected.description


def test_nothing_costly_runs_until_asked() -> None:
    tree = load_html("<html><head><title>Port deal</title></head><body><p>Text.</p></body></html>")
    fallback = FallbackMeta(tree, "https://www.example.org/a", FETCHED)
    assert fallback.title == "Port deal"
    assert "author" not in vars(fallback) and "date" not in vars(fallback)


def test_a_failing_heuristic_gives_no_answer_instead_of_an_error(monkeypatch) -> None:
    import crawlers.extract.fallback_meta as module

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("hostile page")

    monkeypatch.setattr(module, "find_date", broken)
    monkeypatch.setattr(module, "extract_author", broken)
    tree = load_html("<html><body><p>Text.</p></body></html>")
    fallback = FallbackMeta(tree, "https://www.example.org/a", FETCHED)
    assert fallback.date is None and fallback.author is None
