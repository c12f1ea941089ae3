"""URL canonicalisation and article-link heuristics (pure functions).

Two URLs that differ only in tracking parameters, fragments, default ports, host case or query
order name the same article; `canonical_url` maps them to one string and `article_key` to one id.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urljoin, urlsplit

import courlan

from crawlers.sources import Source

# Paths that lead to lists of articles or to site furniture rather than to one article.
NON_ARTICLE_PATH = re.compile(
    r"/(tags?|topics?|categor(y|ies)|section|authors?|search|page/\d+|login|signin|register|"
    r"subscribe|newsletters?|about|contact|privacy|terms|cookies?|feed|rss|sitemap|video|videos|"
    r"gallery|galleries|photos?|live|podcasts?|account|shop|events?)(/|$)",
    re.IGNORECASE,
)
BINARY_SUFFIX = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|pdf|zip|gz|mp[34]|m4a|mov|avi|css|js|json|xml|rss|atom|woff2?)$",
    re.IGNORECASE,
)

# Calendar and date-archive pages (/calendar/2026/01/01, /archive/2026-01-01, /2026/03/,
# ?date=2026-01-01): a site can generate one for every day forever, and none is one story.
# A date followed by a slug (/2026/03/04/port-strike) is an article and does not match.
CALENDAR_SEGMENT = re.compile(r"/calendars?(/|$)", re.IGNORECASE)
DATE_ONLY_PATH_END = re.compile(
    r"(^|/)(19|20)\d{2}[/-](0?[1-9]|1[0-2])([/-](0?[1-9]|[12]\d|3[01]))?/?$"
)
DATE_QUERY = re.compile(r"(^|&)(date|day|month|year|cal|calendar)=(19|20)\d{2}", re.IGNORECASE)


def canonical_url(url: str, base: str | None = None) -> str:
    """Return the canonical form of `url` (resolved against `base`): no tracking, no fragment."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        return courlan.normalize_url(url, strict=True)
    except (ValueError, AttributeError):
        return url.split("#", 1)[0]


def article_key(canonical: str) -> str:
    """A stable 32-hex-digit id for an article, derived from its canonical URL."""
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


def host_of(url: str) -> str:
    """The lower-cased host name of `url` ('' when there is none)."""
    return (urlsplit(url).hostname or "").lower()


def on_source_domains(url: str, source: Source) -> bool:
    """True when `url` is on one of the source's hosts or their subdomains."""
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in source.allowed_domains)


def passes_patterns(url: str, source: Source) -> bool:
    """Apply the source's allow/deny regular expressions (deny wins; no allow list allows all)."""
    if any(re.search(p, url) for p in source.deny):
        return False
    return not source.allow or any(re.search(p, url) for p in source.allow)


def looks_like_article(url: str) -> bool:
    """Heuristic for links found on section pages: a slug or an id deep enough to be one story."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    path = parts.path
    if BINARY_SUFFIX.search(path) or NON_ARTICLE_PATH.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    last = re.sub(r"\.(s?html?|php|aspx?)$", "", segments[-1], flags=re.IGNORECASE)
    slug_words = len([w for w in re.split(r"[-_]", last) if w])
    has_long_id = bool(re.search(r"\d{5,}", path))
    return slug_words >= 4 or has_long_id or (len(segments) >= 3 and slug_words >= 3)


def is_calendar_trap(url: str) -> bool:
    """True for calendar or date-archive URLs, which a site can generate without end."""
    parts = urlsplit(url)
    return bool(
        CALENDAR_SEGMENT.search(parts.path)
        or DATE_ONLY_PATH_END.search(parts.path)
        or DATE_QUERY.search(parts.query)
    )
