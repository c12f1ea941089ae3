"""DOM furniture pruning before trafilatura: call-to-action, sign-up, promo and disclosure boxes."""

from __future__ import annotations

from trafilatura.utils import load_html

from benchmarks.bench_extract import leaked, squash
from crawlers.extract.prune import prune_furniture

PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the story explains what the port authority decided this week.</p>"
    for i in range(12)
)


def _texts(html: str) -> str:
    tree = load_html(f"<html><body>{html}</body></html>")
    prune_furniture(tree)
    return " ".join(tree.xpath("//body")[0].text_content().split())


def test_furniture_boxes_inside_the_article_are_dropped() -> None:
    text = _texts(
        f'<article class="entry-content"><h1>Port deal</h1>{PARAGRAPHS}'
        '<div class="subscribe_wrap"><p>Security insights right into your inbox</p></div>'
        '<section class="cta-section bottom-promo"><h2>Become a Money Boss</h2></section>'
        '<div class="marketing-blog-post-lead-magnet"><p>Download a free workbook</p></div>'
        '<p class="footnote dcom-c-disclosure">NOT FDIC INSURED</p>'
        '<div id="right-rail-ad-bottom"><p>Copyright 2026</p></div></article>'
    )
    assert "Paragraph 11" in text and "Port deal" in text
    for furniture in ("inbox", "Money Boss", "workbook", "FDIC", "Copyright"):
        assert furniture not in text


def test_names_that_only_contain_a_token_are_kept() -> None:
    text = _texts(
        f'<div class="promotional-calendar">{PARAGRAPHS}</div>'
        '<div class="railway-news"><p>Trains run late.</p></div>'
        '<div class="toc-container"><p>Contents</p></div>'
        '<div class="author-box"><p>Jane Doe writes about ports.</p></div>'
    )
    assert "Paragraph 0" in text and "Trains run late" in text
    assert "Contents" in text and "Jane Doe" in text


def test_a_box_holding_the_headline_or_most_of_the_text_is_kept() -> None:
    text = _texts(f'<div class="modal-wrapper"><h1>Port deal</h1><p>Short.</p></div>{PARAGRAPHS}')
    assert "Port deal" in text
    text = _texts(f'<div class="promo-layout">{PARAGRAPHS}</div>')
    assert "Paragraph 5" in text


def test_a_snippet_leaks_only_beyond_its_occurrences_in_the_true_body() -> None:
    gold = squash("Our resources page lists every port. Subscribe to the ledger.")
    assert not leaked(squash("Subscribe"), squash("Subscribe to the ledger."), gold)
    assert leaked(squash("Subscribe"), squash("Subscribe. Subscribe to the ledger."), gold)
    assert leaked(squash("Next Steps"), squash("Body text. Next Steps"), gold)


def test_small_cta_boxes_go_but_a_cta_named_column_stays() -> None:
    text = _texts(
        f"<article>{PARAGRAPHS * 3}"
        '<div class="hl-block-cta"><h2>Engage more customers with our platform.</h2></div></article>'
    )
    assert "Paragraph 11" in text and "Engage more" not in text
    text = _texts(f'<div class="cta-column">{PARAGRAPHS}</div>')
    assert "Paragraph 5" in text
