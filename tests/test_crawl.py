"""Tier 2: real Scrapy crawls (in a subprocess, as in production) of a local site on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.crawl import run_crawl
from crawlers.discovery import parse_feed, parse_sitemap
from crawlers.job import CrawlJob, CrawlLimits
from crawlers.pages import PageRef, article_pages, extract_batch, extract_pool
from crawlers.recorder import read_fetch_log
from crawlers.sources import parse_sources
from crawlers.warc import read_response
from tests.localsite import Route, serve

ARTICLE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>NEW DELHI: A long enough paragraph about diplomacy between India and Russia.</p>"
    "</article></body></html>"
)


def html(title: str) -> Route:
    return Route(body=ARTICLE.format(title=title).encode())


def redirect(location: str) -> Route:
    return Route(status=301, headers={"Location": location, "Content-Type": "text/html"})


def site_routes(base: str) -> dict[str, Route]:
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Demo</title>
<item><title>Feed headline one</title><link>{base}/news/2026/03/feed-story-about-ties.html?utm_source=rss&amp;utm_medium=x</link>
<pubDate>Tue, 03 Mar 2026 10:00:00 +0530</pubDate><author>desk@example.com (Asha Rao)</author></item>
<item><title>Private</title><link>{base}/private/hidden-story-never-fetched.html</link></item>
<item><title>Elsewhere</title><link>http://127.0.0.10:1/news/offsite-story-not-ours.html</link></item>
</channel></rss>"""
    index = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap></sitemapindex>"""
    news = f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/news/2026/03/sitemap-story-on-trade.html</loc><news:news>
<news:publication><news:name>Demo</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-03-04T08:00:00+01:00</news:publication_date><news:title>Sitemap headline</news:title>
</news:news></url>
<url><loc>{base}/news/2026/03/moved-story-about-borders.html</loc></url>
<url><loc>{base}/news/2026/03/broken-story-server-error.html</loc></url>
<url><loc>{base}/news/2026/03/redirected-offsite-story.html</loc></url>
</urlset>"""
    section = """<html><body>
<a href="/news/2026/03/feed-story-about-ties.html#comments">same story, fragment</a>
<a href="/news/2026/03/feed-story-about-ties.html?utm_campaign=a">same story, tracking</a>
<a href="/news/2026/03/section-only-story-on-elections.html">section only</a>
<a href="/tag/india">a tag page</a><a href="/about">about</a>
<a href="/private/hidden-story-never-fetched.html">private</a></body></html>"""
    return {
        "/robots.txt": Route(
            body=b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
        ),
        "/feed.xml": Route(body=rss.encode(), headers={"Content-Type": "application/rss+xml"}),
        "/sitemap.xml": Route(body=index.encode(), headers={"Content-Type": "application/xml"}),
        "/news-sitemap.xml": Route(body=news.encode(), headers={"Content-Type": "application/xml"}),
        "/world/": Route(body=section.encode()),
        "/news/2026/03/feed-story-about-ties.html": html("Feed story"),
        "/news/2026/03/sitemap-story-on-trade.html": html("Sitemap story"),
        "/news/2026/03/section-only-story-on-elections.html": html("Section story"),
        "/news/2026/03/moved-story-about-borders.html": redirect(
            f"{base}/news/2026/03/new-home-of-border-story.html"
        ),
        "/news/2026/03/new-home-of-border-story.html": html("Border story"),
        "/news/2026/03/broken-story-server-error.html": Route(body=b"oops", status=500),
        "/news/2026/03/redirected-offsite-story.html": redirect(
            "http://127.0.0.10:1/news/2026/03/elsewhere.html"
        ),
        "/private/hidden-story-never-fetched.html": html("Private"),
    }


