"""Pure normalisers for article fields: titles, authors, dates, tags, language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import dateparser

TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|·|•|»|«|::|/|~|:)\s+|\s*\|\s*|\s+::\s+")
SEGMENT_SPLIT = re.compile(r"\s*(?:\||–|—|:|·|•|»|::)\s+|\s+-\s+")
OUTLET_PREFIX = re.compile(r"^(.{2,60}?):\s+(.{3,})$")
DOMAIN_LIKE = re.compile(r"^(www\.)?[\w-]+(\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)


def fold(value: str) -> str:
    """Lower-case letters and digits only: how titles and names are compared."""
    value = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in value.lower() if ch.isalnum())


def tidy(value: str | None) -> str | None:
    """Collapse whitespace; None for blank strings."""
    if value is None:
        return None
    value = " ".join(value.replace("\u00a0", " ").split())
    return value or None


# --- titles ---------------------------------------------------------------------------


def site_name_variants(names: Iterable[str | None], host: str = "") -> set[str]:
    """Folded spellings of the outlet's name: og:site_name, publisher, source slug, host."""
    variants: set[str] = set()
    for name in names:
        if name and fold(name):
            variants.add(fold(name))
            variants.add(fold(name.removeprefix("The ").removeprefix("the ")))
    host = host.lower().removeprefix("www.")
    if host:
        variants.add(fold(host))
        variants.update(fold(label) for label in host.split(".")[:-1])
    return {v for v in variants if len(v) >= 2}


def _is_site_segment(segment: str, sites: set[str]) -> bool:
    folded = fold(segment)
    if not folded:
        return True
    if folded in sites or DOMAIN_LIKE.match(segment.strip()):
        return True
    # "The Hindu BusinessLine" vs "businessline", "NYT Wirecutter" vs "wirecutter"
    return len(segment.split()) <= 4 and any(
        len(s) >= 4 and (s in folded or folded in s) for s in sites
    )


def strip_site_name(title: str | None, sites: set[str]) -> str | None:
    """Remove outlet names around a headline: "Headline | Outlet", "Outlet: Headline"."""
    title = tidy(title)
    if not title:
        return None
    prefix = OUTLET_PREFIX.match(title)
    if sites and prefix and _is_site_segment(prefix.group(1), sites):
        title = prefix.group(2)
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) == 1 or not sites:
        return title
    seps = TITLE_SEPARATORS.findall(title)
    # peel known outlet names from both ends, never the last remaining segment
    start, end = 0, len(parts)
    while end - start > 1 and _is_site_segment(parts[end - 1], sites):
        end -= 1
    while end - start > 1 and _is_site_segment(parts[start], sites):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    rebuilt = parts[start]
    for index in range(start + 1, end):
        rebuilt += seps[index - 1] + parts[index]
    return rebuilt.strip() or title


def choose_title(
    candidates: Iterable[str | None],
    sites: set[str],
    h1s: Iterable[str | None] = (),
    h2s: Iterable[str | None] = (),
) -> str | None:
    """The headline: the visible <h1> when it agrees with the declared titles or they disagree
    among themselves (or an <h2> equal to a part of one), else the first declared title without
    site names; then without a trailing subtitle ("Headline – A Beginner's Guide"). Declared titles are often SEO variants of the
    visible headline; when one merely extends the other the declared one is the fuller form."""
    raw = [t for t in (tidy(c) for c in candidates) if t]
    cleaned = [t for t in (strip_site_name(c, sites) for c in raw) if t and len(t) >= 3]
    title = _pick_title(raw, cleaned, sites, h1s, h2s)
    return drop_subtitle(title) if title else None


def _pick_title(
    raw: list[str],
    cleaned: list[str],
    sites: set[str],
    h1s: Iterable[str | None],
    h2s: Iterable[str | None],
) -> str | None:
    declared = {w for title in cleaned for w in _title_words(title)}
    segments = [[fold(p) for p in SEGMENT_SPLIT.split(t)] for t in raw]
    best, best_score = None, 0.0
    for h1 in h1s:
        h1 = tidy(h1)
        if (
            not h1
            or not 3 <= len(h1) <= 300
            or fold(h1) in sites
            or _is_minor_segment(h1, segments)
        ):
            continue
        words = _title_words(h1)
        score = len([w for w in words if w in declared]) / len(words) if words else 0.0
        if score > best_score:
            best, best_score = h1, score
    if best is not None and (best_score >= H1_AGREEMENT or not cleaned):
        return _fuller_declared(best, cleaned[:1])
    if (
        best is not None
        and len(best.split()) >= TITLE_SIZED_H1
        and _declared_disagree(cleaned, h1s)
    ):
        return best
    for h2 in h2s:
        h2 = tidy(h2)
        if h2 and len(h2) >= 10 and any(fold(h2) in parts[1:] for parts in segments):
            return h2
    return cleaned[0] if cleaned else None


