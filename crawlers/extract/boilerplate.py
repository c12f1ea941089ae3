"""Line filters for the page furniture trafilatura keeps: share bars, credits, teasers, prompts.

Each rule matches a whole line (case-insensitive) and only lines short enough to be furniture,
so a real sentence that merely mentions "share" or "photo" is never touched. Edit the lists
here; the tests in tests/test_extract_boilerplate.py show what each must and must not catch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SOCIAL = (
    r"facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|mail|"
    r"messenger|flipboard|threads|bluesky|tumblr|print|copy link|sms|line|viber|weibo|wechat|vk"
)

# (pattern, longest line it may remove)
RULES: tuple[tuple[str, int], ...] = (
    # share bars
    (
        r"(partager|teilen|compartir|condividi|compartilhar|delen)( (sur|auf|en|su|no|op) .{1,20})?[\s:!.]*",
        40,
    ),
    (
        r"(click to )?share( this| the)?( post| article| story| page| link)?( on| via| to| with)?"
        rf"( ({SOCIAL}))?( \(opens in new window\))?[\s:!.…]*",
        60,
    ),
    (r"share (on|via|to|with) .{0,40}", 60),
    (rf"(({SOCIAL})[\s,|/·•]*){{2,}}", 80),
    (
        r"(tweet|pin it|email this|print this|copy (the )?link|link copied|facebook|twitter|linkedin|whatsapp)[\s!.]*",
        25,
    ),
    (r"(if you (liked|enjoyed) this,? )?share (it|this)( with .{0,30})?[\s!.]*", 60),
    # image/photo credits and captions
    (
        r"[(\[]?\s*(image|photo|picture|photograph|illustration|graphic|video|file photo|main image|"
        r"top image|lead image|featured image|cover image|header image)s?\s*"
        r"(courtesy|credit|credits|source|:|/|\||-|–|—|©)(\s*of)?\s*[:(]?.{0,90}",
        120,
    ),
    (r"[(\[]?\s*(image|photo|picture|photograph|illustration|graphic)s?\s*(by|via)\s.{0,50}", 60),
    (r"[(\[]?\s*(photo|image)s?\s*courtesy\s*:?.{0,90}", 120),
    (
        r"[(\[]?\s*(file|representational|representative|stock|archive|screengrab|screenshot)"
        r"\s+(photo|image|picture|pic)\b.{0,80}",
        100,
    ),
    (r"[(\[]?\s*(credit|credits|source|courtesy)\s*:\s*.{0,80}", 90),
    (
        r"[(\[]?\s*(©|\(c\)|copyright)\s*.{0,60}(getty|reuters|afp|ap|shutterstock|istock|pti|ani|"
        r"ians|epa|alamy|photo|images?)\b.{0,40}",
        120,
    ),
    (r"\(?\s*(ap|afp|reuters|getty|pti|ani|epa|ians)\s+photo\b.{0,60}", 90),
    (r"(getty images|shutterstock|istock(photo)?|alamy|reuters|afp|pti|ani)\s*(/\s*.{0,40})?", 50),
    (r"image (caption|source),?.{0,120}", 140),
    # newsletter / subscription prompts
    (
        r"(sign up|subscribe|register|join|get|receive)\b.{0,60}\b(newsletters?|inbox|updates|"
        r"alerts|briefing|digest)\b.{0,80}",
        160,
    ),
    (
        r"(sign up|subscribe|subscribe now|subscribe today|sign up now|sign up today|sign in|"
        r"log in|register now|join now|newsletter|newsletters|enter your email( address)?|"
        r"your email address|email address|unsubscribe at any time.*|by signing up.{0,160})[\s!.:*]*",
        200,
    ),
    (r"(subscribe|sign in|log in|register)( now)? to (keep|continue) reading.{0,80}", 120),
    (
        r"(already a subscriber|not a subscriber|become a (member|subscriber)|support our journalism)"
        r"\b.{0,120}",
        140,
    ),
    # teasers: a teaser keyword alone, or followed by a separator and a linked headline
    (
        r"(read more|read also|also read|see also|related|related stories|related articles|"
        r"related news|related content|related posts|related reading|more stories|recommended|"
        r"recommended (for you|reading|stories)|you may also like|you might also like|"
        r"you may also be interested in|don't miss|must read|more on this( story)?|read next|"
        r"up next|next article|previous article|next post|previous post|continue reading|"
        r"keep reading|read the full (story|article)|read full article|read the rest|more|"
        r"watch|listen|trending( now)?|top stories|latest news|most read|popular)"
        r"\s*[»›→>.…:]*",
        45,
    ),
    (
        r"(read more|read also|also read|see also|related|recommended|watch|listen|more|"
        r"don't miss|must read|read next|up next|more on this|trending)\s*[:|»›→>]\s*.{1,200}",
        210,
    ),
    (r"(also read|read also|also see|also watch)\b.{1,200}", 210),
    # cookie notices
    (
        r"(?=.*\bcookies?\b)(?=.*\b(accept|consent|agree|by (continuing|using|clicking)|"
        r"(improve|enhance|better) (your|the) (user |browsing )?experience|privacy policy|"
        r"cookie (policy|settings|preferences)|learn more|manage|opt out)\b).{0,400}",
        400,
    ),
    (
        r"(accept|accept all|reject all|decline|manage (cookies|preferences|consent)|"
        r"cookie settings|got it|i agree|ok|okay|agree and close|allow all)[\s!.]*",
        30,
    ),
    # advertising and navigation crumbs
    (
        r"(advertisement|advertising|sponsored|sponsored content|paid content|promoted|ad|ads|"
        r"story continues below( this)? advertisement|article continues below( this)? (advertisement|ad)|"
        r"continue reading (below|the main story)|scroll (down )?to continue( with content| reading)?|"
        r"skip advert(isement)?|report this ad|ad feedback|close ad)[\s!.:-]*",
        60,
    ),
    (r"(follow|like) us on .{0,60}", 80),
    (r"(click|tap) here (to|for) .{0,80}", 100),
    (r"(©|\(c\)|copyright\s*©|copyright\s+\d{4}).{0,110}", 130),
    (r"all rights reserved[\s.]*", 30),
    (
        r"(comments?|leave a (comment|reply)|\d+ comments?|view comments|show comments|"
        r"join the conversation|post a comment)[\s:!.]*",
        40,
    ),
    (r"(tags?|topics?|filed under|categories|category)\s*:.{0,200}", 210),
    # review credits of health and finance pages ("Medically reviewed by Dr Jane Doe, MD")
    (
        r"(medically |peer |fact[- ]?|expert |clinically )?(reviewed|checked|verified|fact-checked)"
        r"( by|:)\s.{0,200}",
        250,
    ),
    (
        r"(back to (top|the top|contents|table of contents)|top of page|go to top|skip to (main )?content|print|print article|"
        r"save|saved|bookmark|listen to (this )?article|\d+\s*min(ute)?s? read|toggle.{0,30})[\s!.]*",
        40,
    ),
)


@dataclass(frozen=True)
class FilterResult:
    """Cleaned text and the lines removed (kept for the quality flags and for debugging)."""

    text: str
    removed: tuple[str, ...]


def compile_rules(
    rules: Iterable[tuple[str, int]] = RULES,
) -> tuple[tuple[re.Pattern[str], int], ...]:
    """Compile (regex, max length) rules into case-insensitive whole-line matchers: one combined
    pattern per length limit, holding every rule allowed at that length, shortest limit first."""
    rules = list(rules)
    limits = sorted({limit for _, limit in rules})
    return tuple(
        (
            re.compile("|".join(f"(?:{p})" for p, most in rules if most >= limit), re.IGNORECASE),
            limit,
        )
        for limit in limits
    )


COMPILED = compile_rules()


def is_boilerplate(line: str, rules: tuple[tuple[re.Pattern[str], int], ...] = COMPILED) -> bool:
    """True when the whole line is furniture according to one of the rules."""
    stripped = line.strip().strip("•·|*#>-–— \u00a0")
    if not stripped:
        return False
    length = len(stripped)
    for pattern, limit in rules:
        if length <= limit:
            return pattern.fullmatch(stripped) is not None
    return False


def clean_lines(
    text: str, rules: tuple[tuple[re.Pattern[str], int], ...] = COMPILED
) -> FilterResult:
    """Drop furniture lines and blank runs; keep every other line as it was."""
    kept: list[str] = []
    removed: list[str] = []
    for line in text.splitlines():
        if is_boilerplate(line, rules):
            removed.append(line.strip())
        elif line.strip():
            kept.append(line.rstrip())
    return FilterResult("\n".join(kept), tuple(removed))


# Headings that open the furniture under an article: author boxes, reading lists, changelogs.
# Everything from such a heading to the end goes, when it sits in the last part of the text.
TAIL_HEADINGS = re.compile(
    r"(about the (author|reviewer|writer|contributor)s?|author bio|meet the author|"
    r"further reading( on .{1,40})?|more resources( to read)?|"
    r"related (posts|articles|reading|stories|resources|content|guides|links)|"
    r"you (may|might) also (like|enjoy)|more (posts|stories|articles) like this|"
    r"more from( the)? [^.!?]{1,40}|(other|more|latest) (top )?(stories|posts|articles)"
    r"( from [^.!?]{1,40})?|"
    r"recommended (reading|articles|posts|for you)|read next|popular posts|latest posts|"
    r"like this\?.{0,60}|we keep our content up to date|pin (this|it)!?|like it\?? pin it!?|"
    r"disclaimers?( (&|and) disclosures?)?)[\s:!.…]*",
    re.IGNORECASE,
)
TAIL_START = 0.6  # the heading must come after this share of the words
TAIL_MAX_WORDS = 600  # and what follows it must be shorter than this


def trim_tail(text: str, authors: list[str] | None = None) -> tuple[str, tuple[str, ...]]:
    """Cut the furniture block at the end of an article: from a closing heading ("About the
    Author", "Further reading", "You may also like") or an author box (a line that is only the
    author's name) to the end. Returns the text and the lines removed."""
    lines = text.split("\n")
    counts = [len(line.split()) for line in lines]
    total = sum(counts)
    if total < 80:
        return text, ()
    names = {_fold(a) for a in authors or [] if len(_fold(a)) >= 6}
    seen = 0
    for index, line in enumerate(lines):
        after = total - seen - counts[index]
        seen += counts[index]
        if seen < TAIL_START * total or after > TAIL_MAX_WORDS or after > 0.4 * total:
            continue
        stripped = line.strip().strip("#*-–—|•· ").strip()
        if len(stripped) > 70:
            continue
        if TAIL_HEADINGS.fullmatch(stripped) or (names and _name_line(stripped) in names):
            return "\n".join(lines[:index]), tuple(lines[index:])
    return text, ()


CREDENTIAL_SUFFIX = re.compile(
    r"(,?\s+(md|m\.d\.|phd|ph\.d\.|rn|do|mph|mba|rd|rdn|np|dvm|cpa|cfp|jd|esq)\.?)+$", re.IGNORECASE
)


def _name_line(line: str) -> str:
    """The folded form of an author-box name line, credentials dropped ("Jane Doe, MD*")."""
    return _fold(CREDENTIAL_SUFFIX.sub("", line.strip("*_ ")))


def _fold(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())
