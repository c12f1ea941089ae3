"""Tier 2: one source's crawl survives a hostile site, in bounded time and memory, and says why.

One module-scoped crawl of tests/hostile_site.py serves most tests; each case asserts what was
requested how often and what the fetch log recorded, and every archived page goes through
extraction. Only loopback addresses are contacted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.python.failure import Failure

from crawlers.crawl import CrawlResult, run_crawl
from crawlers.extract import Article, extract_article
from crawlers.job import CrawlJob, CrawlLimits
from crawlers.pages import article_pages
from crawlers.recorder import read_fetch_log
from crawlers.retry import retry_after_seconds
from crawlers.sources import parse_sources
from crawlers.spider import classify_failure
from crawlers.urls import is_calendar_trap
from crawlers.warc import ArchiveError, read_response
from tests.hostile_site import (
    CALENDAR_DAYS,
    DUPLICATE_VARIANTS,
    ENCODINGS,
    MB,
    NEWS,
    NON_ARTICLES,
    OFFSITE,
    PATHS,
    hostile_routes,
)
from tests.localsite import LocalSite, Route, serve

LIMITS = CrawlLimits(
    polite=False,
    download_timeout_s=3,
    max_page_bytes=2 * MB,
    max_document_bytes=10 * MB,
    crawl_timeout_s=40,
    retry_times=1,
    max_retry_after_s=5,
)
# Well under crawl_timeout_s: the crawl must end on its own, not be cut off by the timeout.
WALL_BOUND_S = 30.0
# A gzip bomb inflated in memory alone would pass this (it inflates to 256 MB).
PEAK_RSS_BOUND_MB = 400.0
# Every case above costs a handful of requests; 50,000 calendar URLs must not show up here.
REQUEST_BOUND = 80
REDIRECT_MAX_TIMES = 5  # crawlers.settings
HOST = "127.0.0.13"


@dataclass(frozen=True)
class HostileCrawl:
    """What the shared crawl left behind."""

    site: LocalSite
    job: CrawlJob
    result: CrawlResult
    rows: list[dict[str, Any]]
    wall_s: float

    def rows_for(self, path: str) -> list[dict[str, Any]]:
        """Fetch-log rows whose URL has this path (any query)."""
        return [r for r in self.rows if urlsplit(r["url"]).path == path]

    def statuses(self, path: str) -> list[int]:
        """Statuses of the responses logged for `path`, in order."""
        return [r["status"] for r in self.rows_for(path) if r["status"] is not None]

    def errors(self, path: str) -> list[str]:
        """Error kinds logged for `path`, in order."""
        return [r["error_kind"] for r in self.rows_for(path) if r["error_kind"]]


def make_job(tmp_path: Path, base: str, max_articles: int = 100) -> CrawlJob:
    """A job for the site at `base`, with the hostile-crawl limits."""
    source = parse_sources(
        f"""[[source]]
