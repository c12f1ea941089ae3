"""Direct quotations and who said them.

A quotation is text between paired quotes (“…”, "…", ‘…’; a ’ between letters is an apostrophe,
not a closing quote). Scare quotes and quoted fragments are not quotations: a span counts only
when it has at least three words and either reads as a sentence (starts with a capital letter,
ends with . , ! ? or … inside the quotes) or is introduced by a speech verb ('X said: "…"').
So ‘independent’, “huge” and “restraint on all sides” are left out.

The speaker comes from the attribution next to the quote: '"…," he said', '"…," said X, title',
'"…," X told reporters', 'X said: "…"', '"…" he added'. Pronouns and role nouns ("the Russian
diplomat said") resolve to the most recently named person before the quote; a person is named by a
title or demonym before a name ("Russian Deputy Chief of Mission Roman Babushkin"), by a name as the
subject of a speech verb, or later by the surname alone ("Babushkin said"). A quote with no
attribution that follows another quote in the same paragraph keeps that quote's speaker.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from crawlers.enrich.countries import is_country_form


@dataclass(frozen=True)
class Quote:
    """One direct quotation; ``speaker`` is None when the text does not say who spoke."""

    text: str
    speaker: str | None
    start_offset: int


_VERBS = (
    r"said|says|added|adds|told|tells|stated|stressed|noted|warned|explained|declared|insisted|"
    r"argued|asked|replied|wrote|tweeted|posted|recalled|continued|claimed|acknowledged|admitted|"
    r"remarked|observed|announced|urged|cautioned|emphasi[sz]ed|pointed out|went on|concluded|"
    r"maintained|asserted|conceded|predicted|vowed|pledged|promised"
)
_TOKEN = r"(?:[A-Z][\w’'.-]*|al-[A-Z][\w’'-]*|[A-Z]\.)"
_PARTICLE = r"(?:of|al|bin|ibn|van|von|de|da|del|der|le|la|el|dos|du)"
_NAME_RUN = rf"{_TOKEN}(?:\s+(?:{_PARTICLE}\s+)?{_TOKEN}){{0,7}}"
_ROLE = r"(?:the|The|a|A)\s+(?:[\w’'-]+\s+){0,4}?[\w’'-]+"
_PRONOUN = r"(?:he|she|He|She|they|They)"

_QUOTE = re.compile(
    r"“([^”]+)”|(?<!\w)\"([^\"\n]+)\"|(?<!\w)‘((?:[^’]|’(?=\w))+)’(?!\w)"
    r"|(?<![\w'])'(?=\w)((?:[^'\n]|'(?=\w))+)'(?!\w)"
)
_AFTER = re.compile(
    rf"^[\s,]*(?:(?P<pron>{_PRONOUN})\s+(?:\w+ly\s+)?(?:{_VERBS})\b"
    rf"|(?:{_VERBS})\s+(?P<post>{_NAME_RUN}|{_ROLE})"
    rf"|(?P<pre>{_NAME_RUN}|{_ROLE})\s+(?:\w+ly\s+)?(?:{_VERBS})\b"
    rf"|according to (?P<acc>{_NAME_RUN}|{_ROLE}))"
)
_BEFORE = re.compile(
    rf"(?:(?P<pron>{_PRONOUN})|(?P<name>{_NAME_RUN}|{_ROLE}))\s+(?:\w+ly\s+)?(?:{_VERBS})\b"
    rf"[^“”\"\n.]{{0,80}}?[:,]\s*$"
)
_RUN = re.compile(_NAME_RUN)
_FOLLOWS = re.compile(rf"\s+(?:\w+ly\s+)?(?:{_VERBS}|did|was|is|has|had|who)\b")
_WORD = re.compile(r"[\w’'-]+")

_SPEECH = tomllib.loads(
    resources.files(__package__).joinpath("data/speech.toml").read_text("utf-8")
)
_TITLES = frozenset(_SPEECH["titles"])
_PERSON_ROLES = frozenset(_SPEECH["person_roles"])


def _clean_name(run: str) -> str | None:
    """The person's name at the end of a capitalised run, or None when it holds no name."""
    tokens = run.split()
    while tokens and (tokens[0] in _TITLES or is_country_form(tokens[0]) or tokens[0] in {"of"}):
        tokens.pop(0)
    if not tokens or any(t in _TITLES or is_country_form(t) for t in tokens):
        return None
    if any(t.isupper() and len(t) > 1 and not t.endswith(".") for t in tokens):
        return None  # an acronym: an organisation, not a person
    if len(tokens[-1]) > 2:
        tokens[-1] = tokens[-1].rstrip(".")
    return " ".join(tokens)


