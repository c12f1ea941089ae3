"""Wire-agency credits: which news agencies an article credits, from datelines, bylines and sign-offs.

Agencies are only credited in credit positions, so a story that merely cites "Yonhap reported" or
the lowercase word "ap" is not wire copy: a parenthesised credit before a dash or colon
("KYIV (Reuters) -"), a byline or author field ("By AP", authors ["Press Trust of India"]),
a closing credit ("(Reporting by ...; Editing by ...)" is Reuters house style, "With inputs from
PTI", a last line "— AFP"), or a copyright line ("© 2025 The Associated Press").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from importlib import resources

_TABLE: dict[str, list[str]] = tomllib.loads(
    resources.files(__package__).joinpath("data/wires.toml").read_text("utf-8")
)
_CANONICAL = {form: name for name, forms in _TABLE.items() for form in forms}
_AGENCY = "(?:" + "|".join(re.escape(f) for f in sorted(_CANONICAL, key=len, reverse=True)) + ")"
_ONE = re.compile(rf"(?<![\w-]){_AGENCY}(?![\w-])")
_LIST = rf"{_AGENCY}(?:\s*(?:/|,|&|and)\s*{_AGENCY})*"

_CREDITS = [
    re.compile(rf"\((?:{_LIST})\)\s*(?:--|[-—–:])"),  # dateline: "KYIV, March 3 (Reuters) -"
    re.compile(rf"(?m)^\s*By\s+(?:{_LIST})\s*$"),  # byline line: "By AP"
    re.compile(
        rf"(?i:with\s+(?:additional\s+)?(?:inputs?|reporting)\s+from)\s+(?:the\s+)?(?:{_LIST})"
    ),
    re.compile(rf"(?:©|Copyright|\(c\))\s*(?:\d{{4}}\s*)?(?:{_LIST})"),
    re.compile(rf"(?:Published|Sourced)\s+(?:via|from)\s+(?:{_LIST})"),
]
_REUTERS_SIGNOFF = re.compile(
    r"\((?:Additional\s+)?[Rr]eporting by [^)]*(?:Editing|Writing) by [^)]*\)"
)
_AUTHOR_NOISE = re.compile(r"^By\s+|\b(?:Staff|News Desk|Desk|Reporter|Bureau|Wire)\b")
_AUTHOR_SUFFIX = re.compile(rf"(?:\||,|\(|—|\bfor\b)\s*{_AGENCY}\)?\s*$")
_TAIL = re.compile(rf"^[\s—–-]*\(?\s*(?:{_LIST})\s*\)?[.\s]*$")
_TAIL_DASH = re.compile(rf"(?:--|[—–-])\s*\(?(?:{_LIST})\)?\s*$")


def _agencies(fragment: str) -> list[str]:
    return [_CANONICAL[m.group(0)] for m in _ONE.finditer(fragment)]


def wire_credits(text: str, authors: Iterable[str] = ()) -> list[str]:
    """Canonical names of the agencies credited, in order of first credit ("Agencies" if unnamed)."""
    found: list[str] = []
    for author in authors:
        bare = _AUTHOR_NOISE.sub("", author).strip(" |,-—")
        if bare in _CANONICAL:
            found.append(_CANONICAL[bare])
        elif m := _AUTHOR_SUFFIX.search(author):
            found += _agencies(m.group(0))
    head, tail = text[:600], text[-600:]
    for pattern in _CREDITS:
        for region in (head, tail) if len(text) > 1200 else (text,):
            for m in pattern.finditer(region):
                found += _agencies(m.group(0))
    if _REUTERS_SIGNOFF.search(tail):
        found.append("Reuters")
    lines = [line for line in text.rstrip().splitlines() if line.strip()]
    if lines:
        last = lines[-1]
        if len(last) <= 60 and _TAIL.match(last):
            found += _agencies(last)
        elif m := _TAIL_DASH.search(last):
            found += _agencies(m.group(0))
    return list(dict.fromkeys(found))
