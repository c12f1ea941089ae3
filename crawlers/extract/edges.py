"""Furniture at the edges of the extracted text: link and button lines, calls to action.

trafilatura often keeps the last few links of the article container ("Next Steps", a list of
related posts, "Download Chrome extension") or the first ones (a series name, a "back" link).
A line whose whole text is the text of a link or a button on the page is furniture when it sits
at the start or the end of the text; so is a short call to action. Trimming stops at the first
line that is neither, so a link inside the body is never touched. At the end, a run of teaser
cards (a linked headline over its summary) goes too: the "more from this site" grid.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

WORD = re.compile(r"\w+")
BULLET = re.compile(r"^\s*(?:[-–—•·*|>]+|\d{1,2}[.)])\s*")
CALL_TO_ACTION = re.compile(
    r"(next steps?|get started( (now|today|for free))?|sign up( (now|today|for free|free))?|"
    r"start (your )?(free )?trial|(start|try) (it |\w+ )?(for )?free( now| today)?|"
    r"try \w+( \w+)? (for free|free|now|today)|free (\w+ ){0,2}(builder|tool|trial|template|guide|"
    r"download|demo|consultation|quote)s?|download (the |our )?(\w+ ){0,2}(app|extension|ebook|"
    r"e-book|guide|pdf|template|checklist)s?( - .{0,30}| now| today| for free)?|"
    r"(book|request|schedule|get) (a |your )?(free )?(demo|quote|consultation|call)( today| now)?|"
    r"no credit card required|learn more|find out more|contact us( today)?|shop now|buy now|"
    r"order now|get (the )?(app|deal|offer)|see (all )?(plans|pricing|deals?))[\s!.:→»›>]*",
    re.IGNORECASE,
)
MAX_LINE_CHARS = 200  # a link or button line longer than this is a teaser with its summary
MAX_SHARE = 0.3  # never trim more than this share of the text's words
MAX_TEASER_SHARE = 0.5  # a block of teaser cards may be longer: each card names another page
TEASER_HEAD_WORDS = 20
TEASER_SUMMARY_WORDS = 60
MIN_TEASERS = 3
MAX_TEASERS = 40  # a grid is never longer; the bound keeps a hostile page's cost linear


LINKS_AND_BUTTONS = "//a[not(starts-with(@href, '#'))]|//button|//*[@role='button']"
# teaser cards link to other pages; accordion toggles (buttons, in-page anchors) are not teasers
PAGE_LINKS = "//a[@href and not(starts-with(@href, '#')) and not(@role='button')]"


def link_texts(tree: HtmlElement, xpath: str = LINKS_AND_BUTTONS) -> set[str]:
    """The normalised texts of the page's links and buttons (not in-page links: a table of
    contents names the article's own headings)."""
    texts: set[str] = set()
    for element in tree.xpath(xpath):
        key = _key(element.text_content())
        if key:
            texts.add(key)
    return texts


def trim_edges(text: str, tree: HtmlElement) -> tuple[str, tuple[str, ...]]:
    """Drop link, button and call-to-action lines from both ends of `text`; return the text and
    the lines removed. Links go only as a list (two list items or more): a single linked line
    at the top is as often the article's own title, series or source."""
    lines = text.split("\n")
    if len(lines) < 3:
        return text, ()
    links: set[str] | None = None

    def page_links() -> set[str]:
        nonlocal links
        if links is None:
            links = link_texts(tree)
        return links

    def kind(line: str) -> str | None:
        stripped = BULLET.sub("", line).strip()
        if not stripped or len(stripped) > MAX_LINE_CHARS:
            return None
        if len(stripped) <= 60 and CALL_TO_ACTION.fullmatch(stripped):
            return "cta"
        if _key(stripped) not in page_links():
            return None
        return "item" if stripped != line.strip() else "link"

    def edge_run(indexes: range) -> int:
        """How many lines from this edge are furniture. In a list of links one item that is not
        a link (an entry whose link text differs) does not end the list."""
        kinds: list[str | None] = []
        for index in indexes:
            found = kind(lines[index])
            if found is None:
                unlinked_item = BULLET.match(lines[index]) is not None
                if not (unlinked_item and kinds.count("item") >= 4 and None not in kinds):
                    break
            kinds.append(found)
        while kinds and kinds[-1] is None:
            kinds.pop()
        if kinds.count("item") >= 2:
            return len(kinds)
        ctas = 0
        while ctas < len(kinds) and kinds[ctas] == "cta":
            ctas += 1
        return ctas

    end = len(lines) - edge_run(range(len(lines) - 1, 0, -1))
    teasers = _teaser_pairs(lines[:end], lambda: link_texts(tree, PAGE_LINKS))
    start = edge_run(range(0, end - 1))
    if start == 0 and end == len(lines) and not teasers:
        return text, ()
    total = len(text.split())
    removed = lines[:start] + lines[end:]
    if sum(len(line.split()) for line in removed) > MAX_SHARE * total:
        return text, ()  # too much to be furniture; the teaser block sat above these lines
    if teasers:
        block = lines[end - teasers : end]
        if sum(len(line.split()) for line in block) <= MAX_TEASER_SHARE * total:
            removed = lines[:start] + block + lines[end:]
            end -= teasers
    if not removed:
        return text, ()
    return "\n".join(lines[start:end]), tuple(removed)


def _teaser_pairs(lines: list[str], page_links: Callable[[], set[str]]) -> int:
    """How many lines at the end are teaser cards of other articles: a linked headline and its
    one-paragraph summary (or a card whose whole text is one link), three cards or more."""
    pairs: list[tuple[str, str]] = []
    for index in range(len(lines), 1, -2):
        head, summary = _key(lines[index - 2]), _key(lines[index - 1])
        if (
            not head
            or not summary
            or len(head.split()) > TEASER_HEAD_WORDS
            or len(summary.split()) > TEASER_SUMMARY_WORDS
            or len(pairs) == MAX_TEASERS
        ):
            break
        pairs.append((head, summary))
    if len(pairs) < MIN_TEASERS:
        return 0
    links = page_links()
    cards = 0
    for head, summary in pairs:
        if not _links_to(head, summary, links):
            break
        cards += 1
    return 2 * cards if cards >= MIN_TEASERS else 0


def _links_to(head: str, summary: str, links: set[str]) -> bool:
    """The card's headline is a link ("Headline", "Read more about Headline"), or its whole
    text is."""
    if head in links or f"{head} {summary}" in links:
        return True
    suffix = f" {head}"
    return len(head.split()) >= 3 and any(link.endswith(suffix) for link in links)


def _key(value: str) -> str:
    return " ".join(WORD.findall(value.lower()))
