"""`extract_article`: decode, parse once, run trafilatura, clean, pick metadata, judge the page."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

import py3langid
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from crawlers.extract.article import Article, PageHints
from crawlers.extract.body import block_words, needs_second_opinion, pick_body
from crawlers.extract.boilerplate import FilterResult, clean_lines, trim_tail
from crawlers.extract.decode import NotHtml, decode_html
from crawlers.extract.edges import trim_edges
from crawlers.extract.fallback_meta import FallbackMeta
from crawlers.extract.fields import (
    choose_title,
    clean_authors,
    fold,
    language_code,
    parse_datetime,
    site_name_variants,
    split_tags,
    tidy,
)
from crawlers.extract.layout import unwrap_layout_tables
from crawlers.extract.pitches import trim_pitches
from crawlers.extract.prune import prune_furniture
from crawlers.extract.quality import judge_page
from crawlers.extract.structured import PageMeta, read_page_meta, visible_bylines, visible_dates
from crawlers.sources import Source
from crawlers.urls import article_key, canonical_url, host_of, on_source_domains

EXTRACTOR_VERSION = "2026.11.5"

# Pages above this are cut before parsing: no article needs 8 MB of markup and lxml time grows with it.
MAX_HTML_CHARS = 8_000_000
# Above this, trafilatura's fallback extractors (readability, jusText) cost seconds per page:
# use its fast mode so one giant page cannot stall a batch.
FAST_MODE_CHARS = 1_500_000
SHORT_TEXT_FOR_LANGID = 200
LANGID_CHARS = 1200  # enough for a confident answer; the classifier's cost grows with length
LOGGER = logging.getLogger(__name__)
BYLINE_LINE = re.compile(r"^\s*(by|par|von|por|door|di|written by)\s+\S", re.IGNORECASE)


def extract_article(
    url: str,
    html: bytes | str,
    fetched_at: datetime,
    source: Source,
    hints: PageHints | None = None,
) -> Article:
    """Extract one cleaned article from a fetched page; never raises, flags non-articles."""
    hints = hints or PageHints()
    fetched_at = (
        fetched_at.replace(tzinfo=UTC) if fetched_at.tzinfo is None else fetched_at.astimezone(UTC)
    )
    try:
        return _extract(url, html, fetched_at, source, hints)
    except Exception as exc:  # hostile pages must never stop a batch; the flag says what happened
        LOGGER.warning("extraction failed for %s: %r", url, exc)
        return _empty(url, fetched_at, source, hints, [f"not_article:error:{type(exc).__name__}"])


def _empty(
    url: str, fetched_at: datetime, source: Source, hints: PageHints, flags: list[str]
) -> Article:
    canonical = canonical_url(url)
    title = tidy(hints.title)
    return Article(
        url=url,
        canonical_url=canonical,
        article_id=article_key(canonical),
        source=source.name,
        title=title,
        authors=clean_authors(hints.authors),
        published_at=parse_datetime(hints.published_at, fetched_at),
        modified_at=None,
        language=None,
        text="",
        word_count=0,
        tags=[],
        description=None,
        content_hash=content_hash(title, ""),
        fetched_at=fetched_at,
        is_article=False,
        quality_flags=flags,
        extractor_version=EXTRACTOR_VERSION,
    )


def _extract(
    url: str, html: bytes | str, fetched_at: datetime, source: Source, hints: PageHints
) -> Article:
    try:
        markup = decode_html(html)
    except NotHtml as exc:
        return _empty(url, fetched_at, source, hints, [f"not_article:{exc.reason}"])
    flags: list[str] = []
    if len(markup) > MAX_HTML_CHARS:
        markup = markup[:MAX_HTML_CHARS]
        flags.append("input_truncated")
    tree = load_html(markup)
    if tree is None:
        return _empty(url, fetched_at, source, hints, [*flags, "not_article:unparseable"])
    unwrap_layout_tables(tree)
    meta = read_page_meta(tree)
    prune_furniture(tree)
    fast = len(markup) > FAST_MODE_CHARS
    if fast:
        flags.append("large_page")
    raw_text, chosen = _body(tree, url, source, meta, fast)
    if chosen:
        flags.append(chosen)
    cleaned = clean_lines(raw_text)
    text = cleaned.text
    fallback = FallbackMeta(tree, url, fetched_at)

    # trafilatura's sitename is often a guess from the <title> (the headline itself): not used
    sites = site_name_variants((meta.site_name, source.name), host_of(url))
    title = _title(meta, fallback.title, hints, sites)
    text = _drop_leading_title(text, title)

    authors = _authors(tree, meta, fallback, hints, sites, site_name_variants((source.name,)))
    text = _drop_byline(text, authors)
    text, tail = trim_tail(text, authors)
    text, edges = trim_edges(text, tree)
    text, pitches = trim_pitches(text, authors)
    tail = (*tail, *edges, *pitches)
    if tail:
        cleaned = FilterResult(cleaned.text, (*cleaned.removed, *tail))

    published = _published(tree, meta, fallback, hints, fetched_at)
    modified = _first_date(meta.modified, fetched_at)

    tags = split_tags(meta.keywords) or split_tags(fallback.tags)
    language = _language(text, meta, source)
    description = tidy(meta.description) or tidy(fallback.description)
    words = len(text.split())

    flags.extend(
        judge_page(
            url=url,
            tree=tree,
            meta=meta,
            text=text,
            raw_text=raw_text,
            removed=cleaned.removed,
            word_count=words,
        )
    )
    if _short_of_declared(meta, words):
        flags.append("probably_truncated")
    if meta.accessible_for_free is False:
        flags.append("paywalled")
    is_article = not any(f.startswith("not_article") for f in flags)
    canonical = _canonical(url, meta, source)
    return Article(
        url=url,
        canonical_url=canonical,
        article_id=article_key(canonical),
        source=source.name,
        title=title,
        authors=authors,
        published_at=published,
        modified_at=modified,
        language=language,
        text=text,
        word_count=words,
        tags=tags,
        description=description,
        content_hash=content_hash(title, text),
        fetched_at=fetched_at,
        is_article=is_article,
        quality_flags=flags,
        extractor_version=EXTRACTOR_VERSION,
    )


def _body(
    tree: HtmlElement, url: str, source: Source, meta: PageMeta, fast: bool
) -> tuple[str, str | None]:
    """trafilatura's default body, or its recall mode's when that reads the page better; the
    second value names the choice for the quality flags."""
    default = _trafilatura(tree, url, source, fast=fast)
    if fast:  # a giant page: no second run
        return default, None
    default_words = len(default.split())
    truncated = _short_of_declared(meta, default_words)
    if not truncated and not needs_second_opinion(default_words, block_words(tree)):
        return default, None
    recall = _trafilatura(tree, url, source, favor_recall=True)
    text, chosen = pick_body(default, recall)
    if chosen is None and truncated and len(recall) > len(default) * 1.2:
        return recall, "recall_retry"
    return text, chosen


def _short_of_declared(meta: PageMeta, words: int) -> bool:
    """The JSON-LD articleBody is much longer than `words`: part of the article was lost."""
    declared = len(meta.article_body.split()) if meta.article_body else 0
    return declared > 1.5 * words + 50


def _trafilatura(
    tree: HtmlElement,
    url: str,
    source: Source,
    fast: bool = False,
    favor_recall: bool = False,
) -> str:
    """trafilatura's body text for the tree (metadata is read lazily elsewhere); "" if none."""
    doc = bare_extraction(
        tree,
        url=url,
        fast=fast,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        favor_recall=favor_recall,
        prune_xpath=list(source.prune_xpaths) or None,
    )
    return (doc.text if doc is not None else "") or ""


