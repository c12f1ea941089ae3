"""Scrapy settings for one source's crawl, derived from the job (no settings module, no env)."""

from __future__ import annotations

from typing import Any

from crawlers.job import CrawlJob


def scrapy_settings(job: CrawlJob) -> dict[str, Any]:
    """Polite, bounded settings: robots.txt, per-domain delay, timeouts, size and memory caps."""
    limits = job.limits
    polite = limits.polite
    return {
        "BOT_NAME": "geowire",
        "USER_AGENT": job.user_agent,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "LOG_FILE": str(job.log_path),
        "LOG_FILE_APPEND": True,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": job.source.concurrency if polite else 16,
        "DOWNLOAD_DELAY": job.source.download_delay if polite else 0,
        "RANDOMIZE_DOWNLOAD_DELAY": polite,
        "AUTOTHROTTLE_ENABLED": polite,
        "AUTOTHROTTLE_START_DELAY": max(job.source.download_delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": limits.download_timeout_s,
        "DNS_TIMEOUT": min(limits.download_timeout_s, 15),
        "DOWNLOAD_MAXSIZE": limits.max_page_bytes,
        "DOWNLOAD_WARNSIZE": limits.max_page_bytes // 2,
        "CLOSESPIDER_TIMEOUT": limits.crawl_timeout_s,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": limits.retry_times,
        "GEOWIRE_MAX_RETRY_AFTER": limits.max_retry_after_s,
        "REDIRECT_MAX_TIMES": 5,
        "METAREFRESH_ENABLED": False,
        # Scrapy's memory guard reads ru_maxrss, which Linux carries over from the parent process
        # (the flow) into this one: it would stop crawls for memory they never used. Memory here
        # is bounded instead by page size x concurrency and the per-source article budget.
        "MEMUSAGE_ENABLED": False,
        # A host that does not resolve will not resolve a second later: fail the source at once.
        "RETRY_EXCEPTIONS": [
            "scrapy.exceptions.DownloadConnectionRefusedError",
            "scrapy.exceptions.DownloadFailedError",
            "scrapy.exceptions.DownloadTimeoutError",
            "scrapy.exceptions.ResponseDataLossError",
            "twisted.internet.error.ConnectionDone",
            "twisted.internet.error.ConnectError",
            "twisted.internet.error.ConnectionLost",
            OSError,
        ],
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "crawlers.recorder.DomainGuardMiddleware": 50,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.retry.RetryAfterMiddleware": 550,
            "crawlers.recorder.ArchiveMiddleware": 950,
        },
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
