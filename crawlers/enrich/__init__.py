"""Article enrichment: countries, dateline, wire credits and quotations from cleaned text.

``enrich()`` is the one call the pipeline makes per article; it is pure (no network, no database)
and all patterns are compiled at import. Near-duplicate clustering works on a batch of articles
and lives in ``crawlers.enrich.neardup``.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawlers.enrich.countries import CountryMention, mentions
from crawlers.enrich.dateline import Dateline, parse_dateline
from crawlers.enrich.quotes import Quote, quotes
from crawlers.enrich.wire import wire_credits

__all__ = [
    "CountryMention",
    "Dateline",
    "Enrichment",
    "Quote",
    "enrich",
    "mentions",
    "parse_dateline",
    "quotes",
    "wire_credits",
]


@dataclass(frozen=True)
class Enrichment:
    """What enrichment found in one article."""

    countries: list[CountryMention]
    dateline: Dateline | None
    wire_credits: list[str]
    quotes: list[Quote]


def enrich(text: str, title: str | None, authors: list[str]) -> Enrichment:
    """Countries, dateline, wire credits and quotations of one article."""
    dateline = parse_dateline(text)
    credits = wire_credits(text, authors)
    if dateline and dateline.wire and dateline.wire not in credits:
        credits = [dateline.wire, *credits]
    return Enrichment(mentions(text, title), dateline, credits, quotes(text))
