"""`geowire sources check [--probe]`: validate the sources file and, on request, fetch every feed
and sitemap once to say what it serves (RSS/Atom, sitemap, something else) and how many entries.
"""

from __future__ import annotations

import gzip
import socket
import sys
import time
import urllib.error
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from http.client import HTTPException
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import feedparser

from crawlers.discovery import parse_sitemap
from crawlers.job import CrawlJob
from crawlers.sources import load_sources

USER_AGENT = next(f.default for f in fields(CrawlJob) if f.name == "user_agent")
MAX_BYTES = 10 * 1024 * 1024  # the crawl's page cap: a feed bigger than this fails there too
PROBE_WORKERS = 8


@dataclass(frozen=True)
class SourceCheck:
    """One declared feed or sitemap URL and, when probed, what it served."""

    source: str
    url: str
    declared: str  # "feed" or "sitemap": the sources-file key it is listed under
    probed: bool = False
    status: int | None = None
    content: str | None = None  # rss, atom, sitemap, sitemap index, html, unknown
    entries: int | None = None  # feed entries, sitemap URLs or child sitemaps
    error: str | None = None
    elapsed_ms: float | None = None
    final_url: str | None = None  # where redirects ended, when not `url`

    @property
    def ok(self) -> bool:
        """True when the URL is unprobed or served the declared kind with entries."""
        return self.error is None


def check_sources(path: Path, probe: bool, timeout_s: float = 10.0) -> list[SourceCheck]:
    """Validate `path` (raises ConfigError) and list its feeds and sitemaps, probed if asked."""
    sources = load_sources(path)
    checks = [
        SourceCheck(source=s.name, url=url, declared=declared)
        for s in sources
        for declared, urls in (("feed", s.feeds), ("sitemap", s.sitemaps))
        for url in urls
    ]
    if not probe or not checks:
        return checks
    with ThreadPoolExecutor(max_workers=min(PROBE_WORKERS, len(checks))) as pool:
        return list(pool.map(lambda c: probe_url(c, timeout_s), checks))


def probe_url(check: SourceCheck, timeout_s: float) -> SourceCheck:
    """Fetch `check.url` once and classify the body; every failure becomes `error`, never raises."""
    started = time.monotonic()
    request = urllib.request.Request(
        check.url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
    )
    status: int | None = None
    final_url: str | None = None
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            status = response.status
            final_url = response.geturl()
            body = response.read(MAX_BYTES + 1)
            encoding = response.headers.get("Content-Encoding", "")
            content_type = response.headers.get("Content-Type", "")
        if len(body) > MAX_BYTES:
            raise _Failure(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        content, entries, problem = classify(_decompress(body, encoding), content_type)
        if problem is None and content not in _KINDS[check.declared]:
            problem = f"listed under {check.declared}s but serves {content}"
        if problem is None and not entries:
            problem = "no entries"
    except urllib.error.HTTPError as exc:
        status, content, entries, problem = exc.code, None, None, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, HTTPException, _Failure) as exc:
        content, entries, problem = None, None, describe_error(exc, check.url, timeout_s)
    return SourceCheck(
        source=check.source,
        url=check.url,
        declared=check.declared,
        probed=True,
        status=status,
        content=content,
        entries=entries,
        error=problem,
        elapsed_ms=round((time.monotonic() - started) * 1000, 1),
        final_url=final_url if final_url and final_url != check.url else None,
    )


class _Failure(Exception):
    """A response we refuse to read (too big, undecodable)."""


_KINDS = {"feed": ("rss", "atom"), "sitemap": ("sitemap", "sitemap index")}


def _decompress(body: bytes, content_encoding: str) -> bytes:
    # A .xml.gz sitemap is a gzip file whatever the headers say.
    if "gzip" in content_encoding.lower() or body[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(body)[: MAX_BYTES + 1]
        except (OSError, EOFError, zlib.error) as exc:
            raise _Failure(f"bad gzip body: {exc}") from None
    return body


def classify(body: bytes, content_type: str = "") -> tuple[str, int, str | None]:
    """What a body is (content kind, entry count, problem or None), by its content, not its type."""
    head = body[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        document = parse_sitemap(body)
        if b"<sitemapindex" in head:
            return "sitemap index", len(document.sitemaps), document.error
        return "sitemap", len(document.links), document.error
    parsed = feedparser.parse(body)
    version = str(parsed.get("version") or "")
    if version:
        kind = "atom" if version.startswith("atom") else "rss"
        problem = None
        if parsed.get("bozo") and not parsed.entries:
            problem = f"malformed feed: {parsed.get('bozo_exception')}"
        return kind, len(parsed.entries), problem
    if b"<html" in head or b"<!doctype html" in head or "html" in content_type.lower():
        return "html", 0, "an HTML page, not a feed or sitemap"
    return "unknown", 0, f"neither a feed nor a sitemap (Content-Type {content_type or 'none'})"


def describe_error(exc: BaseException, url: str, timeout_s: float) -> str:
    """One line for a failed fetch, in the crawl's words where it has them."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    host = urlsplit(url).hostname or "the host"
    if isinstance(reason, socket.gaierror):
        return f"DNS lookup failed for {host} (no network?)"
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout_s:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return f"connection refused by {host}"
    return f"{type(reason).__name__}: {reason}"


# --- printing ----------------------------------------------------------------------------------


def check_lines(checks: list[SourceCheck]) -> list[str]:
    """One line per URL and a closing summary line, for the terminal or a log."""
    lines = []
    for c in checks:
        where = f"{c.source} {c.declared} {c.url}"
        if not c.probed:
            lines.append(f"{where}: listed")
            continue
        took = f" in {c.elapsed_ms:.0f} ms" if c.elapsed_ms is not None else ""
        redirected = f" (redirected to {c.final_url})" if c.final_url else ""
        if c.ok:
            lines.append(f"{where}: ok, {c.content} with {c.entries} entries{took}{redirected}")
        else:
            status = f" [{c.status}]" if c.status is not None else ""
            lines.append(f"{where}: FAILED{status} {c.error}{redirected}")
    failed = [c for c in checks if not c.ok]
    probed = any(c.probed for c in checks)
    summary = f"sources file is valid; {len(checks)} feed and sitemap URLs"
    if probed:
        summary += f"; {len(checks) - len(failed)} ok, {len(failed)} failed"
    lines.append(summary)
    return lines


def print_checks(checks: list[SourceCheck], file: TextIO | None = None) -> int:
    """Print the check lines; return the exit code (1 when a probed URL failed, else 0)."""
    out = file or sys.stdout
    for line in check_lines(checks):
        print(line, file=out)
    return 1 if any(not c.ok for c in checks) else 0
