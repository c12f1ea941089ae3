"""Synthetic Article records for the tests that need stored articles."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from crawlers.extract.article import Article


def make_article(
    url: str, text: str, *, source: str, fetched_at: datetime, **fields: Any
) -> Article:
    """An article at `url` (its own canonical URL) with `text`; the id is a hash of the URL,
    the content hash one of the text, and any other field can be given."""
    article = Article(
        url=url,
        canonical_url=url,
        article_id=hashlib.blake2b(url.encode(), digest_size=16).hexdigest(),
        source=source,
        title=None,
        authors=[],
        published_at=None,
        modified_at=None,
        language="en",
        text=text,
        word_count=len(text.split()),
        tags=[],
        description=None,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        fetched_at=fetched_at,
        is_article=True,
    )
    return replace(article, **fields)
