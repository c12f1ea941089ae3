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


CARDS = fromstring(
    """<html><body><article><p>Story.</p></article><section class="more">
    <a href="/news/a">Aerospace ranks second in the nation</a><p>The school is first among public ones.</p>
    <a href="/news/b">Environmental engineering earns top spot</a><p>A first in its history.</p>
    <div><p>Biomedical department climbs to the top</p><p>The department rose two places.</p>
    <a href="/news/c">Read more about Biomedical department climbs to the top</a></div>
    <div class="faq"><button>Is the ranking reliable?</button><p>Yes, broadly.</p>
    <button>Who compiles it?</button><p>A magazine.</p>
    <button>How often does it change?</button><p>Every year.</p></div>
    </section></body></html>"""
)
STORY = "\n".join(
    f"Paragraph {i} of the story about the rankings and the school." for i in range(8)
)
CARD_LINES = [  # three teaser cards as trafilatura prints them: headline, then summary
    "Aerospace ranks second in the nation",
    "The school is first among public ones.",
    "Environmental engineering earns top spot",
    "A first in its history.",
    "Biomedical department climbs to the top",
    "The department rose two places.",
]
THREE_CARDS = "\n".join(CARD_LINES)


def test_a_grid_of_teaser_cards_at_the_end_goes() -> None:
    text, removed = trim_edges(f"{STORY}\n{THREE_CARDS}", CARDS)
    assert text == STORY and len(removed) == 6


def test_two_cards_or_an_faq_of_buttons_stay() -> None:
    two = "\n".join(CARD_LINES[:4])
    assert trim_edges(f"{STORY}\n{two}", CARDS)[0] == f"{STORY}\n{two}"
    faq = (
        "Is the ranking reliable?\nYes, broadly.\nWho compiles it?\nA magazine.\n"
        "How often does it change?\nEvery year."
    )
    assert trim_edges(f"{STORY}\n{faq}", CARDS)[0] == f"{STORY}\n{faq}"


def test_one_unlinked_entry_does_not_end_a_link_list() -> None:
    page = fromstring(
        "<html><body><ul>"
        + "".join(f'<li><a href="/p{i}">Related post {i}</a></li>' for i in range(6))
        + "<li>Related post without a link</li></ul></body></html>"
    )
    items = "- Related post 0\n- Related post without a link\n"
    items += "\n".join(f"- Related post {i}" for i in range(1, 6))
    body = "\n".join(f"Paragraph {i} of a long story about ports and ships." for i in range(12))
    text, removed = trim_edges(f"{body}\n{items}", page)
    assert text == body and len(removed) == 7


def test_teasers_stay_when_the_links_below_them_are_too_long_to_be_furniture() -> None:
    page = fromstring(
        "<html><body>"
        '<a href="/a">Aerospace ranks second in the nation</a>'
        '<a href="/b">Environmental engineering earns top spot</a>'
        '<a href="/c">Biomedical department climbs to the top</a>'
        '<ul><li><a href="/r1">Related post one</a></li><li><a href="/r2">Related post two</a></li>'
        "</ul></body></html>"
    )
    links = "\n".join(["- Related post one", "- Related post two"] * 20)
    text = f"Short story.\n{THREE_CARDS}\n{links}"
    assert trim_edges(text, page) == (text, ())
    # without the long link list the same cards go
    assert trim_edges(f"{STORY}\n{THREE_CARDS}", page)[0] == STORY
