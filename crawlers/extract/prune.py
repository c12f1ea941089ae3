"""Site furniture removed from the parsed page before trafilatura reads it.

trafilatura already drops elements whose class or id says share bar, navigation, footer or
"related"; what it keeps are the boxes themes name by purpose: calls to action, sign-up and
subscription forms, promos, disclosures, pop-ups, recirculation rails. Such a box
sits inside the article container, so trafilatura reads it as body text.

The vocabulary below was checked against real pages: each token named boxes whose text is
almost never in the article body. Tokens that often name real content are left out on purpose:
"cta" and "sticky" (whole article columns carry them), "toc" (tables of contents are part of
many guides), author boxes (the visible byline is read from the same tree afterwards).

An element is only dropped when it is a small part of the page: never the element holding the
headline, never one with a large share of the page's text, never the body or main container.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:ctas|call-to-action|subscribe|subscription|signup|sign-up|optin|opt-in|"
    r"lead-?magnet|promo|promos|promotion|upsell|paywall|logged-out|disclosure|disclaimer|"
    r"popup|modal|recirc|read-?next|rail)(?:$|[\s_-])",
    re.IGNORECASE,
)
# "cta" also names whole article columns on some themes: only a small box of that name goes
SMALL_FURNITURE = re.compile(r"(?:^|[\s_-])cta(?:$|[\s_-])", re.IGNORECASE)
CANDIDATE_TAGS = ("div", "section", "aside", "form", "ul", "ol", "figure", "p")
MAX_SHARE = 0.25  # a box holding more of the page's text than this is not furniture
SMALL_SHARE = 0.03
KEEP_TAGS = frozenset({"html", "body", "main", "article"})


def prune_furniture(tree: HtmlElement) -> int:
    """Drop call-to-action, sign-up, promo, disclosure, bio and pop-up boxes in place; return
    how many were dropped."""
    candidates: list[tuple[HtmlElement, float]] = []
    for el in tree.iter(*CANDIDATE_TAGS):
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if FURNITURE.search(names):
            candidates.append((el, MAX_SHARE))
        elif SMALL_FURNITURE.search(names):
            candidates.append((el, SMALL_SHARE))
    if not candidates:
        return 0
    bodies = tree.xpath("//body")
    total = len((bodies[0] if bodies else tree).text_content())
    dropped: list[HtmlElement] = []
    gone: set[HtmlElement] = set()
    for element, share in candidates:
        if element.tag in KEEP_TAGS or any(a in gone for a in element.iterancestors()):
            continue
        if element.xpath(".//h1") or len(element.text_content()) > share * total:
            continue
        dropped.append(element)
        gone.add(element)
    for element in dropped:
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()
    return len(dropped)
