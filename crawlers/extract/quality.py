"""Judge an extraction: is the page an article at all, and how much should we trust the text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawlers.extract.structured import LISTING_TYPES, VIDEO_TYPES, PageMeta

MIN_WORDS = 40
MIN_WORDS_DECLARED = 20
LISTING_PATH = re.compile(
    r"/(tags?|topics?|categor(y|ies)|section|sections|authors?|search|archives?|page/\d+|index)(/|$|\.)",
    re.IGNORECASE,
)
VIDEO_PATH = re.compile(r"/(videos?|watch|tv|clips?)(/|$)", re.IGNORECASE)
COOKIE_WORDS = re.compile(r"\bcookies?\b|\bconsent\b|\bprivacy (policy|settings)\b", re.IGNORECASE)
# Soft errors: a 200 response whose page says "not found", "error" or "back soon"
ERROR_TITLE = re.compile(
    r"^\W*(error\b|404\b|410\b|500\b|503\b|page not found|not found\b|file not found|"
    r"access denied|forbidden\b|oops\b|sorry,? (the |this )?page|we'?ll be (right )?back|"
    r"service (temporarily )?unavailable|(site |we are |we're )?(temporarily )?(down|under) "
    r"(for )?maintenance|temporarily unavailable)",
    re.IGNORECASE,
)
ERROR_BODY_CLASS = re.compile(
    r"(?:^|[\s_-])(error-?404|error-?page|errorpage|page-?not-?found|not-?found|e404)(?:$|[\s_-])",
    re.IGNORECASE,
)
ERROR_MAX_WORDS = 150
APP_SHELL_HINT = re.compile(
    r"enable javascript|javascript (is )?required|you need to enable", re.IGNORECASE
)


def judge_page(
    *,
    url: str,
    tree: HtmlElement,
    meta: PageMeta,
    text: str,
    raw_text: str,
    removed: tuple[str, ...],
    word_count: int,
) -> list[str]:
    """Quality flags for one page; a `not_article:<reason>` flag marks a non-article."""
    flags: list[str] = []
    declared = meta.is_declared_article
    if not declared and _is_error_page(tree, meta, word_count):
        flags.append("not_article:error_page")
    elif not declared and _is_video(url, meta, word_count):
        flags.append("not_article:video")
    elif word_count == 0 or word_count < (MIN_WORDS_DECLARED if declared else MIN_WORDS):
        flags.append(f"not_article:{_why_short(tree, text, raw_text, removed)}")
    elif not declared and _is_listing(url, tree, meta, text):
        flags.append("not_article:index")
    elif len(raw_text) >= 500 and (
        len(removed) >= 8 or sum(map(len, removed)) > 0.15 * len(raw_text)
    ):
        flags.append("boilerplate_suspected")
    return flags


def _why_short(tree: HtmlElement, text: str, raw_text: str, removed: tuple[str, ...]) -> str:
    body_text = _visible_text(tree)
    scripts = len(tree.xpath("//script"))
    if len(body_text.split()) < 30 and (scripts >= 2 or APP_SHELL_HINT.search(body_text)):
        return "app_shell"
    leftovers = " ".join((text, raw_text, *removed))
    if COOKIE_WORDS.search(leftovers) and len(text.split()) < 60:
        return "cookie_banner"
    return "empty" if not text.strip() else "too_short"


def _visible_text(tree: HtmlElement) -> str:
    bodies = tree.xpath("//body")
    if not bodies:
        return ""
    parts = bodies[0].xpath(
        ".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
    )
    return " ".join(" ".join(parts).split())


def _is_error_page(tree: HtmlElement, meta: PageMeta, words: int) -> bool:
    """A short page whose <title> or <h1> announces an error, or whose <body> class says so
    (WordPress and most themes mark their 404 template)."""
    if words >= ERROR_MAX_WORDS:
        return False
    bodies = tree.xpath("//body")
    body_class = bodies[0].get("class") or "" if bodies else ""
    headings = (meta.html_title, *meta.h1s[:1])
    return bool(ERROR_BODY_CLASS.search(body_class)) or any(
        ERROR_TITLE.match(h) for h in headings if h
    )


def _is_video(url: str, meta: PageMeta, words: int) -> bool:
    video = (meta.og_type or "").startswith("video") or bool(meta.jsonld_types & VIDEO_TYPES)
    return words < 150 and (video or bool(VIDEO_PATH.search(urlsplit(url).path)))


def _is_listing(url: str, tree: HtmlElement, meta: PageMeta, text: str) -> bool:
    if meta.jsonld_types & LISTING_TYPES:
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 6:
        return False
    short_lines = sum(1 for line in lines if len(line.split()) < 15) / len(lines)
    listing_path = bool(LISTING_PATH.search(urlsplit(url).path)) or urlsplit(url).path in ("", "/")
    if listing_path and short_lines > 0.6:
        return True
    return short_lines > 0.7 and _link_density(tree) > 0.6


def _link_density(tree: HtmlElement) -> float:
    bodies = tree.xpath("//body")
    if not bodies:
        return 0.0
    total = len(
        " ".join(
            bodies[0].xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
        ).split()
    )
    linked = len(" ".join(bodies[0].xpath(".//a//text()")).split())
    return linked / total if total else 0.0
