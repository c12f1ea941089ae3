"""Read the metadata a page declares about itself: schema.org JSON-LD, OpenGraph and meta tags."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "medicalscholarlyarticle",
        "report",
        "review",
        "howto",
        "recipe",
        "posting",
    }
)
LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})
ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "website", "brand"})
VIDEO_TYPES = frozenset({"videoobject", "videogallery"})
MAX_JSONLD_CHARS = 2_000_000
TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass
class PageMeta:
    """Everything the page says about itself, raw strings, first value wins."""

    headline: str | None = None
    og_title: str | None = None
    html_title: str | None = None
    h1s: list[str] = field(default_factory=list)
    h2s: list[str] = field(default_factory=list)
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)
    org_authors: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    article_body: str | None = None
    keywords: list[str] = field(default_factory=list)
    description: str | None = None
    image: str | None = None
    canonical: list[str] = field(default_factory=list)
    declared_language: str | None = None
    accessible_for_free: bool | None = None
    og_type: str | None = None
    jsonld_types: set[str] = field(default_factory=set)

    @property
    def is_declared_article(self) -> bool:
        """The page calls itself an article (schema.org type or og:type)."""
        return bool(self.jsonld_types & ARTICLE_TYPES) or (self.og_type or "") == "article"


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Collect JSON-LD article data, OpenGraph/article:* and common meta tags from a parsed page."""
    meta = PageMeta()
    _read_jsonld(tree, meta)
    _read_meta_tags(tree, meta)
    _read_html_bits(tree, meta)
    return meta


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = html.unescape(value).strip()
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("text"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _nodes(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Flatten JSON-LD: lists, @graph and mainEntity wrappers, without unbounded recursion."""
    if depth > 6:
        return []
    out: list[dict[str, Any]] = []
    if isinstance(data, list):
        for item in data[:200]:
            out.extend(_nodes(item, depth + 1))
    elif isinstance(data, dict):
        out.append(data)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if isinstance(data.get(key), (list, dict)):
                out.extend(_nodes(data[key], depth + 1))
    return out


def _load_json(raw: str) -> Any:
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    if not raw or len(raw) > MAX_JSONLD_CHARS:
        return None
    try:
        return json.loads(raw, strict=False)
    except (ValueError, RecursionError):
        pass
    try:  # hand-written JSON-LD often has trailing commas
        return json.loads(TRAILING_COMMA.sub(r"\1", raw), strict=False)
    except (ValueError, RecursionError):
        return None


def _person_names(value: Any, organisations: bool = False) -> list[str]:
    names: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
        if isinstance(item, str) and not organisations:
            names.append(item)
        elif isinstance(item, dict) and organisations == bool(_types(item) & ORG_TYPES):
            name = _text(item.get("name"))
            if not name and (item.get("givenName") or item.get("familyName")):
                name = " ".join(
                    filter(None, (_text(item.get("givenName")), _text(item.get("familyName"))))
                )
            if name:
                names.append(name)
    return [html.unescape(n).strip() for n in names if n and n.strip()]


def _read_jsonld(tree: HtmlElement, meta: PageMeta) -> None:
    articles: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for script in tree.xpath(
        '//script[@type="application/ld+json" or @type="application/json+ld"]'
    ):
        for node in _nodes(_load_json(script.text or "")):
            types = _types(node)
            meta.jsonld_types |= types
            (articles if types & ARTICLE_TYPES else others).append(node)
    # the node with the longest body or a headline is the page's own article, not a teaser
    articles.sort(
        key=lambda n: (bool(n.get("headline")), len(str(n.get("articleBody") or ""))), reverse=True
    )
    for node in articles[:1]:
        meta.headline = _text(node.get("headline")) or _text(node.get("name"))
        meta.authors = _person_names(node.get("author") or node.get("creator"))
        meta.org_authors = _person_names(
            node.get("author") or node.get("creator"), organisations=True
        )
        for key, target in (
            ("datePublished", meta.published),
            ("dateCreated", meta.published),
            ("dateModified", meta.modified),
        ):
            value = _text(node.get(key))
            if value:
                target.append(value)
        body = node.get("articleBody")
        meta.article_body = body.strip() if isinstance(body, str) and body.strip() else None
        meta.keywords = _keywords(node.get("keywords"))
        meta.description = _text(node.get("description"))
        free = node.get("isAccessibleForFree")
        if isinstance(free, str):
            free = {"true": True, "false": False}.get(free.strip().lower())
        if isinstance(free, bool):
            meta.accessible_for_free = free
        publisher = node.get("publisher")
        if isinstance(publisher, dict):
            meta.site_name = _text(publisher.get("name"))
        meta.image = _image(node.get("image"))
        url = node.get("url") or node.get("mainEntityOfPage")
        if isinstance(url, dict):
            url = url.get("@id") or url.get("url")
        if isinstance(url, str):
            meta.canonical.append(url)
        language = _text(node.get("inLanguage"))
        if language:
            meta.declared_language = language
    for node in others:
        types = _types(node)
        if not meta.site_name and types & {"website", "organization", "newsmediaorganization"}:
            meta.site_name = _text(node.get("name"))
        if not articles and types & {"webpage"} and not meta.published:
            value = _text(node.get("datePublished"))
            if value:
                meta.published.append(value)


def _image(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)][:100]
    return []


META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "citation_publication_date",
    "citation_date",
    "og:published_time",
)
META_MODIFIED = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)
META_AUTHOR = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "citation_author",
    "byl",
)


def _read_meta_tags(tree: HtmlElement, meta: PageMeta) -> None:
    values: dict[str, list[str]] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (
            (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        )
        content = (node.get("content") or "").strip()
        if key and content:
            values.setdefault(key, []).append(html.unescape(content))
    first = {k: v[0] for k, v in values.items()}
    meta.og_title = first.get("og:title") or first.get("twitter:title")
    meta.og_type = (first.get("og:type") or "").lower() or None
    meta.site_name = meta.site_name or first.get("og:site_name") or first.get("application-name")
    meta.description = meta.description or first.get("og:description") or first.get("description")
    meta.image = meta.image or first.get("og:image") or first.get("twitter:image")
    if "og:url" in first:
        meta.canonical.append(first["og:url"])
    meta.published.extend(first[k] for k in META_PUBLISHED if k in first)
    meta.modified.extend(first[k] for k in META_MODIFIED if k in first)
    for key in META_AUTHOR:
        for value in values.get(key, []):
            if not value.startswith(("http://", "https://", "/", "@")):
                meta.meta_authors.append(value)
    # Yoast's reading card: twitter:label1 "Written by", twitter:data1 "Jane Doe"
    for index in "12345":
        label = first.get(f"twitter:label{index}", "").strip().lower()
        data = first.get(f"twitter:data{index}")
        if label in ("written by", "author", "by") and data:
            meta.meta_authors.append(data)
    if not meta.keywords:
        tags = values.get("article:tag", [])
        meta.keywords = tags or values.get("news_keywords", []) or values.get("keywords", [])
    if meta.accessible_for_free is None and first.get("article:content_tier") in (
        "locked",
        "metered",
    ):
        meta.accessible_for_free = False


def _read_html_bits(tree: HtmlElement, meta: PageMeta) -> None:
    titles = tree.xpath("//head/title/text()") or tree.xpath("//title/text()")
    meta.html_title = " ".join(titles[0].split()) if titles else None
    for h1 in tree.xpath("//h1")[:5]:
        text = " ".join(h1.text_content().split())
        if text:
            meta.h1s.append(text)
    for h2 in tree.xpath("//h2")[:3]:
        text = " ".join(h2.text_content().split())
        if text:
            meta.h2s.append(text)
    for href in tree.xpath('//link[@rel="canonical"]/@href')[:1]:
        meta.canonical.insert(0, href)
    langs = tree.xpath("/html/@lang") or tree.xpath(
        '//meta[@http-equiv="content-language"]/@content'
    )
    if langs and not meta.declared_language:
        meta.declared_language = langs[0].strip() or None
    for node in tree.xpath('//*[@itemprop="datePublished"]')[:1]:
        value = node.get("content") or node.get("datetime")
        if value:
            meta.published.append(value)
    for node in tree.xpath(
        '//*[@itemprop="author"][not(ancestor::*[contains(@class, "comment")'
        ' or contains(@id, "comment")])]'
    )[:3]:
        name = node.xpath('.//*[@itemprop="name"]/@content') or node.xpath(
            './/*[@itemprop="name"]//text()'
        )
        value = " ".join(name).strip() if name else node.get("content") or node.text_content()
        value = " ".join(value.split())
        if value and len(value) < 80:
            meta.meta_authors.append(value)


BYLINE_START = re.compile(r"^\s*(by|written by|posted by|words by|author:?)\s+\S", re.IGNORECASE)
# "Browse by Category", "Shop by Region": menus, not bylines
NOT_BYLINE = re.compile(
    r"^\s*by\s+(category|categories|region|topic|topics|type|date|use case|industry|brand|price|"
    r"location|name|author|month|year|season|department|subject|tag|size|color|style|product|"
    r"travellers|travelers|the way|clicking|signing|using|continuing|submitting|entering)\b",
    re.IGNORECASE,
)


BYLINE_WORD = re.compile(r"^\s*(by|written|posted|author)\b", re.IGNORECASE)
BYLINE_XPATH = (
    "//body//text()[string-length(.) < 80]"
    "[starts-with(normalize-space(translate(., '\u00a0', ' ')), 'By')"
    " or starts-with(normalize-space(translate(., '\u00a0', ' ')), 'by ')"
    " or starts-with(normalize-space(.), 'Written') or starts-with(normalize-space(.), 'Posted')"
    " or starts-with(normalize-space(.), 'Author')]"
)
# themes name the byline element: "author-name", "author__name", "byline-name", "post-author"
AUTHOR_CLASS_XPATH = (
    "//body//*[contains(@class, 'author-name') or contains(@class, 'author__name')"
    " or contains(@class, 'author_name') or contains(@class, 'byline__name')"
    " or contains(@class, 'byline-name') or contains(@class, 'author-box__name')]"
)


def visible_bylines(tree: HtmlElement) -> list[str]:
    """Visible bylines: links to author pages, short "By Jane Doe" lines, elements a theme marks
    as the author's name (read only when the declared metadata names nobody: it walks the text
    of the page)."""
    found: list[str] = []
    for link in tree.xpath(
        '//a[@rel="author" or contains(@href, "/author/") or contains(@href, "/authors/")]'
    )[:10]:
        text = " ".join(link.text_content().split())
        if 3 <= len(text) <= 50 and len(text.split()) <= 5:
            found.append(text)
            break
    # a link to the author's page is the strongest sign: a "by ..." line elsewhere is then more
    # often a quotation's attribution ("... by Ansel Adams.") than a second author
    for node in [] if found else tree.xpath(BYLINE_XPATH)[:50]:
        if not BYLINE_WORD.match(node) or NOT_BYLINE.match(node):
            continue
        parent = node.getparent()
        if parent is None or parent.tag in ("script", "style", "title"):
            continue
        # "<time>Dec 08, 2019</time> by Stephen Bay in ...": the text after an element is its own
        if node.is_tail:
            if parent.tag != "time" and not any(ch.isdigit() for ch in parent.text_content()):
                continue
            text = " ".join(node.split())
        else:
            text = " ".join(parent.text_content().split())
        if len(text) < 5 or len(text) > 80:
            parent = (
                parent.getparent() if len(text) < 5 and parent.getparent() is not None else None
            )
            text = " ".join(parent.text_content().split()) if parent is not None else ""
        if BYLINE_START.match(text) and len(text) <= 80 and not NOT_BYLINE.match(text):
            found.append(text)
            break
    if not found:
        for node in tree.xpath(AUTHOR_CLASS_XPATH)[:3]:
            text = " ".join(node.text_content().split())
            if 3 <= len(text) <= 60:
                found.append(text)
                break
    return found


MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
VISIBLE_DATE = re.compile(
    r"(?P<label>published|posted|updated|last updated|modified|created|date)?(?:\s+on)?\s*:?\s*"
    rf"(?P<date>(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}})|(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    r"|(?:\d{4}-\d{2}-\d{2})|(?:\d{1,2}/\d{1,2}/\d{4}))",
    re.IGNORECASE,
)
# a line that is only "November 2015" (monthly columns print no day)
MONTH_YEAR = re.compile(
    r"(?P<label>)(?P<date>(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\s+(?:19|20)\d\d)",
    re.IGNORECASE,
)
DATE_WINDOW_BEFORE, DATE_WINDOW_AFTER = 40, 400
UPDATED_LABELS = ("updated", "last updated", "modified")


def visible_dates(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """Dates printed next to the headline ("May 23, 2025", "Updated November 18, 2025") as
    (published, updated), nearest first: the byline under the <h1>, then above it. The
    neighbourhood of the <h1> is where bylines sit, far from copyright footers and sidebars."""
    published: list[str] = []
    updated: list[str] = []
    headings = tree.xpath("//body//h1")
    if not headings:
        return published, updated
    heading = headings[0]
    before = heading.xpath(f"preceding::*[position() <= {DATE_WINDOW_BEFORE}]")
    after = heading.xpath(f"following::*[position() <= {DATE_WINDOW_AFTER}]")
    # nearest first; below the headline wins a tie
    ordered = sorted(
        [(0, 0, heading)]
        + [(i, 0, e) for i, e in enumerate(after, 1)]
        + [(i, 1, e) for i, e in enumerate(reversed(before), 1)],
        key=lambda item: item[:2],
    )
    for _, _, element in ordered:
        if element.tag in ("script", "style", "noscript", "a") or not isinstance(element.tag, str):
            continue
        for chunk in (element.text, element.tail):
            if not chunk or len(chunk) > 80 or not any(ch.isdigit() for ch in chunk):
                continue
            found = VISIBLE_DATE.search(chunk) or MONTH_YEAR.fullmatch(chunk.strip())
            if found:
                label = (found.group("label") or "").lower() or _label_nearby(element, chunk)
                target = updated if label in UPDATED_LABELS else published
                target.append(found.group("date"))
    # "Updated 12 Jan 2026" often repeats elsewhere without its label: not the publication date
    return [d for d in published if d not in updated], updated


def _label_nearby(element: HtmlElement, chunk: str) -> str:
    """The label of a date printed in its own element: "<span>Last updated on:</span>
    <span>November 29, 2025</span>"."""
    if chunk is element.tail:
        context = element.text_content()
    else:
        parent = element.getparent()
        context = parent.text_content() if parent is not None else ""
    context = " ".join(context.split())
    if len(context) > 100:
        return ""
    found = DATE_LABEL.search(context.split(chunk.strip())[0][-40:]) if chunk.strip() else None
    return found.group(1).lower() if found else ""


DATE_LABEL = re.compile(
    r"(published|posted|last updated|updated|modified|created)(?:\s+on)?\s*:?\s*$", re.IGNORECASE
)
