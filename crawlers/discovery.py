"""Pure parsers that turn feeds, sitemaps and section pages into candidate article links.

No network here: the spider hands in bytes and gets back plain records, so the parsers are tested
directly on strings and survive truncated or hostile documents.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from dateutil import parser as date_parser
from lxml import etree, html

HTML_TYPES = ("text/html", "application/xhtml+xml")

# A sitemap may legally list 50,000 URLs; bound how many links one document can hand the crawler.
MAX_LINKS_PER_DOCUMENT = 50_000


@dataclass(frozen=True)
class Link:
    """A candidate article URL with what the announcing document said about it."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class SitemapDocument:
    """A parsed sitemap: child sitemaps (for an index) and page links (for a urlset)."""

    sitemaps: list[str]
    links: list[Link]
    error: str | None = None


@dataclass(frozen=True)
class FeedDocument:
    """A parsed RSS/Atom feed; `error` is set when the feed was malformed (entries may remain)."""

    links: list[Link]
    error: str | None = None


def is_html(content_type: str | None) -> bool:
    """True for an HTML media type; a missing type counts too (extraction rejects what is not)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return not media or media in HTML_TYPES


def parse_feed(body: bytes) -> FeedDocument:
    """Parse an RSS/Atom document with feedparser; keep what a truncated feed still yields."""
    parsed = feedparser.parse(body)
    links: list[Link] = []
    for entry in parsed.entries[:MAX_LINKS_PER_DOCUMENT]:
        url = entry.get("link") or entry.get("id")
        if not url or not isinstance(url, str) or not url.startswith(("http://", "https://")):
            continue
        authors = tuple(
            a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name", "").strip()
        )
        links.append(
            Link(
                url=url.strip(),
                title=(entry.get("title") or "").strip() or None,
                published_at=_struct_time_to_utc(
                    entry.get("published_parsed") or entry.get("updated_parsed")
                ),
                authors=authors,
            )
        )
    error = None
    if parsed.get("bozo") and not links:
        error = f"malformed feed: {parsed.get('bozo_exception')}"
    elif parsed.get("bozo"):
        error = f"malformed feed (kept {len(links)} entries): {parsed.get('bozo_exception')}"
    return FeedDocument(links=links, error=error)


def _struct_time_to_utc(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def parse_date(value: str | None) -> datetime | None:
    """Parse a W3C/ISO date from a sitemap into UTC (a naive value is taken as UTC)."""
    if not value or not value.strip():
        return None
    try:
        parsed = date_parser.isoparse(value.strip())
    except (ValueError, OverflowError):
        try:
            parsed = date_parser.parse(value.strip())
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> SitemapDocument:
    """Parse a sitemap, sitemap index or Google News sitemap, keeping `news:` title and date."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        return SitemapDocument([], [], error=f"malformed sitemap: {exc}")
    if root is None:
        return SitemapDocument([], [], error="malformed sitemap: empty or not XML")
    kind = _local(root.tag)
    children: list[str] = []
    links: list[Link] = []
    for node in root:
        if len(children) + len(links) >= MAX_LINKS_PER_DOCUMENT:
            break
        name = _local(node.tag)
        if name not in ("sitemap", "url"):
            continue
        fields = _sitemap_fields(node)
        loc = fields.get("loc")
        if not loc or not loc.startswith(("http://", "https://")):
            continue
        if name == "sitemap":
            children.append(loc)
        else:
            links.append(
                Link(
                    url=loc,
                    title=fields.get("title"),
                    published_at=parse_date(
                        fields.get("publication_date") or fields.get("lastmod")
                    ),
                )
            )
    error = None if kind in ("urlset", "sitemapindex") else f"not a sitemap (root element {kind!r})"
    if parser.error_log and error is None:
        # A truncated document's last entry may itself be cut short ("http://ex"): drop it.
        if links:
            links.pop()
        elif children:
            children.pop()
        error = f"malformed sitemap (kept {len(links) + len(children)} entries): {parser.error_log[0].message}"
    return SitemapDocument(children, links, error=error)


def _sitemap_fields(node: etree._Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in node.iter():
        if child is node:
            continue
        name = _local(child.tag)
        text = (child.text or "").strip()
        if text and name not in fields:
            fields[name] = text
    return fields


def section_links(body: bytes, base_url: str, encoding: str | None = None) -> list[Link]:
    """All `<a href>` targets of a section page, resolved against the page URL, with link text."""
    try:
        parser = html.HTMLParser(encoding=encoding, huge_tree=False)
        doc = html.document_fromstring(body, parser=parser, base_url=base_url)
    except (etree.ParserError, ValueError):
        return []
    doc.make_links_absolute(base_url, handle_failures="discard")
    links: list[Link] = []
    for anchor in doc.iter("a"):
        href = anchor.get("href")
        if not href or not href.startswith(("http://", "https://")):
            continue
        text = " ".join(anchor.text_content().split()) or None
        links.append(Link(url=href, title=text))
        if len(links) >= MAX_LINKS_PER_DOCUMENT:
            break
    return links