def _declared_disagree(cleaned: list[str], h1s: Iterable[str | None]) -> bool:
    """True when the declared titles are several different SEO variants (og:title, <title>,
    JSON-LD): none of them is then the headline's authority, the visible <h1> is."""
    variants = {fold(drop_subtitle(title)) for title in cleaned}
    return len(variants - {fold(h) for h in h1s if h}) >= 2


def _fuller_declared(h1: str, declared: list[str]) -> str:
    """The declared title when it is the <h1> plus words ("How Much Do SEO Agencies Charge?" vs
    "... Charge? 2025 Costs of SEO Companies"), or the <h1> minus a colon subtitle
    ("Enterprise Cloud Storage" vs "Enterprise Cloud Storage: The Ultimate Guide")."""
    for title in declared:
        short, long_ = fold(_drop_article(h1)), fold(_drop_article(title))
        if long_.startswith(short) and len(title.split()) >= len(h1.split()) + 2:
            return title
        head, colon, _ = h1.partition(": ")
        if colon and len(long_) >= 10 and fold(head) == long_:
            return title
    return h1


LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def _drop_article(title: str) -> str:
    """ "The 5 Best Providers" and "5 Best Providers" name the same headline."""
    return LEADING_ARTICLE.sub("", title)


SUBTITLE_SEPARATOR = re.compile(r"\s+(?:\||–|—|-)\s+")
CONTINUATION = re.compile(
    r"^(and|but|or|nor|yet|so|as|while|because|than|then|not)\b", re.IGNORECASE
)


def drop_subtitle(title: str) -> str:
    """ "Setting up an aquarium - A step by step guide" -> "Setting up an aquarium"; a dash that
    continues the sentence ("... is Invisible — And It's AI") is kept."""
    parts = SUBTITLE_SEPARATOR.split(title, maxsplit=1)
    if len(parts) < 2:
        return title
    head, tail = parts[0].strip(), parts[1].strip()
    if len(head.split()) < 2 or len(fold(head)) < 8 or not tail or CONTINUATION.match(tail):
        return title
    return head


H1_AGREEMENT = 0.35
TITLE_SIZED_H1 = 4  # words: shorter <h1>s are as often a section or site name
TITLE_SIZED_WORDS = 15


def _is_minor_segment(h1: str, segments: list[list[str]]) -> bool:
    """An <h1> that is the short half of "Blog Name: Post Title" is the blog's name (the other half
    must look like a title, not a sentence-long description)."""
    folded = fold(h1)
    for parts in segments:
        others = [p for p in parts if p != folded]
        if (
            folded in parts
            and others
            and len(folded) <= max(len(p) for p in others) <= TITLE_SIZED_WORDS * 8
        ):
            return True
    return False


def _title_words(title: str) -> list[str]:
    return [fold(w) for w in title.split() if fold(w)]


# --- authors --------------------------------------------------------------------------

AUTHOR_PREFIX = re.compile(
    r"^(?:(?:written|posted|published|reported|story|words|text|photos?|compiled|edited|"
    r"article|view all posts|view more posts|all posts|posts|articles|more)\s+by|by|von|par|por|"
    r"door|autor(?:in)?|authors?|writer|reporter|byline|about the author|meet the author)"
    r"\s*[:\-–]?\s+",
    re.IGNORECASE,
)
AUTHOR_SPLIT = re.compile(
    r"\s*(?:,|;|\||\s/\s|\band\b|&|\bwith\b|\bund\b|\bet\b)\s*", re.IGNORECASE
)
ROLE_WORDS = re.compile(
    r"(staff|senior|junior|chief|editor|editors|editorial|correspondent|reporter|writer|"
    r"contributor|contributing|columnist|journalist|producer|analyst|desk|team|bureau|associate|"
    r"managing|deputy|executive|freelance|guest|author|photographer|updated|published|posted|"
    r"read|follow|subscribe|see|view|more|posts|email|twitter|head|manager|marketing|developer|"
    r"engineer|founder|co-founder|ceo|cto|director|consultant|specialist|coordinator|officer|"
    r"expert|lead|president|educators?|full-stack|strategist|intern|fellow|professor|"
    r"researcher|scientist|nutritionist|dietitian|coach|trainer|owner|editor-in-chief|bio|"
    r"biography|profile|about|educator|educators|host|reviewer|your|our|my)",
    re.IGNORECASE,
)
CREDENTIALS = re.compile(
    r"^(md|m\.d\.|phd|ph\.d\.|rn|dr|jr|sr|mba|cpa|rd|rdn|ld|ms|ma|bsc|msc|do|np|pa-c|lcsw|dvm|esq|"
    r"mph|mrcgp|mbbs|frcp|frcs|facp|cscs|cpt|psyd|edd|jd|llm|cfa|pmp|lpc|lmft|crna|aprn|fnp)\.?$",
    re.IGNORECASE,
)
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\s@\s.*$|@\w+")
DATE_TAIL = re.compile(
    r"\s*(?:\b(?:on|in|updated|published)\b.*|\d.*|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d.*)$",
    re.IGNORECASE,
)
# "Vlad SolomakhaNov 12, 2025": a name and a date from adjacent elements, glued without a space
GLUED_MONTH = re.compile(r"(?<=[a-z])(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?$")
# lower-case words that belong in names ("Ludwig van Beethoven", "Maria de la Cruz")
NAME_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
        "y",
        "e",
    ]
)
PARENS = re.compile(r"\s*[(\[].*?[)\]]\s*")
ROLE_TAIL = re.compile(r"\s+(?:-|–|—|\||⋅|·|•)\s+.*$")


