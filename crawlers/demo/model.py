"""Typed records for the demo outlets: what an outlet is and what an article looks like."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class OutletSpec:
    """An outlet as declared in its data file, before it has a network address."""

    name: str
    title: str
    country: str
    language: str
    style: str  # "modern", "classic" or "legacy": which HTML template renders it
    tagline: str
    timezone_label: str
    feed_kind: str  # "rss" or "atom"
    feed_path: str
    feed_link_params: str  # query string some feeds append to item links (utm_* tracking)
    news_sitemap_path: str
    sitemap_index_path: str  # "" when the outlet has no sitemap index
    section_path: str
    section_title: str
    tag_prefix: str
    author_prefix: str
    article_path: str  # pattern with {slug}, {id}, {yyyy}, {mm}, {dd}
    comments: tuple[tuple[str, str], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class DemoOutlet:
    """A running outlet: its slug, base URL (with port) and registry metadata."""

    name: str
    base_url: str
    country: str
    language: str
    title: str = ""
    host: str = ""

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this outlet."""
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class DemoArticle:
    """One article served by a demo outlet, with where it can be discovered."""

    outlet: str
    path: str
    url: str
    title: str
    authors: list[str]
    published: datetime
    paragraphs: list[str]
    tags: list[str]
    section: str
    in_feed: bool
    in_sitemap: bool
    on_section: bool
    modified: datetime | None = None
    image_caption: str = ""
    image_credit: str = ""
    wire_story: str | None = None  # same id on two outlets = one agency story, lightly edited
    private: bool = False  # under /private/: disallowed by robots.txt, must never be fetched
    slug: str = ""

    @property
    def last_changed(self) -> datetime:
        """When the article last changed: its modified time, else its publication time."""
        return self.modified or self.published

    @property
    def summary(self) -> str:
        """A one-paragraph teaser (the first paragraph, shortened on a word boundary)."""
        first = self.paragraphs[0] if self.paragraphs else ""
        if len(first) <= 240:
            return first
        return first[:240].rsplit(" ", 1)[0] + "…"
