"""What a crawl leaves behind: WARC records and one fetch-log line per attempt (JSONL).

The middleware records every response as it comes off the wire; the spider records the failures
that never produced one (timeouts, DNS, robots.txt, off-site redirects, size limits).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.web import http

from crawlers.discovery import Link
from crawlers.job import CrawlJob
from crawlers.urls import host_of, on_source_domains
from crawlers.warc import WarcArchive

FETCH_LOG_FIELDS = (
    "run_id",
    "source",
    "url",
    "kind",
    "status",
    "content_type",
    "size",
    "fetched_at",
    "elapsed_ms",
    "error",
    "error_kind",
    "warc_file",
    "warc_offset",
    "warc_length",
    "etag",
    "last_modified",
    "content_hash",
    "hints",
)


class CrawlRecorder:
    """Owns the WARC file and the fetch log of one source's crawl."""

    def __init__(self, job: CrawlJob) -> None:
        self.job = job
        job.out_dir.mkdir(parents=True, exist_ok=True)
        self.archive = WarcArchive(job.warc_path)
        # Line-buffered: a killed crawl keeps every line written before the kill.
        self._log = open(job.fetch_log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        self._announced = open(job.announced_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115

    def record_response(self, request: Request, response: Response) -> None:
        """Archive a response and log it."""
        fetched_at = datetime.now(UTC)
        headers = [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, values in response.headers.items()
            for value in values
        ]
        reason = http.RESPONSES.get(response.status, b"").decode("latin-1")
        # The hash of the body as received (before decompression); the spider compares the same
        # value with the one stored last time, so both read it from here.
        digest = hashlib.sha256(response.body).hexdigest()
        request.meta["content_hash"] = digest
        position = self.archive.write_response(
            response.url, response.status, reason, headers, response.body, fetched_at
        )
        self.log(
            request,
            url=response.url,
            status=response.status,
            content_type=_header(response, b"Content-Type"),
            size=len(response.body),
            fetched_at=fetched_at,
            warc_file=str(position.path),
            warc_offset=position.offset,
            warc_length=position.length,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            content_hash=digest,
        )

    def record_failure(self, request: Request, error_kind: str, error: str) -> None:
        """Log an attempt that produced no usable response."""
        self.log(request, url=request.url, error_kind=error_kind, error=error[:500])

    def log(self, request: Request, **values: Any) -> None:
        """Append one fetch-log line; `kind` and hints come from the request's meta."""
        latency = request.meta.get("download_latency")
        fetched_at = values.pop("fetched_at", None) or datetime.now(UTC)
        row: dict[str, Any] = dict.fromkeys(FETCH_LOG_FIELDS)
        row.update(
            run_id=self.job.run_id,
            source=self.job.source.name,
            kind=request.meta.get("kind") or _kind_from_url(request.url),
            fetched_at=fetched_at.isoformat(),
            elapsed_ms=round(latency * 1000) if latency is not None else None,
            hints=request.meta.get("hints"),
        )
        row.update(values)
        self._log.write(json.dumps(row, default=str) + "\n")

    def announce(self, url: str, link: Link, via: str) -> None:
        """Keep what a feed or sitemap said about a page (title, date, authors)."""
        row = {
            "url": url,
            "via": via,
            "title": link.title,
            "published_at": link.published_at.isoformat() if link.published_at else None,
            "authors": list(link.authors),
        }
        self._announced.write(json.dumps(row) + "\n")

    def close(self) -> None:
        """Close the archive and the logs."""
        self.archive.close()
        self._log.close()
        self._announced.close()


def _kind_from_url(url: str) -> str:
    return "robots" if url.endswith("/robots.txt") else "other"


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class DomainGuardMiddleware:
    """Downloader middleware, first in line: refuses hosts outside the source's domains.

    It replaces Scrapy's offsite filter, which lets dont_filter requests (our feeds and re-visits)
    through and drops off-site redirects at scheduling time without calling the errback, so the
    refusal would never reach the fetch log.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DomainGuardMiddleware:
        """Scrapy's factory hook."""
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Refuse a request whose host is not one of the source's."""
        recorder: CrawlRecorder | None = getattr(self.crawler.spider, "recorder", None)
        if recorder is not None and not on_source_domains(request.url, recorder.job.source):
            raise IgnoreRequest(
                f"offsite: host {host_of(request.url)!r} is not one of the source's"
            )


class ArchiveMiddleware:
    """Downloader middleware next to the wire: every raw response goes to the WARC and the log."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        """Scrapy's factory hook."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Record the response and pass it on unchanged."""
        recorder: CrawlRecorder | None = getattr(self.crawler.spider, "recorder", None)
        if recorder is not None:
            recorder.record_response(request, response)
        return response


def read_fetch_log(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL log (fetches or announcements), skipping a torn line left by a killed crawl."""
    rows: list[dict[str, Any]] = []
    if not path.exists():
        return rows
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return rows