def _title(meta: PageMeta, traf_title: str | None, hints: PageHints, sites: set[str]) -> str | None:
    """The headline. Without a declared title trafilatura's title is the page's only <h1>: an
    echo, not a second opinion. When the <h1> alone disagrees with the <title> and an <h2> is
    the headline part of the <title> ("Site | Site.com - Headline" over an <h1> naming the
    section, "Pulse!"), the <h2> wins; otherwise the echo keeps its vote for the <h1>."""
    h1s = {fold(h) for h in meta.h1s}
    if traf_title and fold(traf_title) in h1s:
        title = choose_title(
            (meta.headline, meta.og_title, meta.html_title, hints.title),
            sites,
            h1s=meta.h1s,
            h2s=meta.h2s,
        )
        if title and fold(title) in {fold(h) for h in meta.h2s} and fold(title) not in h1s:
            return title
    return choose_title(
        (meta.headline, meta.og_title, traf_title, meta.html_title, hints.title),
        sites,
        h1s=meta.h1s,
        h2s=meta.h2s,
    )


def _authors(
    tree: HtmlElement,
    meta: PageMeta,
    fallback: FallbackMeta,
    hints: PageHints,
    sites: set[str],
    outlet: set[str],
) -> list[str]:
    """People named by structured data first, then meta tags, trafilatura, visible bylines;
    organisations only when no person is named. The outlet itself is not an author, but a
    personal site is named after its author ("Tim Shields" on timshields.com)."""
    sources: tuple[Callable[[], list[str]], ...] = (
        lambda: meta.authors,
        lambda: meta.meta_authors,
        lambda: [fallback.author.replace(";", ",")] if fallback.author else [],
        lambda: visible_bylines(tree),
    )
    for read in sources:
        found = read()
        authors = [
            a
            for a in clean_authors(found)
            if not _is_dated_outlet(a, outlet | sites)
            and fold(a) not in outlet
            and (fold(a) not in sites or _looks_like_person(a))
        ]
        if authors:
            return _people_first(authors)
    return clean_authors(meta.org_authors) or clean_authors(hints.authors)


