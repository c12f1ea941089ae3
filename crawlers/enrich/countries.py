"""Country mentions in news text: names, short forms, demonyms, capitals and newsroom aliases.

What counts as a mention: a country's name or alias ("UK", "Türkiye", "DPRK"), its demonym or
adjective ("Emirati", "Russians"), or its capital used for the state ("Moscow said", "Kyiv").
Other cities, regions and seas named after a country ("Indian Ocean", "South China Sea",
"New Mexico") are not.

Data: names and codes from pycountry; demonyms, capitals and long official names from
countryinfo; what neither gets right for English news is in ``data/countries.toml``.

Matching is case-sensitive (proper nouns are capitalised, so "turkey", "china", "chad" and
"india ink" never match) plus an ALL-CAPS variant for datelines and headlines. At each position the
longest form wins, so "Guinea-Bissau", "Equatorial Guinea", "Papua New Guinea", "Dominican
Republic", "Nigeria" (vs "Niger") and "Democratic Republic of the Congo" are never split.
Ambiguity is then resolved with rules kept in the data file:

- Phrases that contain a form map to another country or to nothing ("Niger Delta" -> Nigeria,
  "Washington Post", "Latin American", "Guinea pig", "India Ink", "Thanksgiving Turkey" -> nothing).
- Context cues drop a form: "Georgia" is the US state near "Atlanta", before "'s governor",
  "voters", "Senate"..., or anywhere in a text with US-state cues and no Caucasus cues;
  "Washington" is the US government unless "Washington state" or a team; a sentence-initial
  "Turkey" in a food story is the bird; "Chad said" is a man.
- People: a given-name form followed by a surname ("Chad Smith", "Jordan Peterson") or a
  surname form after a first name ("Michael Jordan", "Jim Jordan") is a person, and later bare
  uses of that form in the text are the person unless a preposition places them ("in Jordan").
- Shared forms go to the more populous country ("Indian" -> India, not the British Indian Ocean
  Territory; "Dominican" -> Dominican Republic; "Congolese" and bare "Congo" -> DR Congo, as AP
  style uses them); "Republic of (the) Congo" and "Brazzaville" -> Republic of the Congo.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pycountry
from countryinfo import CountryInfo

_DATA = tomllib.loads(
    resources.files(__package__).joinpath("data/countries.toml").read_text("utf-8")
)


@dataclass(frozen=True)
class CountryMention:
    """A country named in an article: ISO codes, short name, how often, where first in the text.

    ``first_offset`` is the character offset of the first mention in the body text, or None when
    the country is named only in the title.
    """

    alpha2: str
    alpha3: str
    name: str
    count: int
    first_offset: int | None


@dataclass(frozen=True)
class _Rule:
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    window: re.Pattern[str] | None
    document: re.Pattern[str] | None
    unless_document: re.Pattern[str] | None


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


def _fold(form: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", form) if not unicodedata.combining(c))


def _variants(form: str) -> set[str]:
    out = {form, _fold(form)}
    out |= {v.replace("'", "\u2019") for v in out}
    out |= {v.upper() for v in out if len(v) >= 4}
    return out


def _plural(demonym: str) -> str | None:
    if demonym.endswith(("s", "sh", "ch", "ese", "x", "z")):
        return None
    return demonym + "s"


def _codes() -> tuple[dict[str, tuple[str, str]], dict[str, int], dict[str, set[str]]]:
    """alpha2 -> (alpha3, name); alpha2 -> population; alpha2 -> forms from packaged data."""
    meta: dict[str, tuple[str, str]] = {}
    forms: dict[str, set[str]] = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        meta[c.alpha_2] = (c.alpha_3, name)
        names = {name, c.name, getattr(c, "official_name", "")}
        forms[c.alpha_2] = {n for n in names if n and "," not in n and "(" not in n}
    for a2, extra in _DATA["extra_countries"].items():
        meta[a2] = (extra["alpha3"], extra["name"])
        forms.setdefault(a2, set()).add(extra["name"])

    population: dict[str, int] = {}
    for info in CountryInfo.all().values():
        a2 = (info.get("ISO") or {}).get("alpha2")
        if a2 not in meta:
            continue
        population[a2] = max(population.get(a2, 0), int(info.get("population") or 0))
        found = forms[a2]
        found.add(info["name"])
        capital = info.get("capital")
        for cap in capital if isinstance(capital, list) else [capital]:
            if cap:
                found.add(cap)
        for dem in re.split(r"[,/]", info.get("demonym") or ""):
            dem = dem.strip()
            if dem:
                found.add(dem)
                if plural := _plural(dem):
                    found.add(plural)
        # Long official English names only: single-word alternates are codes or native names.
        for alt in info.get("altSpellings") or []:
            alt = alt.strip()
            if " " in alt and "," not in alt and alt[:1].isupper() and alt.isascii():
                found.add(alt)
    return meta, population, forms


def _build_table() -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, str]]]:
    """First-two-characters bucket -> {form: alpha2 or "" for not-a-mention}, plus code metadata."""
    meta, population, data_forms = _codes()
    dropped: set[str] = set()
    for form in _DATA["drop"]["forms"]:
        dropped |= _variants(form)

    table: dict[str, str] = {}
    for a2 in sorted(data_forms, key=lambda a: population.get(a, 0)):  # populous countries last win
        for form in data_forms[a2]:
            for v in _variants(form):
                if v not in dropped:
                    table[v] = a2
    for a2, forms in _DATA["aliases"].items():
        for form in forms:
            for v in _variants(form):
                table[v] = a2
    for phrase, a2 in _DATA["phrases"].items():
        for v in _variants(phrase):
            table[v] = a2

    buckets: dict[str, dict[str, str]] = {}
    for form in sorted(table, key=len, reverse=True):
        buckets.setdefault(form[:2], {})[form] = table[form]
    return buckets, meta


_BUCKETS, _META = _build_table()
_WORD_START = re.compile(r"(?<!\w)[A-ZÀ-ÖØ-Þ]")
_WORD_CHAR = re.compile(r"\w")

_RULES: dict[str, list[_Rule]] = {}
for _ctx in _DATA["context"]:
    _rule = _Rule(
        before=_compile(_ctx.get("before")),
        after=_compile(_ctx.get("after")),
        window=_compile(_ctx.get("window")),
        document=_compile(_ctx.get("document")),
        unless_document=_compile(_ctx.get("unless_document")),
    )
    for _form in _ctx["forms"]:
        for _v in _variants(_form):
            _RULES.setdefault(_v, []).append(_rule)
_ANY_FORM_RULES = _RULES.pop("*", [])

_PEOPLE: dict[str, Any] = _DATA["people"]
_GIVEN = frozenset(_PEOPLE["given_names"])
_SURNAMES = frozenset(_PEOPLE["surnames"])
_NOT_SURNAME = frozenset(_PEOPLE["not_surname"])
_NOT_GIVEN = frozenset(_PEOPLE["not_given"])
_PLACE_WORDS = frozenset(_PEOPLE["place_words"])
_NEXT_WORD = re.compile(r" ([A-Z][\w'’-]*)")
_PREV_WORD = re.compile(r"([A-Z][\w'’.-]*) $")
_PREV_LOWER = re.compile(r"(\w+)\W{1,3}$")


def _scan(text: str) -> list[tuple[int, int, str, str]]:
    """All longest matches as (start, end, form, alpha2 or "")."""
    found: list[tuple[int, int, str, str]] = []
    pos = 0
    for m in _WORD_START.finditer(text):
        start = m.start()
        if start < pos:
            continue
        bucket = _BUCKETS.get(text[start : start + 2])
        if not bucket:
            continue
        for form, a2 in bucket.items():
            end = start + len(form)
            if text.startswith(form, start) and (
                end == len(text) or not form[-1].isalnum() or not _WORD_CHAR.match(text, end)
            ):
                found.append((start, end, form, a2))
                pos = end
                break
    return found


def _vetoed(text: str, start: int, end: int, form: str, doc: str) -> bool:
    for rule in (*_ANY_FORM_RULES, *_RULES.get(form, ())):
        if rule.before and rule.before.search(text, max(0, start - 50), start):
            return True
        if rule.after and rule.after.match(text[end : end + 80]):
            return True
        if rule.window and rule.window.search(text, max(0, start - 120), min(len(text), end + 120)):
            return True
        if (
            rule.document
            and rule.document.search(doc)
            and not (rule.unless_document and rule.unless_document.search(doc))
        ):
            return True
    return False


def _is_person(text: str, start: int, end: int, form: str, is_title: bool) -> bool:
    if form in _GIVEN and (nxt := _NEXT_WORD.match(text, end)):
        word = nxt.group(1).rstrip("'’s")
        if word not in _NOT_SURNAME and _lookup(word) is None:
            return True
    if (
        form in _SURNAMES
        and not is_title
        and (prev := _PREV_WORD.search(text, max(0, start - 30), start))
    ):
        word = prev.group(1)
        if word not in _NOT_GIVEN and _lookup(word) is None and not word.endswith("."):
            return True
    return False


def _lookup(word: str) -> str | None:
    bucket = _BUCKETS.get(word[:2])
    return bucket.get(word) if bucket else None


def is_country_form(word: str) -> bool:
    """Whether ``word`` names a country on its own ("Russian", "Moscow", "UK")."""
    return bool(_lookup(word))


def country_of_place(place: str) -> str | None:
    """alpha2 of a place written as a country, alias or capital ("NEW DELHI", "Kyiv"), else None."""
    for form in (place, place.title(), place.upper()):
        if a2 := _lookup(form):
            return a2
    return None


def _count(text: str, doc: str, is_title: bool) -> list[tuple[int, str]]:
    """(offset, alpha2) of each country mention in one text."""
    out: list[tuple[int, str]] = []
    people: set[str] = set()
    for start, end, form, a2 in _scan(text):
        if not a2 or _vetoed(text, start, end, form, doc):
            continue
        if form in _GIVEN or form in _SURNAMES:
            if _is_person(text, start, end, form, is_title):
                people.add(form)
                continue
            if form in people:
                prev = _PREV_LOWER.search(text, max(0, start - 20), start)
                if not prev or prev.group(1) not in _PLACE_WORDS:
                    continue
        out.append((start, a2))
    return out


def mentions(text: str, title: str | None = None) -> list[CountryMention]:
    """Countries named in ``text`` (and ``title``), most mentioned first, then by first mention."""
    doc = f"{title}\n{text}" if title else text
    counts: dict[str, int] = {}
    first: dict[str, int | None] = {}
    order: dict[str, int] = {}
    if title:
        for _, a2 in _count(title, doc, is_title=True):
            counts[a2] = counts.get(a2, 0) + 1
            first.setdefault(a2, None)
            order.setdefault(a2, -1)
    for offset, a2 in _count(text, doc, is_title=False):
        counts[a2] = counts.get(a2, 0) + 1
        if first.get(a2) is None:
            first[a2] = offset
        order.setdefault(a2, offset)
    ranked = sorted(counts, key=lambda a: (-counts[a], order[a]))
    return [CountryMention(a, *_META[a], counts[a], first[a]) for a in ranked]
