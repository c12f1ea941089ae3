"""Plain stage helpers (no Prefect, no network)."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.stages import skip_list
from warehouse.state import KnownArticle


def test_skip_list_holds_canonical_and_fetched_urls() -> None:
    when = datetime(2026, 11, 1, tzinfo=UTC)
    known = {
        "https://news.example/world/story-about-ties": KnownArticle(
            article_id="a",
            first_seen_at=when,
            last_seen_at=when,
            content_hash="h",
            version=1,
            # fetched from the AMP variant, with tracking, whose rel=canonical named the page above
            url="https://NEWS.example/amp/world/story-about-ties?utm_source=rss#top",
        )
    }
    assert skip_list(known).splitlines() == [
        "https://news.example/amp/world/story-about-ties",
        "https://news.example/world/story-about-ties",
    ]
