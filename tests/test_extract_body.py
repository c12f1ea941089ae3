"""Choosing between trafilatura's default and recall-mode bodies, and when to ask for both."""

from __future__ import annotations

from lxml.html import fromstring

from crawlers.extract.body import block_words, needs_second_opinion, pick_body

STORY = "\n".join(
    f"Paragraph {i} says the port authority approved the new terminal after a long debate."
    for i in range(10)
)


def test_recall_text_that_adds_to_the_default_wins() -> None:
    recall = f"{STORY}\n- The list of conditions the default mode dropped\n- And its second item"
    assert pick_body(STORY, recall) == (recall, "recall_more")


def test_recall_text_that_is_most_of_the_default_wins() -> None:
    lines = STORY.split("\n")
    default = "\n".join([*lines, "Sign up for our briefing", "Our other products and plans"])
    recall = "\n".join(lines[:8])
    assert pick_body(default, recall) == (recall, "recall_less")


def test_recall_text_about_another_block_loses() -> None:
    other = "Trending now: ten photos of the week, the weather, and a quiz about capitals."
    assert pick_body(STORY, other) == (STORY, None)
    assert pick_body(STORY, "") == (STORY, None)
    assert pick_body("", other) == (other, "recall_more")


def test_a_near_copy_keeps_the_default() -> None:
    assert pick_body(STORY, STORY + " Also.") == (STORY, None)


def test_block_words_count_outer_text_blocks_outside_navigation() -> None:
    tree = fromstring(
        "<html><body><nav><ul><li>Home page link</li></ul></nav>"
        "<article><p>One two three <b>four</b></p><ul><li>five six <p>seven</p></li></ul>"
        "<blockquote><p>eight nine</p></blockquote></article>"
        "<footer><p>Copyright words here</p></footer></body></html>"
    )
    assert block_words(tree) == 9


def test_second_opinion_only_when_sizes_disagree() -> None:
    assert not needs_second_opinion(950, 1000)
    assert needs_second_opinion(500, 1000)  # the default kept half the page's blocks
    assert needs_second_opinion(3000, 1000)  # the page keeps its text in bare divs
    assert needs_second_opinion(0, 1000) and needs_second_opinion(100, 0)
