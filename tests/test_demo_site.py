"""The bundled demo outlets: documents, conditional requests, request log and live edits."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import feedparser
import pytest

from crawlers.demo import DemoArticle, DemoSites, start_demo_sites
from crawlers.sources import parse_sources
from crawlers.urls import canonical_url

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
SEED_LAST_LINE = (
    "he added, hoping that the intensity of India-Russia ties will continue at the same level."
)


@pytest.fixture(scope="module")
def sites() -> Iterator[DemoSites]:
    """Read-only tests share one set of servers."""
    with start_demo_sites() as running:
        yield running


@pytest.fixture
def fresh() -> Iterator[DemoSites]:
    """Tests that edit or publish get their own servers."""
    with start_demo_sites() as running:
        yield running


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def by_outlet(sites: DemoSites, name: str) -> list[DemoArticle]:
    return [a for a in sites.articles if a.outlet == name]


def test_outlets_and_content(sites: DemoSites) -> None:
    hosts = [urlsplit(o.base_url).hostname for o in sites.outlets]
    assert hosts == ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    assert len(sites.outlets) >= 3
    assert len(sites.articles) >= 35
    assert all(len(by_outlet(sites, o.name)) >= 10 for o in sites.outlets)
    for article in sites.articles:
        assert article.published.tzinfo is not None
        assert article.authors and article.tags and article.section
        assert article.url == sites.outlet(article.outlet).url(article.path)
        words = sum(len(p.split()) for p in article.paragraphs)
        assert 250 <= words <= 600, article.url
    wires = Counter(a.wire_story for a in sites.articles if a.wire_story)
    assert len(wires) == 2 and set(wires.values()) == {2}
    assert all(a.path.startswith("/private/") for a in sites.private_articles)
    assert {a.outlet for a in sites.private_articles} == {o.name for o in sites.outlets}


def test_sources_toml_names_every_outlet(sites: DemoSites) -> None:
    sources = {s.name: s for s in parse_sources(sites.sources_toml())}
    assert set(sources) == {o.name for o in sites.outlets}
    for outlet in sites.outlets:
        source = sources[outlet.name]
        assert source.homepage == outlet.base_url
        assert source.feeds and source.sitemaps and source.sections
        for url in (*source.feeds, *source.sitemaps, *source.sections):
            assert url.startswith(outlet.base_url)
            assert get(url)[0] == 200


def test_robots_txt(sites: DemoSites) -> None:
    for outlet in sites.outlets:
        status, headers, body = get(outlet.url("/robots.txt"))
        text = body.decode()
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert "Disallow: /private/" in text
        sitemap = re.search(r"^Sitemap: (\S+)$", text, re.MULTILINE)
        assert sitemap and get(sitemap.group(1))[0] == 200


def test_feeds_list_feed_articles(sites: DemoSites) -> None:
    kinds = set()
    for outlet in sites.outlets:
        feed_url = parse_sources(sites.sources_toml(), "demo")
        feed_url = next(s for s in feed_url if s.name == outlet.name).feeds[0]
        status, _, body = get(feed_url)
        assert status == 200
        ET.fromstring(body)  # well-formed despite '&' and quotes in titles
        parsed = feedparser.parse(body)
        kinds.add(parsed.version[:3])
        links = {canonical_url(e.link) for e in parsed.entries}
        expected = {a.url for a in by_outlet(sites, outlet.name) if a.in_feed}
        assert links == {canonical_url(u) for u in expected}
        assert all(e.get("published") and e.get("author") for e in parsed.entries)
    assert kinds == {"rss", "ato"}


def test_news_sitemaps_and_index(sites: DemoSites) -> None:
    indexes = 0
    for source in parse_sources(sites.sources_toml()):
        root = ET.fromstring(get(source.sitemaps[0])[2])
        if root.tag == f"{{{NS['sm']}}}sitemapindex":
            indexes += 1
            root = ET.fromstring(get(root.findtext("sm:sitemap/sm:loc", namespaces=NS))[2])
        urls = {u.findtext("sm:loc", namespaces=NS): u for u in root.findall("sm:url", NS)}
        expected = {a.url: a for a in by_outlet(sites, source.name) if a.in_sitemap}
        assert set(urls) == set(expected)
        for url, node in urls.items():
            assert node.findtext("news:news/news:title", namespaces=NS) == expected[url].title
            assert node.findtext("news:news/news:publication_date", namespaces=NS)
    assert indexes == 1


def test_discovery_paths_differ(sites: DemoSites) -> None:
    articles = sites.articles
    assert any(a.on_section and not a.in_feed and not a.in_sitemap for a in articles)
    assert any(a.in_sitemap and not a.in_feed and not a.on_section for a in articles)
    for outlet in sites.outlets:
        source = next(s for s in parse_sources(sites.sources_toml()) if s.name == outlet.name)
        html = get(source.sections[0])[2].decode()
        hrefs = re.findall(r'href="([^"]+)"', html)
        linked = {canonical_url(h, outlet.base_url) for h in hrefs}
        for article in by_outlet(sites, outlet.name):
            assert (canonical_url(article.url) in linked) == article.on_section, article.url
        assert any("utm_" in h for h in hrefs) and any("#" in h for h in hrefs)
        private = [a for a in sites.private_articles if a.outlet == outlet.name]
        assert private and private[0].path in hrefs
        assert any("/tag" in h or "/topics/" in h for h in hrefs)


def test_conditional_requests(sites: DemoSites) -> None:
    source = parse_sources(sites.sources_toml())[0]
    for url in (source.feeds[0], source.sitemaps[0]):
        status, headers, _ = get(url)
        assert status == 200 and headers["ETag"] and headers["Last-Modified"]
        assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert get(url, {"If-None-Match": '"stale"'})[0] == 200
        old = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert get(url, {"If-Modified-Since": old})[0] == 200


def test_article_pages(sites: DemoSites) -> None:
    styles: dict[str, str] = {}
    for outlet in sites.outlets:
        article = by_outlet(sites, outlet.name)[1]
        status, headers, body = get(article.url)
        html = body.decode("utf-8")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert f'<link rel="canonical" href="{article.url}">' in html
        assert re.search(r"<title>.+ \| " + re.escape(outlet.title) + "</title>", html)
        for line in ("Share this post", "Image courtesy of (Photo courtesy:", "© 2026", "cookie"):
            assert line in html
        assert 'class="comment' in html or "READERS' COMMENTS" in html
        styles[outlet.name] = html
    modern = styles["meridian-wire"]
    ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', modern, re.S)[1]
    )
    assert ld["@type"] == "NewsArticle" and ld["datePublished"]
    assert "og:title" in modern
    legacy = styles["equator-sentinel"]
    assert "ld+json" not in legacy and "og:" not in legacy and "<time" not in legacy
    assert "Posted on" in legacy


def test_seed_article_page_ends_like_the_seed(sites: DemoSites) -> None:
    seed = next(a for a in sites.articles if a.title.startswith("Russia welcomes India"))
    assert re.match(r"New Delhi:\s+Russia welcomed", seed.paragraphs[0])  # \xa0 as in the seed
    assert seed.paragraphs[-1].endswith(SEED_LAST_LINE)
    html = get(seed.url)[2].decode()
    tail = re.sub(r"<[^>]+>", "\n", html[html.index(SEED_LAST_LINE[-40:]) :])
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    assert lines[1:3] == ["Image courtesy of (Photo courtesy:", "Share this post"]


def test_listing_pages_and_errors(sites: DemoSites) -> None:
    outlet = sites.outlets[0]
    article = by_outlet(sites, outlet.name)[0]
    html = get(article.url)[2].decode()
    tag_href = re.search(r'href="(/tag/[^"]+/)"', html)
    author_href = re.search(r'href="(/author/[^"]+/)"', html)
    assert tag_href and author_href
    for path in (tag_href[1], author_href[1], "/", "/about/"):
        status, _, body = get(outlet.url(path))
        assert status == 200 and b"Share this post" not in body
    assert get(outlet.url("/no/such/page/"))[0] == 404


def test_request_log(fresh: DemoSites) -> None:
    outlet = fresh.outlets[1]
    get(outlet.url("/robots.txt"), {"User-Agent": "geowire-test"})
    get(outlet.url("/missing"))
    entries = fresh.request_log.entries()
    assert [(e.host, e.path, e.method, e.status) for e in entries] == [
        ("127.0.0.3", "/robots.txt", "GET", 200),
        ("127.0.0.3", "/missing", "GET", 404),
    ]
    assert entries[0].headers["User-Agent"] == "geowire-test"
    assert fresh.request_log.count("/robots.txt", host="127.0.0.3") == 1
    fresh.request_log.clear()
    assert len(fresh.request_log) == 0


def test_set_article_text_changes_page_feed_and_sitemap(fresh: DemoSites) -> None:
    source = parse_sources(fresh.sources_toml())[2]  # Atom feed + sitemap index
    article = next(a for a in fresh.articles if a.outlet == source.name and a.in_feed)
    _, feed_headers, _ = get(source.feeds[0])
    news_sitemap = re.search(rb"<loc>([^<]+)</loc>", get(source.sitemaps[0])[2])[1].decode()
    _, map_headers, _ = get(news_sitemap)

    fresh.set_article_text(article.url, ["Corrected text & more."], title='Corrected: "A" & B')

    html = get(article.url)[2].decode()
    assert "Corrected text &amp; more." in html and article.paragraphs[0] not in html
    assert "<title>Corrected: &quot;A&quot; &amp; B | Meridian Wire</title>" in html
    changed = fresh.article(article.url)
    assert changed.modified and changed.modified > article.published
    for url, old in ((source.feeds[0], feed_headers), (news_sitemap, map_headers)):
        status, headers, body = get(url, {"If-None-Match": old["ETag"]})
        assert status == 200 and headers["Last-Modified"] != old["Last-Modified"]
        assert 'Corrected: "A" &amp; B' in body.decode()
        assert get(url, {"If-Modified-Since": old["Last-Modified"]})[0] == 200


def test_add_article_publishes_everywhere(fresh: DemoSites) -> None:
    source = parse_sources(fresh.sources_toml())[0]
    new = fresh.add_article(
        source.name,
        "Late news: envoys meet in Geneva & agree to talk again",
        ["GENEVA: Envoys met on Monday and agreed to meet again next month."] * 3,
        tags=["Diplomacy"],
    )
    assert new in fresh.articles
    assert get(new.url)[0] == 200
    assert new.url.encode() in get(source.feeds[0])[2]
    assert new.url.encode() in get(source.sitemaps[0])[2]
    assert new.path.encode() in get(source.sections[0])[2]


def test_stop_closes_the_ports() -> None:
    sites = start_demo_sites()
    url = sites.outlets[0].url("/robots.txt")
    assert get(url)[0] == 200
    sites.stop()
    sites.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=1)


def test_links_reach_exactly_the_section_articles(sites: DemoSites) -> None:
    """Following every same-host link (robots permitting) finds section-front articles only."""
    for outlet in sites.outlets:
        seen: set[str] = set()
        queue = [outlet.base_url]
        while queue:
            url = queue.pop()
            if url in seen or "/private/" in url:
                continue
            seen.add(url)
            status, headers, body = get(url)
            if status != 200 or not headers["Content-Type"].startswith("text/html"):
                continue
            for href in re.findall(r'href="([^"]+)"', body.decode()):
                link = canonical_url(href.replace("&amp;", "&"), url)
                if link.startswith(outlet.base_url):
                    queue.append(link)
        articles = {a.url for a in by_outlet(sites, outlet.name)}
        assert seen & articles == {a.url for a in by_outlet(sites, outlet.name) if a.on_section}
