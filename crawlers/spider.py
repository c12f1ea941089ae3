"""The one generic news spider: discovers articles from a source's feeds, sitemaps and sections.

It only fetches and records (WARC + fetch log via `CrawlRecorder`); extraction happens later from
the archive. Incremental state (known URLs, re-visits, feed validators) arrives in the job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawlers.discovery import Link, is_html, parse_feed, parse_sitemap, section_links
from crawlers.job import CrawlJob
from crawlers.recorder import CrawlRecorder
from crawlers.urls import (
    canonical_url,
    host_of,
    is_calendar_trap,
    looks_like_article,
    on_source_domains,
    passes_patterns,
)


class NewsSpider(scrapy.Spider):
    """Crawl one source as described by a `CrawlJob`."""

    name = "news"
    handle_httpstatus_list = [304]  # noqa: RUF012 - Scrapy reads this class attribute

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.source = job.source
        self.allowed_domains = list(job.source.allowed_domains)
        self.recorder = CrawlRecorder(job)
        self.known: set[str] = set()
        if job.known_urls_file and job.known_urls_file.exists():
            self.known = set(job.known_urls_file.read_text(encoding="utf-8").split())
        self.queued: set[str] = set()
        self.sitemaps_seen = 0
        self.article_budget = job.source.max_articles

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        """Scrapy's factory hook; also listens for requests the scheduler drops."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Discovery documents first, then the articles due for a re-visit."""
        for url in self.source.feeds:
            yield self._document_request(url, "feed", self.parse_feed)
        for url in self.source.sitemaps:
            yield self._document_request(url, "sitemap", self.parse_sitemap)
        for url in self.source.sections:
            yield scrapy.Request(
                url, callback=self.parse_section, errback=self.on_error, meta={"kind": "section"}
            )
        for url in self.job.revisit_urls:
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={"kind": "article", "hints": {"revisit": True}},
                dont_filter=True,
            )

    def _document_request(self, url: str, kind: str, callback: Any) -> scrapy.Request:
        headers: dict[str, str] = {}
        validator = self.job.validators.get(url) or {}
        if validator.get("etag"):
            headers["If-None-Match"] = validator["etag"]
        if validator.get("last_modified"):
            headers["If-Modified-Since"] = validator["last_modified"]
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            meta={
                "kind": kind,
                "download_maxsize": self.job.limits.max_document_bytes,
                "download_warnsize": self.job.limits.max_document_bytes // 2,
            },
            dont_filter=True,
        )

    def _unchanged(self, response: Response) -> bool:
        """True for a 304, or for a body identical to the last one (servers that ignore validators)."""
        if response.status == 304:
            self.crawler.stats.inc_value("geowire/documents_not_modified")
            return True
        digest = response.meta.get("content_hash")  # set by the archive middleware
        previous = self.job.validators.get(response.request.url, {}).get("content_hash")
        if digest is not None and previous == digest:
            self.crawler.stats.inc_value("geowire/documents_unchanged")
            return True
        return False

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        """Queue the articles an RSS/Atom feed announces."""
        if self._unchanged(response):
            return
        document = parse_feed(response.body)
        if document.error:
            self.recorder.record_failure(response.request, "malformed", document.error)
        yield from self._article_requests(document.links, "feed")

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        """Queue child sitemaps (bounded) and the articles a (news) sitemap lists, newest first."""
        if self._unchanged(response):
            return
        document = parse_sitemap(response.body)
        if document.error:
            self.recorder.record_failure(response.request, "malformed", document.error)
        for child in document.sitemaps:
            if self.sitemaps_seen >= self.job.limits.max_sitemaps:
                self.crawler.stats.inc_value("geowire/sitemaps_skipped_over_limit")
                continue
            self.sitemaps_seen += 1
            yield self._document_request(response.urljoin(child), "sitemap", self.parse_sitemap)
        links = sorted(
            document.links,
            key=lambda link: link.published_at.timestamp() if link.published_at else 0.0,
            reverse=True,
        )
        yield from self._article_requests(links, "sitemap")

    def parse_section(self, response: Response) -> Iterable[scrapy.Request]:
        """Queue the links of a section page that look like articles."""
        if not self._is_html(response):
            return
        links = [
            link
            for link in section_links(response.body, response.url, _encoding(response))
            if looks_like_article(link.url)
        ]
        yield from self._article_requests(links, "section")

    def _article_requests(self, links: list[Link], via: str) -> Iterable[scrapy.Request]:
        for link in links:
            url = canonical_url(link.url)
            if via != "section" and (link.title or link.published_at or link.authors):
                # What a feed or sitemap said about a page is kept whatever the fetch order;
                # extraction merges it (a section page's link text is no headline).
                self.recorder.announce(url, link, via)
            if url in self.queued or url in self.known:
                continue
            if is_calendar_trap(url):
                self.crawler.stats.inc_value("geowire/links_calendar_trap")
                continue
            if not on_source_domains(url, self.source) or not passes_patterns(url, self.source):
                self.crawler.stats.inc_value("geowire/links_filtered")
                continue
            if self.article_budget <= 0:
                self.crawler.stats.inc_value("geowire/links_over_budget")
                return
            self.article_budget -= 1
            self.queued.add(url)
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                # feed and sitemap items first: they carry dates, and are what the outlet calls news
                priority=-1 if via == "section" else 0,
                meta={"kind": "article", "hints": {"discovered_via": via}},
            )

    def parse_article(self, response: Response) -> None:
        """Articles are archived by the middleware; here we only count what extraction will get."""
        if self._is_html(response):
            self.crawler.stats.inc_value("geowire/articles_fetched")
        else:
            self.recorder.record_failure(
                response.request, "not_html", f"content type {_content_type(response)!r}"
            )

    def _is_html(self, response: Response) -> bool:
        return is_html(_content_type(response))

    def on_error(self, failure: Failure) -> None:
        """Log a request that ended without a usable response, with the kind of failure."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            response = failure.value.response
            self.crawler.stats.inc_value(f"geowire/http_error/{response.status}")
            return  # the response itself is already in the fetch log and the archive
        kind, message = classify_failure(
            failure, request.meta.get("download_maxsize", self.job.limits.max_page_bytes)
        )
        self.crawler.stats.inc_value(f"geowire/failure/{kind}")
        self.recorder.record_failure(request, kind, message)

    def on_request_dropped(self, request: scrapy.Request) -> None:
        """Log a redirect loop: the scheduler drops the hop back to an already fetched URL.

        Such a drop calls no errback, so without this the loop would leave no trace in the log.
        Requests marked dont_filter (feeds, sitemaps) loop until REDIRECT_MAX_TIMES instead.
        """
        chain = list(request.meta.get("redirect_urls") or ())
        if request.url in chain:
            self.crawler.stats.inc_value("geowire/failure/redirect_loop")
            hops = " -> ".join([*chain, request.url])
            self.recorder.record_failure(request, "redirect", f"redirect loop: {hops}")
        elif chain:
            # a redirect to a page this crawl already has (two URLs, one article): not a failure
            self.crawler.stats.inc_value("geowire/redirects_to_known_page")

    def closed(self, reason: str) -> None:
        """Close the archive and the fetch log."""
        self.recorder.close()


def _content_type(response: Response) -> str:
    value = response.headers.get(b"Content-Type") or b""
    return value.decode("latin-1").lower()


def _encoding(response: Response) -> str | None:
    return getattr(response, "encoding", None)


def classify_failure(failure: Failure, max_bytes: int | None = None) -> tuple[str, str]:
    """Map a Twisted/Scrapy failure to (error_kind, one-line message)."""
    value = failure.value
    message = str(value) or type(value).__name__
    if failure.check(DNSLookupError, CannotResolveHostError):
        host = host_of(failure.request.url) if hasattr(failure, "request") else ""  # type: ignore[attr-defined]
        return "dns", f"DNS lookup failed for {host or 'the host'} (no network?)"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout", f"timed out: {message}"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection", f"connection refused: {message}"
    if failure.check(DownloadCancelledError, CancelledError):
        # DOWNLOAD_MAXSIZE is the only thing that cancels our downloads (Scrapy turns its own
        # timeout cancel into DownloadTimeoutError). A Content-Length over the limit comes with a
        # message; a body that streams past it is cancelled mid-way with an empty one.
        if str(value):
            return "too_large", message
        limit = f"the {max_bytes} byte" if max_bytes else "the"
        return "too_large", f"download cancelled: body grew past {limit} limit (DOWNLOAD_MAXSIZE)"
    if failure.check(IgnoreRequest):
        # Match the fixed wording of Scrapy's middlewares and DomainGuardMiddleware; messages
        # also quote the URL, which a hostile site chooses, so never match anywhere in them.
        text = message.lower()
        if text.startswith("forbidden by robots.txt"):
            return "robots", "forbidden by robots.txt"
        if text.startswith("offsite"):
            return "offsite", message
        if "exceeded download_maxsize" in text:
            return "too_large", message  # a compressed body that decompresses past the limit
        if text.startswith("max redirections"):
            return "redirect", f"{message} (over REDIRECT_MAX_TIMES)"
        return "ignored", message
    return type(value).__name__.lower(), message
