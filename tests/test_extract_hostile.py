"""Hostile input: the extractor returns a flagged non-article instead of raising."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime

import pytest

from crawlers.extract import EXTRACTOR_VERSION, Article, extract_article
from crawlers.extract.decode import NotHtml, decode_html
from crawlers.sources import Source

SOURCE = Source(
    name="harbour-review",
    homepage="https://harbourreview.example/",
    country="GB",
    language="en",
    feeds=("https://harbourreview.example/feed",),
)
URL = "https://harbourreview.example/news/port-traffic-slumps-2025"
FETCHED = datetime(2025, 11, 5, tzinfo=UTC)
PARAGRAPH = (
    "The port authority said on Tuesday that container traffic through the northern terminal fell "
    "by a fifth in the third quarter, the steepest drop since the pandemic, as shipping lines "
    "rerouted vessels away from the strait and insurers raised their premiums again."
)
ARTICLE = (
    "<html><head><title>Port traffic slumps</title></head><body><article><h1>Port traffic slumps</h1>"
    + f"<p>{PARAGRAPH}</p>" * 4
    + "<p>Côte d’Ivoire’s exporters — and São Paulo’s — said “enough”.</p></article></body></html>"
)


def run(payload: bytes | str) -> Article:
    return extract_article(URL, payload, FETCHED, SOURCE)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "not_article:empty"),
        (b"   \n\t ", "not_article:empty"),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 50,
            "not_article:binary",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "not_article:binary"),
        (bytes(range(256)) * 40, "not_article:binary"),
        ("", "not_article:empty"),
    ],
)
def test_non_html_payloads_are_flagged(payload: bytes | str, reason: str) -> None:
    article = run(payload)
    assert not article.is_article
    assert reason in article.quality_flags
    assert article.text == ""
    assert article.extractor_version == EXTRACTOR_VERSION


@pytest.mark.parametrize(
    "payload",
    [
        codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"),
        ARTICLE.encode("utf-16-le"),  # no BOM
        codecs.BOM_UTF8 + ARTICLE.encode("utf-8"),
        ARTICLE.replace("<head>", '<head><meta charset="iso-8859-1">').encode(
            "utf-8"
        ),  # wrong declaration
        ARTICLE.replace("<head>", '<head><meta charset="windows-1252">').encode(
            "cp1252", errors="replace"
        ),
        ARTICLE.encode("utf-8").replace(b"<article>", b"<article>\x00\x00"),
        ARTICLE.encode("utf-8").replace(b"<h1>", b"<h1>\xff\xfe\xc3"),  # invalid UTF-8
        ARTICLE,
    ],
)
def test_encodings_decode_to_the_same_article(payload: bytes | str) -> None:
    article = run(payload)
    assert article.is_article, article.quality_flags
    assert PARAGRAPH in article.text
    assert "\x00" not in article.text


def test_declared_charset_is_respected_when_bytes_are_not_utf8() -> None:
    payload = ARTICLE.replace("<head>", '<head><meta charset="windows-1252">').encode(
        "cp1252", errors="replace"
    )
    assert "Côte d’Ivoire’s exporters — and São Paulo’s" in run(payload).text


def test_wrong_declaration_loses_to_valid_utf8() -> None:
    payload = ARTICLE.replace("<head>", '<head><meta charset="iso-8859-1">').encode("utf-8")
    assert "Côte d’Ivoire’s exporters — and São Paulo’s" in run(payload).text


def test_decode_html_raises_not_html_for_binary() -> None:
    with pytest.raises(NotHtml):
        decode_html(b"PK\x03\x04" + b"\x00" * 100)


def test_deeply_nested_divs_do_not_raise() -> None:
    html = (
        "<html><body>"
        + "<div>" * 50_000
        + f"<p>{PARAGRAPH}</p>"
        + "</div>" * 50_000
        + "</body></html>"
    )
    article = run(html)
    assert isinstance(article, Article)


def test_huge_page_does_not_raise() -> None:
    html = ARTICLE.replace("</article>", "</article>" + "<div><a href='/x'>link</a></div>" * 60_000)
    article = run(html.encode("utf-8"))
    assert "large_page" in article.quality_flags
    assert PARAGRAPH in article.text


@pytest.mark.parametrize(
    "payload",
    [
        "<html><body><script>" + "x=1;" * 10_000 + "</script></body></html>",
        "<<<<>>>><html><html><body></p></div></span>",
        "plain text with no markup at all, just a sentence",
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": [1, {"x": null}],'
        ' "author": {"name": 5}, "datePublished": "yesterday-ish", "@graph": "nope"</script></head></html>',
        '<html><head><script type="application/ld+json">'
        + "[" * 5000
        + "]" * 5000
        + "</script></head></html>",
        "<html><head><meta property='article:published_time' content='99999-99-99'></head><body></body></html>",
        "<?xml version='1.0' encoding='utf-8'?><rss><channel><item><title>x</title></item></channel></rss>",
    ],
)
def test_odd_markup_gives_a_flagged_article(payload: str) -> None:
    article = run(payload)
    assert isinstance(article, Article)
    assert not article.is_article
    assert any(flag.startswith("not_article:") for flag in article.quality_flags)


def test_naive_fetch_time_is_taken_as_utc() -> None:
    article = extract_article(URL, ARTICLE, datetime(2025, 11, 5, 12, 0), SOURCE)
    assert article.fetched_at == datetime(2025, 11, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Error | Example Bank</title></head><body><h2>We'll Be Right Back!</h2>"
        "<p>It looks like we're having some trouble. Check back soon for your free reports, your"
        " full credit history and more tools that help you.</p></body></html>",
        '<html><head><title>Example Ledger</title></head><body class="error404 wp-theme">'
        "<h1>Nothing here</h1><p>The page you are looking for has moved or never existed. Try the"
        " search box above or go back to the home page to find the latest stories.</p></body></html>",
        "<html><head><title>Page not found - Example Ledger</title></head><body><h1>404</h1>"
        "<p>Sorry.</p></body></html>",
    ],
)
def test_soft_error_pages_are_not_articles(page: str) -> None:
    article = extract_article("https://www.example.org/a", page, FETCHED, SOURCE)
    assert "not_article:error_page" in article.quality_flags and not article.is_article


def test_a_story_about_an_error_is_an_article() -> None:
    body = "".join(
        f"<p>Paragraph {i}: the exchange said the error in its trading system was fixed.</p>"
        for i in range(20)
    )
    page = f"<html><head><title>Error halts trading for an hour</title></head><body><h1>Error halts trading for an hour</h1>{body}</body></html>"
    article = extract_article("https://www.example.org/a", page, FETCHED, SOURCE)
    assert article.is_article