class _People:
    """Named people in order of mention, to resolve pronouns, role nouns and bare surnames."""

    def __init__(self, text: str) -> None:
        self.mentions: list[tuple[int, str]] = []
        names: list[str] = []
        for m in _RUN.finditer(text):
            run = m.group(0)
            name = _clean_name(run)
            if not name:
                continue
            titled = name != run
            follows = _FOLLOWS.match(text, m.end())
            if len(name.split()) >= 2 and (titled or follows):
                names.append(name)
                self.mentions.append((m.start() + len(run) - len(name), name))
        self.by_surname = {n.split()[-1]: n for n in names}
        for surname, full in self.by_surname.items():
            for m in re.finditer(rf"(?<!\w){re.escape(surname)}(?!\w)", text):
                self.mentions.append((m.start(), full))
        self.mentions.sort()

    def resolve(self, phrase: str) -> str | None:
        """A full name for an explicit name or surname, else None."""
        name = _clean_name(phrase) if phrase[:1].isupper() else None
        if not name:
            return None
        if " " not in name:
            return self.by_surname.get(name, name)
        return name

    def latest_before(self, offset: int) -> str | None:
        latest = None
        for pos, name in self.mentions:
            if pos >= offset:
                break
            latest = name
        return latest


class _LazyPeople:
    """Builds the people index only when a quotation needs a speaker resolved."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._people: _People | None = None

    def _get(self) -> _People:
        if self._people is None:
            self._people = _People(self._text)
        return self._people

    def resolve(self, phrase: str) -> str | None:
        return self._get().resolve(phrase)

    def latest_before(self, offset: int) -> str | None:
        return self._get().latest_before(offset)


def _speaker_of_phrase(phrase: str, people: _LazyPeople, offset: int) -> str | None:
    words = phrase.split()
    if words[0].lower() in {"the", "a"}:
        if words[-1].lower() in _PERSON_ROLES:
            return people.latest_before(offset)
        return phrase
    return people.resolve(phrase) or people.latest_before(offset)


def _is_quotation(body: str, introduced: bool) -> bool:
    if len(_WORD.findall(body)) < 3:
        return False
    stripped = body.strip()
    sentence_like = stripped[:1].isupper() and stripped[-1:] in {".", ",", "!", "?", "…"}
    return sentence_like or introduced


def quotes(text: str) -> list[Quote]:
    """Direct quotations in ``text`` with their speakers, in order."""
    people = _LazyPeople(text)
    out: list[Quote] = []
    last_para_start = -1
    last_speaker: str | None = None
    for m in _QUOTE.finditer(text):
        body = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        start, end = m.start(), m.end()
        para_start = text.rfind("\n", 0, start) + 1
        before = _BEFORE.search(text, max(para_start, start - 200), start)
        if not _is_quotation(body, introduced=before is not None):
            continue
        speaker: str | None = None
        after = _AFTER.match(text[end : end + 200])
        if after:
            if after.group("pron"):
                speaker = people.latest_before(start)
            else:
                phrase = after.group("post") or after.group("pre") or after.group("acc")
                speaker = _speaker_of_phrase(phrase, people, start)
        elif before:
            if before.group("pron"):
                speaker = people.latest_before(start)
            else:
                speaker = _speaker_of_phrase(before.group("name"), people, start)
        elif para_start == last_para_start:
            speaker = last_speaker
        out.append(Quote(body.strip(), speaker, start))
        last_para_start, last_speaker = para_start, speaker
    return out
