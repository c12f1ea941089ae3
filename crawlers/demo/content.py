"""Load the demo outlets and their articles from the TOML data files in `outlets/`."""

from __future__ import annotations

import re
import tomllib
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crawlers.demo.model import DemoArticle, OutletSpec

DATA_DIR = Path(__file__).parent / "outlets"


@dataclass(frozen=True)
class OutletContent:
    """One outlet's declaration and its articles (URLs still empty: no port is known yet)."""

    spec: OutletSpec
    articles: list[DemoArticle]


def load_content(data_dir: Path = DATA_DIR) -> list[OutletContent]:
    """Read every `*.toml` outlet file, in name order."""
    return [_load_file(path) for path in sorted(data_dir.glob("*.toml"))]


def slugify(text: str) -> str:
    """A lower-case, dash-separated URL slug of `text`."""
    text = text.lower().replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-")


def article_path(spec: OutletSpec, slug: str, published: datetime, number: int | None) -> str:
    """The URL path of an article on `spec`'s outlet, following the outlet's pattern."""
    if number is None:
        number = 1_000_000 + zlib.crc32(slug.encode()) % 9_000_000
    return spec.article_path.format(
        slug=slug,
        id=number,
        yyyy=f"{published.year:04d}",
        mm=f"{published.month:02d}",
        dd=f"{published.day:02d}",
    )


def paragraphs_of(body: str) -> list[str]:
    """Split a body on blank lines into paragraphs, joining wrapped lines."""
    blocks = re.split(r"\n\s*\n", body.strip())
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks if block]


def _load_file(path: Path) -> OutletContent:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    spec = _outlet(doc["outlet"])
    articles = [_article(spec, raw, path) for raw in doc.get("article", [])]
    return OutletContent(spec, articles)


def _outlet(raw: dict[str, Any]) -> OutletSpec:
    return OutletSpec(
        name=raw["name"],
        title=raw["title"],
        country=raw["country"],
        language=raw["language"],
        style=raw["style"],
        tagline=raw["tagline"],
        timezone_label=raw.get("timezone_label", ""),
        feed_kind=raw["feed_kind"],
        feed_path=raw["feed_path"],
        feed_link_params=raw.get("feed_link_params", ""),
        news_sitemap_path=raw["news_sitemap_path"],
        sitemap_index_path=raw.get("sitemap_index_path", ""),
        section_path=raw["section_path"],
        section_title=raw["section_title"],
        tag_prefix=raw["tag_prefix"],
        author_prefix=raw["author_prefix"],
        article_path=raw["article_path"],
        comments=tuple((c["name"], c["text"]) for c in raw.get("comments", [])),
    )


def _article(spec: OutletSpec, raw: dict[str, Any], origin: Path) -> DemoArticle:
    published = raw["published"]
    if not isinstance(published, datetime) or published.tzinfo is None:
        raise ValueError(f"{origin}: {raw.get('title')!r}: 'published' needs a time-zone offset")
    slug = raw.get("slug") or slugify(raw["title"])
    private = bool(raw.get("private", False))
    path = f"/private/{slug}/" if private else article_path(spec, slug, published, raw.get("id"))
    return DemoArticle(
        outlet=spec.name,
        path=path,
        url="",
        title=raw["title"],
        authors=list(raw["authors"]),
        published=published,
        paragraphs=paragraphs_of(raw["body"]),
        tags=list(raw.get("tags", [])),
        section=raw.get("section", spec.section_title),
        in_feed=not private and raw.get("in_feed", True),
        in_sitemap=not private and raw.get("in_sitemap", True),
        on_section=raw.get("on_section", True),
        modified=raw.get("modified"),
        image_caption=raw.get("image_caption", ""),
        image_credit=raw.get("image_credit", ""),
        wire_story=raw.get("wire_story"),
        private=private,
        slug=slug,
    )
