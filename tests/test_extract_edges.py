"""Link, button and call-to-action lines at the edges of the extracted text."""

from __future__ import annotations

from lxml.html import fromstring

from crawlers.extract.edges import trim_edges

PAGE = fromstring(
    """<html><body><article>
    <p>First paragraph of the story, long enough to be a sentence.</p>
    <p>Read <a href="/guide">our guide</a> for more.</p>
    <ul><li><a href="/a">Related post one</a></li><li><a href="/b">Related post two</a></li></ul>
    <a href="/series">The Series</a><a href="#part-two">Part two</a>
    <button>Subscribe to the list</button>
    </article></body></html>"""
)
BODY = (
    "First paragraph of the story, long enough to be a sentence.\nRead our guide for more.\n"
    "The last line of the article says what happens next, and that is all."
)


def test_link_list_at_the_end_goes() -> None:
    text, removed = trim_edges(f"{BODY}\n- Related post one\n- Related post two", PAGE)
    assert text == BODY
    assert removed == ("- Related post one", "- Related post two")


def test_calls_to_action_at_the_edges_go() -> None:
    text, _ = trim_edges(f"{BODY}\nTry Acme for free\nNo credit card required", PAGE)
    assert text == BODY
    text, _ = trim_edges(f"Get started\n{BODY}", PAGE)
    assert text == BODY


def test_single_link_line_and_in_page_links_stay() -> None:
    text = f"The Series\n{BODY}\nPart two"
    assert trim_edges(text, PAGE) == (text, ())


def test_links_inside_the_body_stay() -> None:
    text = f"{BODY}\n- Related post one\n- Related post two\nA closing sentence of the article."
    assert trim_edges(text, PAGE) == (text, ())


def test_never_more_than_a_share_of_the_text() -> None:
    text = "Short line here.\n- Related post one\n- Related post two\n- Related post one"
    assert trim_edges(text, PAGE) == (text, ())