def _people_first(authors: list[str]) -> list[str]:
    """ "Jane Doe, Ann Lee | Acme Labs": beside named people, a one-word or organisation-like
    entry is their affiliation, not an author."""
    people = [a for a in authors if _looks_like_person(a)]
    if not people:
        return authors
    return [a for a in authors if " " in a and not ORG_WORDS.search(a)]


MONTH_WORD = re.compile(
    r"\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE
)


def _is_dated_outlet(name: str, outlets: set[str]) -> bool:
    """ "MCJ May": the outlet's name glued to the month of a dateline, not a person."""
    head = MONTH_WORD.sub("", name)
    return head != name and fold(head) in outlets


ORG_WORDS = re.compile(
    r"\b(the|news|media|times|post|journal|daily|weekly|magazine|blog|books|reports?|group|press|"
    r"tv|radio|network|online|review|tribune|herald|gazette|monitor|wire|agency|inc|ltd|llc|"
    r"company|institute|university|foundation|team|staff|editors|desk|world|today|live|club|"
    r"store|shop|lab|labs|studio|yoga|fitness|travel|health|tech|digital)\b",
    re.IGNORECASE,
)


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return (
        2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not ORG_WORDS.search(name)
    )


KICKER_WORDS = 5


def _drop_leading_title(text: str, title: str | None) -> str:
    """The headline repeated at the top of the text goes, with the short labels above it
    (a section or series kicker, "threadWEAR 301", a date)."""
    if not title or not text:
        return text
    lines = text.split("\n")
    target = fold(title)
    for index, line in enumerate(lines[:3]):
        if fold(line) == target:
            return "\n".join(lines[index + 1 :])
        if len(line.split()) > KICKER_WORDS or line.rstrip().endswith((".", "!", "?", ":")):
            break
    return text


def _drop_byline(text: str, authors: list[str]) -> str:
    """The "By Jane Doe" line at the top repeats the authors field; it is not body text."""
    if not authors or not text:
        return text
    lines = text.split("\n")
    known = {fold(a) for a in authors}
    for index, line in enumerate(lines[:3]):
        if len(line) <= 120 and BYLINE_LINE.match(line):
            names = clean_authors([line])
            if names and {fold(n) for n in names} <= known:
                return "\n".join(lines[:index] + lines[index + 1 :])
    return text


def _published(
    tree: HtmlElement,
    meta: PageMeta,
    fallback: FallbackMeta,
    hints: PageHints,
    fetched_at: datetime,
) -> datetime | None:
    """Declared dates first, then the date printed by the headline, then htmldate's (day only,
    made precise by the feed's time when both agree on the day), then the feed's."""
    published = _first_date(meta.published, fetched_at)
    if published is not None:
        return published
    shown, updated = visible_dates(tree)
    published = _first_date(shown, fetched_at)
    if published is not None:
        return published
    hinted = parse_datetime(hints.published_at, fetched_at)
    found = parse_datetime(fallback.date, fetched_at)
    if found is not None:
        return hinted if hinted is not None and hinted.date() == found.date() else found
    return _first_date(updated, fetched_at) or hinted


def _first_date(values: list[str], fetched_at: datetime) -> datetime | None:
    for value in values:
        parsed = parse_datetime(value, fetched_at)
        if parsed is not None:
            return parsed
    return None


def _language(text: str, meta: PageMeta, source: Source) -> str | None:
    declared = language_code(meta.declared_language)
    if len(text) < SHORT_TEXT_FOR_LANGID:
        return declared or source.language
    code, _ = py3langid.classify(text[:LANGID_CHARS])
    return str(code)


def _canonical(url: str, meta: PageMeta, source: Source) -> str:
    for candidate in meta.canonical:
        if not candidate or not candidate.strip():
            continue
        absolute = canonical_url(candidate, base=url)
        if absolute.startswith(("http://", "https://")) and (
            on_source_domains(absolute, source) or host_of(absolute) == host_of(url)
        ):
            return absolute
    return canonical_url(url)


def content_hash(title: str | None, text: str) -> str:
    """sha256 of the case- and whitespace-normalised title and text (stable across re-extraction)."""
    normal = " ".join(f"{title or ''}\n{text}".lower().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
