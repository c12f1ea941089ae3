"""Per-outlet template learning: lines that recur across many articles of one source are furniture.

trafilatura sees one page at a time, so a newsletter pitch, a standing disclaimer or a reader
comment that the outlet shows under every story looks like body text. Across a source's articles
such a line repeats word for word, while real sentences do not. Pure functions: the caller
supplies the texts (the batch plus recent stored articles of the same source, each stored text
with the template lines removed from it, so that lines learned before still count).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from crawlers.extract.article import Article
from crawlers.extract.pipeline import content_hash

MIN_CHARS = 20  # shorter lines ("Advertisement", "Read more") are the line filters' job
MIN_ARTICLES = 3
MIN_SHARE = 0.3
_SPACE = re.compile(r"\s+")


def line_key(line: str) -> str:
    """The comparison form of a line: case and spacing do not matter."""
    return _SPACE.sub(" ", line).strip().lower()


def learn_template_lines(
    texts: Iterable[str], min_articles: int = MIN_ARTICLES, min_share: float = MIN_SHARE
) -> frozenset[str]:
    """Keys of lines found in at least `min_articles` texts and `min_share` of all texts."""
    seen: Counter[str] = Counter()
    total = 0
    for text in texts:
        total += 1
        seen.update({key for line in text.splitlines() if len(key := line_key(line)) >= MIN_CHARS})
    needed = max(min_articles, min_share * total)
    return frozenset(key for key, count in seen.items() if count >= needed)


def strip_template(article: Article, template: frozenset[str]) -> Article:
    """The article without its template lines (word count and content hash recomputed)."""
    if not template or not article.is_article:
        return article
    kept: list[str] = []
    removed: list[str] = []
    for line in article.text.splitlines():
        (removed if line_key(line) in template else kept).append(line)
    if not removed:
        return article
    text = "\n".join(kept).strip()
    flags = [*article.quality_flags, "template_lines_removed"]
    if not text:
        flags.append("not_article:template_only")
    return replace(
        article,
        text=text,
        word_count=len(text.split()),
        content_hash=content_hash(article.title, text),
        quality_flags=flags,
        is_article=bool(text),
        template_lines=[*article.template_lines, *removed],
    )
