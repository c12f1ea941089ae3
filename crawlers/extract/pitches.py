"""Pitches to the reader near the start or the end of a text: newsletter welcomes, subscription
prompts, consultation offers, discount codes, affiliate disclosures; author bios at the start.

Newsletters (Substack, Beehiiv, Ghost) and company blogs write these as plain paragraphs of the
post itself, so no markup tells them apart and trafilatura keeps them. They are recognised by
what they say to the reader, and only where they sit: among the first lines or in the closing
part of the text. A sentence of the same words in the middle of an article is never touched.
A short heading right above a removed pitch ("PITCH US", "Would you rather ...?") goes with it.
"""

from __future__ import annotations

import re

PITCH = re.compile(
    r"|".join(
        (
            r"\bif you (haven'?t|have not|aren'?t|are not) (yet )?(already )?"
            r"(subscribed|signed up|a (paid |free )?(subscriber|member))",
            r"\b(if )?you were forwarded this\b|\bforwarded this (email|newsletter|post)\b",
            r"\b(opening|reading) this (essay|email|post|newsletter|piece|issue) in your "
            r"(email )?inbox\b",
            r"(^\W*|[.!?]\s+|\b(please|you can) )subscribe (to|for|now|today|here|below|by clicking)\b",
            r"\bjoin [\d,.]+k?\+? (other )?(others|readers|subscribers|people|founders|investors)\b",
            r"\bnewsletter is a (free|weekly|daily|monthly)\b",
            r"\b(have|got) an? [^.?!]{0,80}\?\s*(email|e-mail|write to|contact) us\b",
            r"\bemail us at\b",
            r"\bfeel free to reach out\b",
            r"\bapply today\b",
            r"\bschedule (a|your) (free |complimentary )?(call|consultation|demo|session)\b",
            r"\b(free|complimentary) (\d+[- ]minute )?(consultation|strategy call|discovery call)s?\b",
            r"\bplease share (this|these) (post|posts|article|articles|newsletter|issue)\b",
            r"\bfollow (me|us) on (instagram|twitter|x|facebook|tiktok|youtube|linkedin|threads)\b",
            r"\b(use|with) (the )?(promo |discount |coupon )?code\b[^.]{0,40}\b(off|discount)\b",
            r"\$\d+ off your first\b|\boff your first (order|purchase|box|month)\b",
            r"^\W*welcome to [^.!?]{2,60}(\s[—–-]\s|, )(a|an|the|your|where)\b",
            r"\bsign up on (the|our) (platform|site|website)\b",
            r"^\W*find out how you can\b",
            r"^\W*disclosure:|\bmay contain affiliate links\b",
            r"^\W*(liked|enjoyed) (this|it)( post| article)?\?",
        )
    ),
    re.IGNORECASE,
)
# every pattern above holds one of these: a cheap test before the costly regex
KEYWORDS = (
    "subscri",
    "signed up",
    "member",
    "forwarded",
    "inbox",
    "join",
    "newsletter",
    "email",
    "e-mail",
    "write to us",
    "contact us",
    "reach out",
    "apply today",
    "schedule",
    "consultation",
    "strategy call",
    "discovery call",
    "please share",
    "follow",
    "code",
    "off your first",
    "welcome to",
    "sign up",
    "find out how",
    "disclosure",
    "affiliate",
    "liked",
    "enjoyed",
)
HEAD_LINES = 6  # pitches at the start sit among the first lines
TAIL_LINES = 12  # and at the end among the last ones,
TAIL_SHARE = 0.3  # within the closing share of the words
MAX_PITCH_CHARS = 700
HEADING_WORDS = 14


def trim_pitches(text: str, authors: list[str] | None = None) -> tuple[str, tuple[str, ...]]:
    """Drop reader pitches and author bios from the start and the end of `text`; return the text
    and the lines removed."""
    lines = text.split("\n")
    if len(lines) < 4:
        return text, ()
    counts = [len(line.split()) for line in lines]
    total = sum(counts)
    bio = _bio_pattern(authors or [])
    tail_from = len(lines)
    seen = 0
    for index in range(len(lines) - 1, -1, -1):
        seen += counts[index]
        if seen > TAIL_SHARE * total or index < len(lines) - TAIL_LINES:
            break
        tail_from = index
    drop: set[int] = set()
    for index, line in enumerate(lines):
        if index >= HEAD_LINES and index < tail_from:
            continue
        stripped = line.strip()
        if len(stripped) > MAX_PITCH_CHARS:
            continue
        is_bio = bio is not None and index < HEAD_LINES and bio.match(stripped)
        if is_bio or _is_pitch(stripped):
            drop.add(index)
            above = index - 1
            if above >= 0 and above not in drop and _is_heading(lines[above]):
                drop.add(above)
    if not drop or sum(counts[i] for i in drop) > 0.5 * total:
        return text, ()
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return "\n".join(kept), tuple(lines[i] for i in sorted(drop))


def _is_pitch(line: str) -> bool:
    lowered = line.lower()
    return any(k in lowered for k in KEYWORDS) and PITCH.search(line) is not None


def _bio_pattern(authors: list[str]) -> re.Pattern[str] | None:
    """ "Jane Doe is a writer who ...": a bio line opens with an author's name. Only at the start:
    the closing "X is a senior fellow at Y" of an opinion piece belongs to it."""
    names = [re.escape(a.strip()) for a in authors if len(a.strip().split()) >= 2]
    if not names:
        return None
    return re.compile(
        rf"^\W*({'|'.join(names)}) (is an?|is the|has been|writes|covers|joined)\b", re.IGNORECASE
    )


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    words = stripped.split()
    return 0 < len(words) <= HEADING_WORDS and not stripped.endswith((".", ":", ";", ","))
