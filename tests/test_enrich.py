"""The enrich() entry point on the seed article."""

from __future__ import annotations

from pathlib import Path

from crawlers.enrich import enrich

SEED = (Path(__file__).parent / "data/enrich/russia-india-article.txt").read_text(encoding="utf-8")


def test_enrich_seed() -> None:
    title, _, body = SEED.partition("\n\n")
    result = enrich(body, title, [])
    assert [m.alpha2 for m in result.countries] == ["IN", "RU", "UA"]
    assert result.dateline is not None and result.dateline.alpha2 == "IN"
    assert result.wire_credits == []
    assert {q.speaker for q in result.quotes} == {"Roman Babushkin"}


def test_enrich_wire_credit_from_dateline() -> None:
    result = enrich("KYIV, March 3 (Reuters) - Ukrainian forces advanced.", None, [])
    assert result.wire_credits == ["Reuters"]
    assert [m.alpha2 for m in result.countries] == ["UA"]
