"""Retries that honour a server's Retry-After (429, 503), capped so a hostile value cannot stall us.

Scrapy's RetryMiddleware retries a 429 at once and ignores Retry-After; this subclass waits as
asked, without blocking the reactor, up to `GEOWIRE_MAX_RETRY_AFTER` seconds. A server asking for
longer (`Retry-After: 86400`) will not answer within this crawl: the request is given up and the
refusal logged as `rate_limited`, rather than hammered again after the cap.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

# Longer than any sane crawl: numbers beyond this are clipped before they become floats.
MAX_PARSED_SECONDS = 10**9


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After value (delta-seconds or HTTP-date); None when unusable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(min(int(text), MAX_PARSED_SECONDS))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), float(MAX_PARSED_SECONDS))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits for Retry-After (up to a cap) before retrying a response."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("GEOWIRE_MAX_RETRY_AFTER", 30.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        """Scrapy's factory hook."""
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Retry a retryable status, after the server's Retry-After when it sent one."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return self._retry(request, reason) or response
        stats = self.crawler.stats
        assert stats is not None
        if wait > self.max_wait:
            stats.inc_value("geowire/retry_after_over_cap")
            recorder = getattr(self.crawler.spider, "recorder", None)
            if recorder is not None:
                recorder.record_failure(
                    request,
                    "rate_limited",
                    f"HTTP {response.status} with Retry-After {wait:.0f} s, over the "
                    f"{self.max_wait:g} s cap: not retried",
                )
            return response
        retry = self._retry(request, reason)
        if retry is None:
            return response
        if wait > 0:
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))  # type: ignore[arg-type]
        stats.inc_value("geowire/retry_after_waits")
        stats.inc_value("geowire/retry_after_waited_s", round(wait, 3))
        return retry
