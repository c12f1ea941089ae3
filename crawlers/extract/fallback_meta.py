"""trafilatura's own metadata heuristics, each computed only when the pipeline asks for it.

`bare_extraction(with_metadata=True)` spends about 40% of its time on metadata: an author
search over a pruned copy of the page, category and tag link scans, htmldate. geowire reads most
fields from structured data first, so these heuristics are fallbacks: the cheap meta-tag and
JSON-LD reading happens once, the expensive searches only for the field that is still missing.
The answers are the ones `extract_metadata` would give for the same tree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

LOGGER = logging.getLogger(__name__)


class FallbackMeta:
    """Lazily computed trafilatura metadata for one parsed page."""

    def __init__(self, tree: HtmlElement, url: str, fetched_at: datetime) -> None:
        self._tree = tree
        self._url = url
        self._fetched_at = fetched_at

    @cached_property
    def _declared(self) -> Document:
        metadata = examine_meta(self._tree)
        if metadata.author and " " not in metadata.author:
            metadata.author = None  # a single token is a handle, not a name (as trafilatura does)
        try:
            metadata = extract_meta_json(self._tree, metadata)
        except Exception as exc:  # trafilatura's JSON-LD reader has known crashes on odd data
            LOGGER.debug("trafilatura JSON-LD reading failed on %s: %r", self._url, exc)
        return metadata

    @cached_property
    def title(self) -> str | None:
        """Declared title, else trafilatura's pick among <title>, <h1> and <h2>."""
        return self._declared.title or self._guarded(extract_title, self._tree)

    @cached_property
    def author(self) -> str | None:
        """Declared author, else trafilatura's byline search ("; "-separated names)."""
        return self._declared.author or self._guarded(extract_author, self._tree)

    @cached_property
    def description(self) -> str | None:
        """The declared description."""
        return self._declared.description

    @cached_property
    def tags(self) -> list[str]:
        """Declared tags. (trafilatura's scan of tag links is left out: it costs as much as a
        date search and mostly returns the site's navigation of topics, not the article's.)"""
        return list(self._declared.tags or [])

    @cached_property
    def date(self) -> str | None:
        """htmldate's publication date (YYYY-MM-DD), never after the day of the fetch."""
        url = self._declared.url or self._guarded(extract_url, self._tree, self._url) or self._url
        return self._guarded(
            find_date,
            self._tree,
            url=url,
            original_date=True,
            extensive_search=False,
            # the fetch time, not the clock: re-extraction of an old page gives the same answer
            max_date=(self._fetched_at + timedelta(days=1)).strftime("%Y-%m-%d"),
        )

    def _guarded(
        self, heuristic: Callable[..., str | None], *args: Any, **kwargs: Any
    ) -> str | None:
        """A fallback that fails on a hostile page gives no answer instead of losing the article
        (inside `bare_extraction` the same errors only emptied the metadata)."""
        try:
            return heuristic(*args, **kwargs)
        except Exception as exc:
            LOGGER.debug("trafilatura %s failed on %s: %r", heuristic.__name__, self._url, exc)
            return None