def make_job(tmp_path: Path, base: str, **source_keys: str) -> CrawlJob:
    extra = "".join(f"{k} = {v}\n" for k, v in source_keys.items())
    source = parse_sources(
        f"""[[source]]
name = "local"
homepage = "{base}/"
country = "IN"
language = "en"
feeds = ["{base}/feed.xml"]
sitemaps = ["{base}/sitemap.xml"]
sections = ["{base}/world/"]
{extra}"""
    )[0]
    return CrawlJob(
        run_id="r1",
        source=source,
        out_dir=tmp_path / "run",
        warc_path=tmp_path / "warc" / "r1-local.warc.gz",
        limits=CrawlLimits(polite=False, crawl_timeout_s=60, retry_times=1),
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp_path = tmp_path_factory.mktemp("crawl")
    with serve({}, host="127.0.0.9") as site:
        site.routes.update(site_routes(site.base_url))
        job = make_job(tmp_path, site.base_url)
        result = run_crawl(job)
        yield site, job, result, read_fetch_log(job.fetch_log_path)


def test_crawl_fetches_each_article_once_from_every_discovery_kind(crawled) -> None:
    site, _job, result, _rows = crawled
    assert result.status == "partial"  # the 500 and the off-site redirect are failures
    for path in (
        "/news/2026/03/feed-story-about-ties.html",
        "/news/2026/03/sitemap-story-on-trade.html",
        "/news/2026/03/section-only-story-on-elections.html",
        "/news/2026/03/new-home-of-border-story.html",
    ):
        assert site.hits(path) == 1, path
    # the feed URL's tracking parameters and the section's fragment were canonicalised away
    assert not [p for _, p, _ in site.requests if "utm_" in p or "#" in p]


def test_robots_txt_is_obeyed_and_logged(crawled) -> None:
    site, _job, _result, rows = crawled
    assert site.hits("/private/hidden-story-never-fetched.html") == 0
    blocked = [r for r in rows if r["url"].endswith("/private/hidden-story-never-fetched.html")]
    assert blocked and all(r["error_kind"] == "robots" for r in blocked)


def test_failures_are_recorded_with_a_reason(crawled) -> None:
    _site, _job, result, rows = crawled
    server_errors = [r for r in rows if r["url"].endswith("broken-story-server-error.html")]
    assert [r["status"] for r in server_errors] == [500, 500]  # first try + one retry
    offsite = [r for r in rows if r["error_kind"] == "offsite"]
    assert offsite, "a redirect to another host must be refused and logged"
    assert "http_500" in result.failures


def test_feed_and_news_sitemap_hints_reach_extraction(crawled) -> None:
    _site, job, _result, _rows = crawled
    by_path = {page.url.split("/")[-1]: page for page in article_pages(job.fetch_log_path)}
    feed_hints = by_path["feed-story-about-ties.html"].hints
    assert feed_hints["title"] == "Feed headline one"
    assert feed_hints["published_at"].startswith("2026-03-03T04:30:00")
    assert feed_hints["authors"] == ["Asha Rao"]
    sitemap_hints = by_path["sitemap-story-on-trade.html"].hints
    assert sitemap_hints["title"] == "Sitemap headline"
    assert sitemap_hints["published_at"].startswith("2026-03-04T07:00:00")
    section_hints = by_path["section-only-story-on-elections.html"].hints
    assert section_hints == {"discovered_via": "section"}


def test_every_response_is_archived_and_readable(crawled) -> None:
    _site, job, _result, rows = crawled
    pages = article_pages(job.fetch_log_path)
    assert len(pages) == 4
    for page in pages:
        response = read_response(Path(page.warc_file), page.warc_offset, page.warc_length, 10**6)
        assert response.url == page.url
        assert b"<article>" in response.body
    archived = [r for r in rows if r.get("warc_file")]
    assert {r["kind"] for r in archived} >= {"robots", "feed", "sitemap", "section", "article"}


def test_known_urls_are_not_fetched_again(tmp_path: Path) -> None:
    with serve({}, host="127.0.0.9") as site:
        site.routes.update(site_routes(site.base_url))
        job = make_job(tmp_path, site.base_url)
        known = tmp_path / "known.txt"
        known.write_text(f"{site.base_url}/news/2026/03/sitemap-story-on-trade.html\n")
        job = CrawlJob(**{**job.__dict__, "known_urls_file": known})
        run_crawl(job)
        assert site.hits("/news/2026/03/sitemap-story-on-trade.html") == 0
        assert site.hits("/news/2026/03/section-only-story-on-elections.html") == 1


def test_unreachable_source_fails_with_one_clear_message(tmp_path: Path) -> None:
    # Nothing listens on port 1 of this loopback address: every request is refused.
    job = make_job(tmp_path, "http://127.0.0.11:1")
    result = run_crawl(job)
    assert result.status == "failed"
    assert result.pages_fetched == 0
    assert "refused" in result.message or "connection" in result.message.lower()


def test_discovery_parsers_survive_truncated_documents() -> None:
    truncated = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>A</title><link>http://x.test/a-story-here</link></item><item><title>B'
    feed = parse_feed(truncated)
    assert [link.url for link in feed.links] == ["http://x.test/a-story-here"]
    assert feed.error
    sitemap = parse_sitemap(b"<urlset><url><loc>http://x.test/a</loc></url><url><loc>http://x")
    assert [link.url for link in sitemap.links] == ["http://x.test/a"]
    assert parse_sitemap(b"").error


def test_unresolvable_host_fails_fast_with_a_dns_message(tmp_path: Path) -> None:
    # .invalid never resolves (RFC 6761): the offline case of a real outlet.
    job = make_job(tmp_path, "http://news.invalid")
    result = run_crawl(job)
    assert result.status == "failed"
    assert result.message.startswith("DNS lookup failed for news.invalid (no network?)")


def test_a_corrupt_warc_record_costs_only_its_page(crawled, tmp_path: Path) -> None:
    _site, job, _result, _rows = crawled
    pages = article_pages(job.fetch_log_path)
    damaged = tmp_path / "damaged.warc.gz"
    data = bytearray(job.warc_path.read_bytes())
    victim = pages[0]
    for i in range(victim.warc_offset + 20, victim.warc_offset + victim.warc_length - 20):
        data[i] ^= 0xFF  # flip every byte inside one record
    damaged.write_bytes(bytes(data))
    moved = [PageRef(p.url, str(damaged), p.warc_offset, p.warc_length, p.hints) for p in pages]
    result = extract_batch(moved, job.source, tmp_path / "articles.parquet", max_bytes=10**6)
    assert result.errors == {"archive": 1}
    assert result.articles + result.non_articles == len(pages) - 1


def test_a_full_disk_leaves_no_partial_batch(crawled, tmp_path: Path) -> None:
    _site, job, _result, _rows = crawled
    script = f"""
import resource, signal, sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from pathlib import Path
from crawlers.job import CrawlJob
from crawlers.pages import article_pages, extract_batch
job = CrawlJob.load(Path({str(job.out_dir / "job.json")!r}))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))  # the 'disk' holds 2 KB per file
try:
    extract_batch(article_pages(job.fetch_log_path), job.source, Path({str(tmp_path / "out" / "articles.parquet")!r}), 10**6)
except OSError as exc:
    print("OSError", exc.errno)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert "OSError" in done.stdout, done.stdout + done.stderr
    leftovers = (
        sorted(p.name for p in (tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    )
    assert "articles.parquet" not in leftovers and not [n for n in leftovers if n.endswith(".tmp")]


def test_a_run_wide_cleaning_pool_gives_the_same_batch(crawled, tmp_path: Path) -> None:
    from warehouse.batch import read_article_batch

    _site, job, _result, _rows = crawled
    pages = article_pages(job.fetch_log_path)
    extract_batch(pages, job.source, tmp_path / "serial.parquet", max_bytes=10**6)
    with extract_pool(2) as pool:
        extract_batch(
            pages, job.source, tmp_path / "pooled.parquet", max_bytes=10**6, executor=pool
        )
    serial = {
        (a.article_id, a.content_hash) for a in read_article_batch(tmp_path / "serial.parquet")
    }
    pooled = {
        (a.article_id, a.content_hash) for a in read_article_batch(tmp_path / "pooled.parquet")
    }
    assert serial == pooled and len(serial) == len(pages)


def test_a_feed_whose_server_ignores_validators_is_skipped_when_its_body_is_unchanged(
    tmp_path: Path,
) -> None:
    import gzip

    with serve({}, host="127.0.0.9") as site:
        rss = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><item><title>T</title>'
            f"<link>{site.base_url}/news/2026/03/feed-story-about-ties.html</link></item>"
            "</channel></rss>"
        ).encode()
        site.routes.update(
            {
                "/feed.xml": Route(
                    body=gzip.compress(rss, mtime=0),  # no ETag, no Last-Modified; gzip on the wire
                    headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
                ),
                "/news/2026/03/feed-story-about-ties.html": html("Feed story"),
            }
        )
        first = make_job(tmp_path / "one", site.base_url)
        run_crawl(first)
        feed_row = next(r for r in read_fetch_log(first.fetch_log_path) if r["kind"] == "feed")
        second = CrawlJob(
            **{
                **make_job(tmp_path / "two", site.base_url).__dict__,
                "validators": {
                    f"{site.base_url}/feed.xml": {"content_hash": feed_row["content_hash"]}
                },
            }
        )
        run_crawl(second)
        assert site.hits("/news/2026/03/feed-story-about-ties.html") == 1, "unchanged feed re-read"
        stats = json.loads(second.stats_path.read_text())
        assert stats["geowire/documents_unchanged"] == 1
