"""Which body to keep: trafilatura's default output or the one of its recall mode.

The default mode leans to precision and sometimes drops whole sections of the article: lists,
tables, a block its link-density test disliked. Its recall mode keeps them, but alone it also
keeps more furniture and now and then picks a different, smaller block of the page. Both runs
read the same tree, so their agreement is informative: when the recall text holds nearly all of
the default text and more, the default lost body; when the recall text is a strict part of the
default text that is still most of it, the default let a furniture block in. Otherwise the modes
disagree about where the article is and the default output stays.

The recall run costs about 40% of an extraction, so it is asked only when the default output
looks doubtful next to the page's own text blocks (paragraphs, list items, table cells,
headings and quotes outside navigation, headers and footers): clearly fewer words than they
hold, or clearly more (the page keeps its text in bare divs, where block choice is harder).
"""

from __future__ import annotations

import re
from collections import Counter

from lxml.html import HtmlElement

WORD = re.compile(r"\w+")
SUPERSET_COVERAGE = 0.9  # share of the default's words the recall text must hold
SUPERSET_GROWTH = 1.02  # and it must be longer than the default by more than this
SUBSET_INSIDE = 0.98  # share of the recall text's words found in the default text
SUBSET_LENGTH = (0.7, 0.95)  # the recall text's length as a share of the default's


TEXT_BLOCKS = frozenset({"p", "li", "td", "th", "h2", "h3", "h4", "blockquote", "pre"})
OUTSIDE_TEXT = frozenset({"nav", "header", "footer", "aside", "script", "style", "noscript"})
CONFIDENT_SHARE = (0.9, 1.5)  # default words / block words where no second opinion is needed


def block_words(tree: HtmlElement) -> int:
    """Words in the page's outermost text blocks outside navigation, headers and footers."""
    body = tree.find("body")
    stack = [tree if body is None else body]
    words = 0
    while stack:  # a walk that stops at each block is several times faster than an XPath here
        for child in stack.pop():
            tag = child.tag
            if not isinstance(tag, str) or tag in OUTSIDE_TEXT:
                continue
            if tag in TEXT_BLOCKS:
                words += len(child.text_content().split())
            else:
                stack.append(child)
    return words


def needs_second_opinion(default_words: int, page_block_words: int) -> bool:
    """True when the default output's size does not match the page's text blocks."""
    if page_block_words == 0 or default_words == 0:
        return True
    low, high = CONFIDENT_SHARE
    return not low <= default_words / page_block_words <= high


def _bag(text: str) -> Counter[str]:
    return Counter(WORD.findall(text.lower()))


def pick_body(default: str, recall: str) -> tuple[str, str | None]:
    """The body text to keep and, when it is the recall mode's, why ("recall_more"/"recall_less")."""
    if not recall.strip():
        return default, None
    if not default.strip():
        return recall, "recall_more"
    ours, theirs = _bag(default), _bag(recall)
    ours_words, their_words = sum(ours.values()), sum(theirs.values())
    if not ours_words or not their_words:
        return default, None
    common = sum((ours & theirs).values())
    ratio = their_words / ours_words
    if common / ours_words >= SUPERSET_COVERAGE and ratio > SUPERSET_GROWTH:
        return recall, "recall_more"
    low, high = SUBSET_LENGTH
    if common / their_words >= SUBSET_INSIDE and low <= ratio < high:
        return recall, "recall_less"
    return default, None
