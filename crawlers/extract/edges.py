"""Furniture at the edges of the extracted text: link and button lines, calls to action.

trafilatura often keeps the last few links of the article container ("Next Steps", a list of
related posts, "Download Chrome extension") or the first ones (a series name, a "back" link).
A line whose whole text is the text of a link or a button on the page is furniture when it sits
at the start or the end of the text; so is a short call to action. Trimming stops at the first
line that is neither, so a link inside the body is never touched.
"""

from __future__ import annotations

import re

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


def link_texts(tree: HtmlElement) -> set[str]:
    """The normalised texts of the page's links and buttons (not in-page links: a table of
    contents names the article's own headings)."""
    texts: set[str] = set()
    for element in tree.xpath("//a[not(starts-with(@href, '#'))]|//button|//*[@role='button']"):
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

    def kind(line: str) -> str | None:
        nonlocal links
        stripped = BULLET.sub("", line).strip()
        if not stripped or len(stripped) > MAX_LINE_CHARS:
            return None
        if len(stripped) <= 60 and CALL_TO_ACTION.fullmatch(stripped):
            return "cta"
        if links is None:
            links = link_texts(tree)
        if _key(stripped) not in links:
            return None
        return "item" if stripped != line.strip() else "link"

    def edge_run(indexes: range) -> int:
        """How many lines from this edge are furniture."""
        kinds: list[str] = []
        for index in indexes:
            found = kind(lines[index])
            if found is None:
                break
            kinds.append(found)
        if kinds.count("item") >= 2:
            return len(kinds)
        ctas = 0
        while ctas < len(kinds) and kinds[ctas] == "cta":
            ctas += 1
        return ctas

    end = len(lines) - edge_run(range(len(lines) - 1, 0, -1))
    start = edge_run(range(0, end - 1))
    if start == 0 and end == len(lines):
        return text, ()
    total = len(text.split())
    removed = lines[:start] + lines[end:]
    if sum(len(line.split()) for line in removed) > MAX_SHARE * total:
        return text, ()
    return "\n".join(lines[start:end]), tuple(removed)


def _key(value: str) -> str:
    return " ".join(WORD.findall(value.lower()))
