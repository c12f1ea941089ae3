"""Tier 1: recorded pages in tests/golden/pages against their expected article JSON."""

from __future__ import annotations

import gzip
import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.extract import extract_article
from crawlers.sources import Source

GOLDEN = Path(__file__).parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_regenerate", GOLDEN / "regenerate.py")
assert _spec and _spec.loader
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)
CASES = regenerate.load_cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_page_matches_expected_json(name: str) -> None:
    expected = json.loads(regenerate.expected_path(name).read_text(encoding="utf-8"))
    actual = regenerate.extract_case(name, CASES[name])
    assert actual == expected, (
        f"{name}: output changed; run tests/golden/regenerate.py {name} and review the diff"
    )


def test_every_golden_page_has_a_case_and_expected_json() -> None:
    pages = {p.name.removesuffix(".html.gz") for p in (GOLDEN / "pages").glob("*.html.gz")}
    assert pages == set(CASES)
    assert all(regenerate.expected_path(name).exists() for name in pages)


# --- the seed article (tests/golden/russia-india-article.txt, see /work/shared/seed/README.md) ---

SEED_LINES = [
    p.strip()
    for p in (GOLDEN / "russia-india-article.txt").read_text(encoding="utf-8").split("\n\n")
]
SEED_HEADLINE = SEED_LINES[0]
SEED_PARAGRAPHS = SEED_LINES[1 : SEED_LINES.index("Image courtesy of (Photo courtesy:")]


@pytest.fixture(scope="module")
def seed_article():
    source = Source(
        name="delhi-ledger",
        homepage="https://www.delhiledger.example/",
        country="IN",
        language="en",
        feeds=("https://www.delhiledger.example/rss/world.xml",),
    )
    html = gzip.decompress((GOLDEN / "pages" / "seed-russia-india.html.gz").read_bytes())
    return extract_article(
        "https://www.delhiledger.example/world/russia-welcomes-india-independent-position-ukraine-1131",
        html,
        datetime(2022, 2, 26, tzinfo=UTC),
        source,
    )


def test_seed_title_is_the_headline(seed_article) -> None:
    assert (
        seed_article.title
        == SEED_HEADLINE
        == "Russia welcomes India’s ‘independent’ position on Ukraine"
    )


def test_seed_body_has_every_paragraph(seed_article) -> None:
    assert SEED_PARAGRAPHS[0].startswith("New Delhi:")
    assert SEED_PARAGRAPHS[-1].endswith("at the same level.")
    # the seed has a no-break space after the dateline; compare with whitespace collapsed
    lines = {" ".join(line.split()) for line in seed_article.text.splitlines()}
    for paragraph in SEED_PARAGRAPHS:
        assert " ".join(paragraph.split()) in lines


@pytest.mark.parametrize("furniture", ["Share this post", "Image courtesy of", "Photo courtesy"])
def test_seed_body_has_no_furniture(seed_article, furniture: str) -> None:
    assert furniture not in seed_article.text


def test_seed_body_has_no_comments_newsletter_or_cookie_text(seed_article) -> None:
    for snippet in (
        "Balanced approach by the government",
        "Sign up for our newsletter",
        "We use cookies",
        "Advertisement",
        "Related:",
        "All rights reserved",
        "Share on Facebook",
    ):
        assert snippet not in seed_article.text


def test_seed_metadata(seed_article) -> None:
    assert seed_article.is_article
    assert seed_article.authors == ["Ananya Rao"]
    assert seed_article.published_at == datetime(2022, 2, 25, 13, 12, tzinfo=UTC)
    assert seed_article.language == "en"
    assert "Ukraine crisis" in seed_article.tags


def test_newsletter_post_keeps_the_report_and_drops_its_pitches() -> None:
    case = CASES["newsletter-pitches"]
    record = regenerate.extract_case("newsletter-pitches", case)
    text = record["text"]
    assert text.startswith("War-risk insurance for tankers")
    assert "- Tankers detained in the strait since 2019: eleven" in text
    for pitch in (
        "Welcome to Strait Dispatch",
        "join 12,000 others",
        "were forwarded",
        "share this post",
    ):
        assert pitch not in text
    assert "Red Sea convoys" not in text  # the teaser grid under the post
    assert record["authors"] == ["Mara Lindqvist"]
    assert record["published_at"] == "2026-11-20T03:30:00+00:00"  # +04:00 in the page
