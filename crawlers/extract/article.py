"""The article record that extraction produces and the warehouse loads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PageHints:
    """What discovery learnt about a page before fetching it (feed item or news-sitemap entry)."""

    title: str | None = None
    published_at: datetime | None = None
    authors: tuple[str, ...] = ()
    discovered_via: str | None = None  # "feed", "sitemap" or "section"


@dataclass(frozen=True)
class Article:
    """One cleaned, normalised article. Datetimes are timezone-aware UTC."""

    url: str
    canonical_url: str
    article_id: str
    source: str
    title: str | None
    authors: list[str]
    published_at: datetime | None
    modified_at: datetime | None
    language: str | None
    text: str
    word_count: int
    tags: list[str]
    description: str | None
    content_hash: str
    fetched_at: datetime
    is_article: bool
    quality_flags: list[str] = field(default_factory=list)
    extractor_version: str = ""
    # lines removed as the outlet's template: with `text` they give the page's original lines,
    # which later template learning counts (stored texts alone are already de-templated)
    template_lines: list[str] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """A plain dict (for Arrow/Parquet)."""
        return asdict(self)