name = "hostile"
homepage = "{base}/"
country = "GB"
language = "en"
feeds = ["{base}/feed.xml"]
sitemaps = ["{base}/sitemap.xml"]
sections = ["{base}/world/"]
max_articles = {max_articles}
"""
    )[0]
    return CrawlJob(
        run_id="h1",
        source=source,
        out_dir=tmp_path / "run",
        warc_path=tmp_path / "warc" / "h1-hostile.warc.gz",
        limits=LIMITS,
    )


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    tmp_path = tmp_path_factory.mktemp("hostile")
    with serve({}, host=HOST) as site:
        site.routes.update(hostile_routes(site))
        job = make_job(tmp_path, site.base_url)
        started = time.monotonic()
        result = run_crawl(job)
        wall = time.monotonic() - started
        yield HostileCrawl(site, job, result, read_fetch_log(job.fetch_log_path), wall)


def test_crawl_finishes_on_its_own_in_bounded_time_and_memory(crawl: HostileCrawl) -> None:
    result = crawl.result
    assert crawl.wall_s < WALL_BOUND_S
    assert result.stats["finish_reason"] == "finished"  # not closespider_timeout, not killed
    assert "killed" not in result.failures and "crashed" not in result.failures
    assert 0 < result.stats["geowire/peak_rss_mb"] < PEAK_RSS_BOUND_MB
    assert len(crawl.site.requests) < REQUEST_BOUND
    assert result.status == "partial"
    # good, 3 feed items, the duplicate, 2 recovered retries, 5 encodings, 6 non-articles
    assert result.articles_fetched == 18


def test_server_error_is_retried_then_logged(crawl: HostileCrawl) -> None:
    path = PATHS["server_error"]
    assert crawl.site.hits(path) == LIMITS.retry_times + 1
    assert crawl.statuses(path) == [500, 500]
    assert crawl.result.failures["http_500"] == 2


def test_503_is_retried_and_the_article_fetched_once(crawl: HostileCrawl) -> None:
    path = PATHS["flaky_503"]
    assert crawl.site.hits(path) == 2
    assert crawl.statuses(path) == [503, 200]
    assert crawl.errors(path) == []


def test_429_waits_for_retry_after(crawl: HostileCrawl) -> None:
    path = PATHS["retry_after"]
    first, second = crawl.site.hit_times(path)
    assert second - first >= 1.9  # Retry-After: 2
    assert crawl.statuses(path) == [429, 200]
    assert crawl.result.stats["geowire/retry_after_waits"] == 1


def test_hostile_retry_after_is_not_waited_for_but_logged(crawl: HostileCrawl) -> None:
    path = PATHS["retry_after_hostile"]
    assert crawl.site.hits(path) == 1
    assert crawl.statuses(path) == [429]
    [refusal] = [r for r in crawl.rows_for(path) if r["error_kind"]]
    assert refusal["error_kind"] == "rate_limited"
    assert "86400" in refusal["error"] and "cap" in refusal["error"]


def test_redirect_loop_is_cut_and_logged(crawl: HostileCrawl) -> None:
    assert crawl.site.hits(PATHS["loop_a"]) == 1
    assert crawl.site.hits(PATHS["loop_b"]) == 1
    [loop] = [r for r in crawl.rows_for(PATHS["loop_a"]) if r["error_kind"]]
    assert loop["error_kind"] == "redirect"
    assert loop["error"].startswith("redirect loop:")


def test_endless_redirect_chain_stops_at_the_limit(crawl: HostileCrawl) -> None:
    hops = [p for _, p, _ in crawl.site.requests if "redirect-chain-story-" in p]
    assert len(hops) == REDIRECT_MAX_TIMES + 1  # the first request + 5 redirects followed
    last = f"{NEWS}redirect-chain-story-{REDIRECT_MAX_TIMES}.html"
    assert crawl.errors(last) == ["redirect"]
    assert "max redirections" in crawl.rows_for(last)[-1]["error"]


def test_redirect_to_another_host_is_not_followed(crawl: HostileCrawl) -> None:
    assert crawl.statuses(PATHS["offsite"]) == [301]
    offsite = [r for r in crawl.rows if r["url"].startswith(OFFSITE)]
    assert [r["error_kind"] for r in offsite] == ["offsite"]


def test_trickling_response_times_out(crawl: HostileCrawl) -> None:
    path = PATHS["trickle"]
    assert crawl.site.hits(path) == LIMITS.retry_times + 1
    assert crawl.statuses(path) == []
    assert crawl.errors(path) == ["timeout"]


@pytest.mark.parametrize("case", ["huge", "huge_chunked"])
def test_page_over_the_size_limit_is_refused(crawl: HostileCrawl, case: str) -> None:
    path = PATHS[case]
    assert crawl.site.hits(path) == 1  # a size refusal is not retried
    assert crawl.statuses(path) == []
    assert crawl.errors(path) == ["too_large"]
    assert str(LIMITS.max_page_bytes) in crawl.rows_for(path)[-1]["error"]


def test_gzip_bomb_is_refused_and_stays_small(crawl: HostileCrawl) -> None:
    path = PATHS["gzip_bomb"]
    assert crawl.site.hits(path) == 1
    # the wire bytes are archived as received (about 250 KB), then refused once inflated
    [raw] = [r for r in crawl.rows_for(path) if r["status"] == 200]
    assert raw["size"] < MB
    assert crawl.errors(path) == ["too_large"]
    assert "DOWNLOAD_MAXSIZE" in crawl.rows_for(path)[-1]["error"]
    with pytest.raises(ArchiveError, match="exceeds"):
        read_response(
            Path(raw["warc_file"]), raw["warc_offset"], raw["warc_length"], LIMITS.max_page_bytes
        )


def test_truncated_feed_keeps_the_entries_before_the_cut(crawl: HostileCrawl) -> None:
    for case in ("feed_one", "feed_two", "feed_cut"):
        assert crawl.site.hits(PATHS[case]) == 1, case
        assert crawl.statuses(PATHS[case]) == [200], case
    assert crawl.errors("/feed.xml") == ["malformed"]


def test_calendar_sitemap_generates_no_requests(crawl: HostileCrawl) -> None:
    assert crawl.site.hits("/calendar-sitemap.xml") == 1
    assert not [p for _, p, _ in crawl.site.requests if p.startswith("/calendar/")]
    assert crawl.result.stats["geowire/links_calendar_trap"] == CALENDAR_DAYS


def test_robots_disallowed_article_is_never_fetched(crawl: HostileCrawl) -> None:
    path = PATHS["robots"]
    assert crawl.site.hits(path) == 0
    assert crawl.errors(path) == ["robots"]
    assert "robots" not in crawl.result.failures  # obeying robots.txt is no failure


def test_article_under_five_urls_is_fetched_once(crawl: HostileCrawl) -> None:
    path = PATHS["duplicate"]
    requested = [p for _, p, _ in crawl.site.requests if p.split("?")[0] == path]
    assert requested == [path]  # tracking parameters and fragments canonicalised away
    assert crawl.statuses(path) == [200]
    assert len(DUPLICATE_VARIANTS) == 5


@pytest.mark.parametrize("case", ENCODINGS + NON_ARTICLES)
def test_odd_pages_are_fetched_and_archived(crawl: HostileCrawl, case: str) -> None:
    path = PATHS[case]
    assert crawl.site.hits(path) == 1
    [row] = crawl.rows_for(path)
    assert row["status"] == 200 and row["warc_file"] and row["error_kind"] is None


def extracted(crawl: HostileCrawl) -> dict[str, Article | ArchiveError]:
    """Every archived article page of the crawl through extraction, keyed by URL path."""
    outcomes: dict[str, Article | ArchiveError] = {}
    for page in article_pages(crawl.job.fetch_log_path):
        path = urlsplit(page.url).path
        try:
            response = read_response(
                Path(page.warc_file), page.warc_offset, page.warc_length, LIMITS.max_page_bytes
            )
        except ArchiveError as exc:
            outcomes[path] = exc
            continue
        outcomes[path] = extract_article(
            page.url, response.body, response.fetched_at, crawl.job.source
        )
    return outcomes


def test_extraction_survives_every_archived_page(crawl: HostileCrawl) -> None:
    outcomes = extracted(crawl)
    assert len(outcomes) == crawl.result.articles_fetched
    # the gzip bomb's raw 200 is archived but, refused once inflated, never handed to cleaning
    assert PATHS["gzip_bomb"] not in outcomes
    assert all(isinstance(outcome, Article) for outcome in outcomes.values())
    for case in NON_ARTICLES:
        article = outcomes[PATHS[case]]
        assert isinstance(article, Article) and not article.is_article, case
    for case in ("good", "flaky_503", "retry_after", "utf16", "missing_charset"):
        article = outcomes[PATHS[case]]
        assert isinstance(article, Article) and article.is_article, case


def test_article_budget_bounds_a_sitemap_of_50000_pages(tmp_path: Path) -> None:
    # Article-looking URLs that no heuristic catches: only max_articles stands in the way.
    page = Route(body=b"<html><body><p>tiny</p></body></html>")
    with serve({}, host=HOST) as site:
        urls = "".join(
            f"<url><loc>{site.base_url}/news/story-number-{i}-about-nothing.html</loc></url>"
            for i in range(50_000)
        )
        site.routes.update(
            {
                "/robots.txt": Route(body=b"", headers={"Content-Type": "text/plain"}),
                "/sitemap.xml": Route(
                    body=f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
                    headers={"Content-Type": "application/xml"},
                ),
                **{f"/news/story-number-{i}-about-nothing.html": page for i in range(50_000)},
            }
        )
        job = make_job(tmp_path, site.base_url, max_articles=25)
        result = run_crawl(job)
    articles = [p for _, p, _ in site.requests if p.startswith("/news/")]
    assert len(articles) == 25
    assert result.stats["geowire/links_over_budget"] == 1  # the loop stops at the first one over


def test_retry_after_values() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert retry_after_seconds("Sun, 01 Mar 2020 00:00:00 GMT", now) == 0.0  # in the past
    assert retry_after_seconds(b"9" * 400, now) == 1e9  # clipped, no OverflowError
    for junk in (None, b"", b"soon", b"-5", b"1.5"):
        assert retry_after_seconds(junk, now) is None


def test_calendar_trap_heuristic() -> None:
    for trap in (
        "http://x.test/calendar/2026/01/01",
        "http://x.test/events/calendar",
        "http://x.test/archive/2026-01-01",
        "http://x.test/2026/03/",
        "http://x.test/news/2026/3/4",
        "http://x.test/events?date=2026-01-01",
    ):
        assert is_calendar_trap(trap), trap
    for story in (
        "http://x.test/news/2026/03/04/port-strike-ends",
        "http://x.test/2026/03/story.html",
        "http://x.test/news/calendar-of-the-year-in-review.html",
        "http://x.test/story/2026",
        "http://x.test/article/123456",
    ):
        assert not is_calendar_trap(story), story


def test_failure_classification_reads_exceptions_not_urls() -> None:
    def kind(exc: Exception) -> str:
        return classify_failure(Failure(exc), max_bytes=2 * MB)[0]

    assert kind(IgnoreRequest("Forbidden by robots.txt")) == "robots"
    assert kind(IgnoreRequest("max redirections reached")) == "redirect"
    assert kind(IgnoreRequest("offsite: host 'a.test' is not one of the source's")) == "offsite"
    assert (
        kind(DownloadCancelledError("Expected to receive 9 bytes ... max size (2)")) == "too_large"
    )
    empty_cancel = classify_failure(Failure(DownloadCancelledError()), max_bytes=2 * MB)
    assert empty_cancel == (
        "too_large",
        f"download cancelled: body grew past the {2 * MB} byte limit (DOWNLOAD_MAXSIZE)",
    )
    # a URL that merely mentions a keyword does not decide the kind
    assert kind(ValueError("bad http://x.test/redirect-exceeded-robots.txt")) == "valueerror"
