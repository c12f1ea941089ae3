"""Datelines: the place, date and wire credit that open a news story ("KYIV, March 3 (Reuters) -")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawlers.enrich.countries import country_of_place
from crawlers.enrich.wire import wire_credits


@dataclass(frozen=True)
class Dateline:
    """A parsed dateline; ``alpha2`` is set when the place or its bracketed country is known."""

    place: str
    alpha2: str | None
    date_text: str | None
    wire: str | None


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?)"
_PLACE_WORD = r"[A-ZÀ-Þ][\w'’.-]*"
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE_WORD}(?:\s+(?:{_PLACE_WORD}|de|du|la|es|al|el)){{0,3}})"
    rf"(?:\s*\[(?P<bracket>[^\]\n]{{2,40}})\])?"
    rf"(?:,\s*(?P<region>{_PLACE_WORD}(?:\s+{_PLACE_WORD})?)(?=\s*(?:,|\(|:|--|[—–-]\s)))?"
    rf"(?:,?\s*(?P<date>{_DATE}))?"
    rf"\s*(?:\((?P<wire>[^)\n]{{1,40}})\))?"
    rf"\s*(?P<sep>:|--|[—–-])\s"
)
# Labels that look like a dateline but are a rubric ("Exclusive: ...", "UPDATE 2 -").
_RUBRICS = frozenset(
    [
        "exclusive",
        "update",
        "analysis",
        "opinion",
        "editorial",
        "comment",
        "explainer",
        "factbox",
        "watch",
        "breaking",
        "live",
        "video",
        "photos",
        "photo",
        "note",
        "correction",
        "review",
        "interview",
        "fact",
        "check",
        "timeline",
        "q&a",
    ]
)


def parse_dateline(text: str) -> Dateline | None:
    """The dateline opening one of the first three paragraphs of ``text``, if any."""
    paragraphs = [p.strip() for p in text.lstrip()[:1500].split("\n") if p.strip()][:3]
    for para in paragraphs:
        m = _DATELINE.match(para)
        if not m:
            continue
        place = m.group("place").strip()
        head = place.lower().rstrip(".")
        if head in _RUBRICS or head.split()[0] in _RUBRICS:
            continue
        # Mixed-case openings ("Russia welcomed ...") need a colon or a credit to be a dateline.
        if not place.isupper() and m.group("sep") != ":" and not m.group("wire"):
            continue
        wire = None
        if m.group("wire"):
            credited = wire_credits(f"({m.group('wire')}) -")
            wire = credited[0] if credited else m.group("wire").strip()
        alpha2 = None
        for candidate in (m.group("bracket"), m.group("region"), place):
            if candidate and (alpha2 := country_of_place(candidate.strip())):
                break
        return Dateline(place, alpha2, m.group("date"), wire)
    return None