def clean_author(raw: str) -> str | None:
    """One name without "By", roles, dates, e-mails or handles; None when nothing name-like is left."""
    return _clean_author(raw)[0]


def _clean_author(raw: str) -> tuple[str | None, bool]:
    """(name, whether a role description started inside this part)."""
    name = tidy(EMAIL_OR_URL.sub(" ", raw)) or ""
    name = PARENS.sub(" ", name)
    for _ in range(2):
        name = AUTHOR_PREFIX.sub("", name).strip(" :-–—|,·•")
    name = ROLE_TAIL.sub("", name)
    name = DATE_TAIL.sub("", name)
    name = GLUED_MONTH.sub("", name)
    words = name.split()
    for index, word in enumerate(words):
        if ROLE_WORDS.fullmatch(word.strip(".,:")):
            name, words = " ".join(words[:index]), words[:index]
            cut = True
            break
    else:
        cut = False
    name = tidy(name) or ""
    if not name or CREDENTIALS.match(name) or len(words) > 5 or len(fold(name)) < 2:
        return None, cut
    if len(words) == 1 and name.islower():  # a login handle such as "jrobison", not a name
        return None, cut
    if len(words) > 1 and any(
        w[:1].islower() and w.lower() not in NAME_PARTICLES for w in words
    ):  # "Extension horticulture", "signing up": words, not a name
        return None, cut
    if name.isupper() and len(name) > 3:
        name = name.title()
    return name, cut


def clean_authors(values: Iterable[str]) -> list[str]:
    """A clean, de-duplicated author list from raw bylines ("By A and B", "A, B", "A; B")."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        value = AUTHOR_PREFIX.sub("", tidy(value) or "")
        for part in AUTHOR_SPLIT.split(value):
            name, role_started = _clean_author(part) if part else (None, False)
            if name and fold(name) not in seen:
                seen.add(fold(name))
                names.append(name)
            if role_started:  # what follows a role ("Writer, Hardware") describes, it does not name
                break
    # "Linda" next to "Linda McCall" is the same person
    folded = [fold(n) for n in names]
    names = [
        n
        for n, f in zip(names, folded, strict=True)
        if not any(o != f and o.startswith(f) for o in folded)
    ]
    return names[:20]


# --- dates ----------------------------------------------------------------------------

DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
    "PREFER_DAY_OF_MONTH": "first",
}
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_datetime(
    value: str | datetime | date | None, latest: datetime | None = None
) -> datetime | None:
    """A timezone-aware UTC datetime from ISO 8601 or a human date; naive values are taken as UTC.
    Dates before 1990 or after `latest` are rejected (they are template or copyright noise)."""
    parsed: datetime | None
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        text = tidy(value)
        if not text or len(text) > 100:
            return None
        parsed = _fromisoformat(text) or _human_date(text)
        if parsed is None:
            try:
                parsed = dateparser.parse(text, settings=DATEPARSER_SETTINGS)  # type: ignore[arg-type]
            except (ValueError, OverflowError, TypeError, AttributeError):
                parsed = None
    if parsed is None:
        return None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if parsed < EARLIEST or (latest is not None and parsed > latest + timedelta(days=1)):
        return None
    return parsed


HUMAN_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%B %Y")
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b|[,.]", re.IGNORECASE)


def _human_date(text: str) -> datetime | None:
    """The common printed forms ("May 23, 2025", "3 Sept 2024") without dateparser's cost."""
    plain = " ".join(ORDINAL.sub(" ", text).split()).replace("Sept ", "Sep ")
    for fmt in HUMAN_FORMATS:
        try:
            return datetime.strptime(plain, fmt)
        except ValueError:
            continue
    return None


def _fromisoformat(text: str) -> datetime | None:
    candidate = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", text) else text
    candidate = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", candidate)
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


# --- tags and language ----------------------------------------------------------------

TAG_SPLIT = re.compile(r"\s*[,;|]\s*")


def split_tags(values: Iterable[str]) -> list[str]:
    """Split comma/semicolon/pipe keyword strings into a clean, de-duplicated list."""
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        for part in TAG_SPLIT.split(value or ""):
            tag = tidy(part.strip("#\"' "))
            if tag and len(tag) <= 60 and fold(tag) and fold(tag) not in seen:
                seen.add(fold(tag))
                tags.append(tag)
    return tags[:50]


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code from a declared language ("en-US", "en_GB", "EN") or None."""
    if not value:
        return None
    code = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    return code if len(code) == 2 and code.isalpha() else None
