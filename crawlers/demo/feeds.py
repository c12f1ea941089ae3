"""Machine-readable documents of an outlet: robots.txt, RSS 2.0 / Atom feeds, news sitemaps."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from crawlers.demo.model import DemoArticle, DemoOutlet, OutletSpec

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"

XML_NS = "http://www.w3.org/XML/1998/namespace"

# Prefixes only. Default namespaces are written as a literal xmlns attribute on each root, so the
# process-wide ElementTree registry (shared with other code) keeps no default namespace.
ET.register_namespace("news", NEWS_NS)
ET.register_namespace("dc", DC_NS)
ET.register_namespace("atom", ATOM_NS)


def latest_change(articles: Sequence[DemoArticle]) -> datetime:
    """The newest publication or modification time among `articles` (epoch when empty)."""
    return max((a.last_changed for a in articles), default=datetime(2000, 1, 1, tzinfo=UTC))


def robots_txt(spec: OutletSpec, outlet: DemoOutlet) -> str:
    """robots.txt: everything allowed except /private/ and search, plus the sitemap location."""
    sitemap = spec.sitemap_index_path or spec.news_sitemap_path
    return (
        "# robots.txt for " + spec.title + "\n"
        "User-agent: *\n"
        "Disallow: /private/\n"
        "Disallow: /search\n"
        "\n"
        "User-agent: GPTBot\n"
        "Disallow: /\n"
        "\n"
        f"Sitemap: {outlet.url(sitemap)}\n"
    )


def feed_xml(spec: OutletSpec, outlet: DemoOutlet, articles: Sequence[DemoArticle]) -> bytes:
    """The outlet's feed (RSS 2.0 or Atom, as declared) of its feed-listed articles."""
    items = sorted((a for a in articles if a.in_feed), key=lambda a: a.published, reverse=True)
    if spec.feed_kind == "atom":
        return _atom(spec, outlet, items)
    return _rss(spec, outlet, items)


def news_sitemap_xml(spec: OutletSpec, articles: Sequence[DemoArticle]) -> bytes:
    """A Google News sitemap of the outlet's sitemap-listed articles."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    items = sorted((a for a in articles if a.in_sitemap), key=lambda a: a.published, reverse=True)
    for article in items:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = article.url
        ET.SubElement(url, "lastmod").text = article.last_changed.isoformat()
        news = ET.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = ET.SubElement(news, f"{{{NEWS_NS}}}publication")
        ET.SubElement(publication, f"{{{NEWS_NS}}}name").text = spec.title
        ET.SubElement(publication, f"{{{NEWS_NS}}}language").text = spec.language
        ET.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = article.published.isoformat()
        ET.SubElement(news, f"{{{NEWS_NS}}}title").text = article.title
        if article.tags:
            ET.SubElement(news, f"{{{NEWS_NS}}}keywords").text = ", ".join(article.tags)
    return _serialise(root)


def sitemap_index_xml(
    spec: OutletSpec, outlet: DemoOutlet, articles: Sequence[DemoArticle]
) -> bytes:
    """A sitemap index pointing at the outlet's news sitemap."""
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    entry = ET.SubElement(root, "sitemap")
    ET.SubElement(entry, "loc").text = outlet.url(spec.news_sitemap_path)
    listed = [a for a in articles if a.in_sitemap]
    ET.SubElement(entry, "lastmod").text = latest_change(listed).isoformat()
    return _serialise(root)


def _rss(spec: OutletSpec, outlet: DemoOutlet, items: list[DemoArticle]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = f"{spec.title} - {spec.section_title}"
    ET.SubElement(channel, "link").text = outlet.url(spec.section_path)
    ET.SubElement(channel, "description").text = spec.tagline
    ET.SubElement(channel, "language").text = spec.language
    ET.SubElement(
        channel,
        f"{{{ATOM_NS}}}link",
        {"href": outlet.url(spec.feed_path), "rel": "self", "type": "application/rss+xml"},
    )
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(latest_change(items))
    ET.SubElement(channel, "ttl").text = "15"
    for article in items:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        link = article.url
        if spec.feed_link_params:
            link += "?" + spec.feed_link_params
        ET.SubElement(item, "link").text = link
        ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = article.url
        ET.SubElement(item, "pubDate").text = format_datetime(article.published)
        for author in article.authors:
            ET.SubElement(item, f"{{{DC_NS}}}creator").text = author
        for tag in article.tags:
            ET.SubElement(item, "category").text = tag
        ET.SubElement(item, "description").text = article.summary
    return _serialise(root)


def _atom(spec: OutletSpec, outlet: DemoOutlet, items: list[DemoArticle]) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS, f"{{{XML_NS}}}lang": spec.language})
    ET.SubElement(root, "id").text = outlet.url(spec.feed_path)
    ET.SubElement(root, "title").text = f"{spec.title}: {spec.section_title}"
    ET.SubElement(root, "subtitle").text = spec.tagline
    ET.SubElement(root, "updated").text = latest_change(items).isoformat()
    ET.SubElement(root, "link", {"rel": "self", "href": outlet.url(spec.feed_path)})
    ET.SubElement(
        root,
        "link",
        {"rel": "alternate", "type": "text/html", "href": outlet.url(spec.section_path)},
    )
    for article in items:
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "id").text = article.url
        ET.SubElement(entry, "title").text = article.title
        ET.SubElement(
            entry,
            "link",
            {"rel": "alternate", "type": "text/html", "href": article.url},
        )
        ET.SubElement(entry, "published").text = article.published.isoformat()
        ET.SubElement(entry, "updated").text = article.last_changed.isoformat()
        for name in article.authors:
            author = ET.SubElement(entry, "author")
            ET.SubElement(author, "name").text = name
        for tag in article.tags:
            ET.SubElement(entry, "category", {"term": tag})
        ET.SubElement(entry, "summary", {"type": "text"}).text = article.summary
    return _serialise(root)


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
