"""Pure helpers of the cleaning step: titles, authors, dates, tags, boilerplate lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawlers.extract.article import PageHints
from crawlers.extract.boilerplate import clean_lines, is_boilerplate, trim_tail
from crawlers.extract.fields import (
    choose_title,
    clean_authors,
    drop_subtitle,
    language_code,
    parse_datetime,
    site_name_variants,
    split_tags,
    strip_site_name,
)

SITES = site_name_variants(["The Delhi Ledger"], "www.delhiledger.example")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Russia welcomes India’s position | The Delhi Ledger", "Russia welcomes India’s position"),
        ("Russia welcomes India’s position - The Delhi Ledger", "Russia welcomes India’s position"),
        ("Russia welcomes India’s position – Delhi Ledger", "Russia welcomes India’s position"),
        ("The Delhi Ledger: Russia welcomes India’s position", "Russia welcomes India’s position"),
        (
            "World | Russia welcomes India’s position | delhiledger.example",
            "World | Russia welcomes India’s position",
        ),
        (
            "Covid-19: what we know - and what we don't",
            "Covid-19: what we know - and what we don't",
        ),
        ("The Delhi Ledger", "The Delhi Ledger"),
    ],
)
def test_strip_site_name(raw: str, expected: str) -> None:
    assert strip_site_name(raw, SITES) == expected


def test_choose_title_prefers_the_visible_headline_when_it_agrees() -> None:
    title = choose_title(
        ["Russia welcomes India's independent position on Ukraine | The Delhi Ledger"],
        SITES,
        h1s=["The Delhi Ledger", "Russia welcomes India’s ‘independent’ position on Ukraine"],
    )
    assert title == "Russia welcomes India’s ‘independent’ position on Ukraine"


def test_choose_title_ignores_an_unrelated_h1() -> None:
    assert (
        choose_title(["Port traffic slumps"], SITES, h1s=["Latest news"]) == "Port traffic slumps"
    )


def test_choose_title_skips_the_blog_name_half_of_the_title() -> None:
    assert choose_title(["Lessons Learned: The lean startup"], set(), h1s=["Lessons Learned"]) == (
        "Lessons Learned: The lean startup"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe"], ["Jane Doe"]),
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Jane Doe, John Roe"], ["Jane Doe", "John Roe"]),
        (["Jane Doe; John Roe"], ["Jane Doe", "John Roe"]),
        (["BY JANE DOE"], ["Jane Doe"]),
        (["Jane Doe, Staff Writer"], ["Jane Doe"]),
        (["Jane Doe | Senior Correspondent"], ["Jane Doe"]),
        (["Keith Barry Senior Autos Reporter"], ["Keith Barry"]),
        (["Zackery Cuevas Writer, Hardware"], ["Zackery Cuevas"]),
        (["jane.doe@example.com Jane Doe"], ["Jane Doe"]),
        (["Jane Doe (Reuters)"], ["Jane Doe"]),
        (["By Jane Doe Updated March 3, 2025"], ["Jane Doe"]),
        (["View all posts by Ray Ansari"], ["Ray Ansari"]),
        (["Linda", "Linda McCall"], ["Linda McCall"]),
        (["jdoe"], []),
        (["Staff Reporter"], []),
        ([""], []),
    ],
)
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022-02-25T18:42:00+05:30", datetime(2022, 2, 25, 13, 12, tzinfo=UTC)),
        ("2022-02-25T18:42:00Z", datetime(2022, 2, 25, 18, 42, tzinfo=UTC)),
        ("2022-02-25T18:42:00+0530", datetime(2022, 2, 25, 13, 12, tzinfo=UTC)),
        ("2022-02-25 18:42", datetime(2022, 2, 25, 18, 42, tzinfo=UTC)),  # naive: taken as UTC
        ("2022-02-25", datetime(2022, 2, 25, tzinfo=UTC)),
        ("February 25, 2022 6:42 PM EST", datetime(2022, 2, 25, 23, 42, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
        ("1970-01-01T00:00:00Z", None),  # template default, not a publication date
        ("2031-01-01T00:00:00Z", None),  # after the fetch: wrong
    ],
)
def test_parse_datetime(raw: str, expected: datetime | None) -> None:
    assert parse_datetime(raw, latest=datetime(2026, 1, 1, tzinfo=UTC)) == expected


def test_parse_datetime_returns_utc() -> None:
    parsed = parse_datetime("2025-06-01T09:00:00-04:00")
    assert parsed is not None and parsed.tzinfo is UTC and parsed.hour == 13


def test_split_tags() -> None:
    assert split_tags(["Russia, India; Ukraine crisis|russia", "#Defence", "  "]) == [
        "Russia",
        "India",
        "Ukraine crisis",
        "Defence",
    ]


def test_language_code() -> None:
    assert language_code("en-US") == "en"
    assert language_code("FR_fr") == "fr"
    assert language_code("english") is None
    assert language_code(None) is None


@pytest.mark.parametrize(
    "line",
    [
        "Share this post",
        "Share on Facebook",
        "SHARE THIS ARTICLE",
        "Facebook Twitter LinkedIn Email",
        "Image courtesy of (Photo courtesy:",
        "(Photo courtesy: PTI)",
        "Photo: Reuters",
        "File photo",
        "File photo of the parliament building in New Delhi.",
        "Photo credit: Jane Doe/AP",
        "Getty Images",
        "Sign up for our newsletter",
        "Subscribe to our daily briefing and get the news in your inbox",
        "Read more: India abstains on UN vote over Ukraine",
        "Related: India abstains on UN vote over Ukraine",
        "ALSO READ | India abstains on UN vote",
        "Read more",
        "We use cookies to improve your experience. By continuing to browse you accept our cookie policy.",
        "Advertisement",
        "Story continues below advertisement",
        "© 2026 The Delhi Ledger. All rights reserved.",
        "Subscribe to keep reading",
        "Medically reviewed by Dr Jane Doe, MD, Editor in Chief",
        "Peer reviewed by Dr Colin Tidy, MRCGPLast updated by Victoria Raw",
        "Back to contents",
    ],
)
def test_boilerplate_lines_are_removed(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The company said it would share the data with regulators next month.",
        "Share prices fell 4% after the announcement.",
        "Photos from the scene showed the destruction of several buildings in the old town.",
        "Copyright law in the EU has changed a great deal over the past decade.",
        "Related parties must disclose the transactions under the new rules.",
        "Watch the markets closely, analysts said on Friday.",
        "Cookies and other sweets were handed out at the rally.",
        "He said the image of the country had suffered abroad.",
        "New Delhi: Russia welcomed India’s “independent position” on the Ukraine crisis.",
        "Readers who subscribe to the print edition will receive the magazine on Monday.",
        "The plan was reviewed by the committee in March and approved without changes.",
    ],
)
def test_real_sentences_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_clean_lines_keeps_order_and_reports_removed() -> None:
    result = clean_lines("First paragraph.\nShare this post\n\nSecond paragraph.\nAdvertisement")
    assert result.text == "First paragraph.\nSecond paragraph."
    assert result.removed == ("Share this post", "Advertisement")


# --- titles, authors, dates and text edges (issue #4) -----------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Setting up an aquarium - A step by step guide", "Setting up an aquarium"),
        ("My Debt-Free Journey | Part 1", "My Debt-Free Journey"),
        (
            "The Next Frontier in Climate Tech is Invisible — And It’s AQ",
            "The Next Frontier in Climate Tech is Invisible — And It’s AQ",
        ),
        ("Covid-19: what we know", "Covid-19: what we know"),
        ("Pulse - Issue 4", "Pulse - Issue 4"),  # a one-word head is no headline
    ],
)
def test_drop_subtitle(raw: str, expected: str) -> None:
    assert drop_subtitle(raw) == expected


def test_choose_title_takes_the_declared_title_that_extends_the_h1() -> None:
    assert (
        choose_title(
            ["How Much Do SEO Agencies Charge? 2025 Costs of SEO Companies"],
            set(),
            h1s=["How Much Do SEO Agencies Charge?"],
        )
        == "How Much Do SEO Agencies Charge? 2025 Costs of SEO Companies"
    )
    assert (
        choose_title(
            ["Enterprise Cloud Storage"],
            set(),
            h1s=["Enterprise Cloud Storage: The Ultimate Guide"],
        )
        == "Enterprise Cloud Storage"
    )


def test_choose_title_a_long_description_half_does_not_make_the_h1_a_blog_name() -> None:
    description = "I travel slowly and live simply, " * 6
    assert (
        choose_title(
            [f"Sustainable Clothing Brands | {description}"],
            set(),
            h1s=["Sustainable Clothing Brands"],
        )
        == "Sustainable Clothing Brands"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["Vlad SolomakhaNov 12, 2025"], ["Vlad Solomakha"]),
        (
            ["Julie Weisenhorn; Natalie Hoidal; Extension horticulture educators"],
            ["Julie Weisenhorn", "Natalie Hoidal"],
        ),
        (["by Stephen Bay in Growth"], ["Stephen Bay"]),
        (["Matthew Richardson ⋅ Review Editor"], ["Matthew Richardson"]),
        (["By Dr. Ang Xiao, PhD and Jessica Pan, MPH"], ["Dr. Ang Xiao", "Jessica Pan"]),
        (["Ludwig van Beethoven"], ["Ludwig van Beethoven"]),
        (["Author Tracey Bible Your Part-Time Controller"], ["Tracey Bible"]),
    ],
)
def test_clean_authors_more(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("May 23, 2025", datetime(2025, 5, 23, tzinfo=UTC)),
        ("3 Sept 2024", datetime(2024, 9, 3, tzinfo=UTC)),
        ("Dec. 8th, 2019", datetime(2019, 12, 8, tzinfo=UTC)),
        ("November 2015", datetime(2015, 11, 1, tzinfo=UTC)),
    ],
)
def test_parse_printed_dates(raw: str, expected: datetime) -> None:
    assert parse_datetime(raw) == expected


def test_trim_tail_cuts_the_author_box_and_reading_lists() -> None:
    body = "\n".join(f"Paragraph {i} of the article says something useful here." for i in range(20))
    text, removed = trim_tail(f"{body}\nAbout the Author\nJane Doe writes about ports.")
    assert text == body and removed == ("About the Author", "Jane Doe writes about ports.")
    text, removed = trim_tail(f"{body}\nJane Doe\nJane covers shipping.", ["Jane Doe"])
    assert text == body and removed[0] == "Jane Doe"


def test_trim_tail_keeps_a_heading_in_the_middle() -> None:
    body = "\n".join(f"Paragraph {i} of the article says something useful here." for i in range(20))
    text = f"Further reading\n{body}"
    assert trim_tail(text) == (text, ())


def _tree(body: str, head: str = ""):
    from trafilatura.utils import load_html

    return load_html(f"<html><head>{head}</head><body>{body}</body></html>")


def test_meta_reads_the_written_by_card_and_skips_comment_authors() -> None:
    from crawlers.extract.structured import read_page_meta

    meta = read_page_meta(
        _tree(
            '<ol class="comment-list"><li><span itemprop="author">Linda</span></li></ol>',
            '<meta name="twitter:label1" content="Written by">'
            '<meta name="twitter:data1" content="Nawaz Dhandala">',
        )
    )
    assert meta.meta_authors == ["Nawaz Dhandala"]


def test_visible_dates_read_labels_in_sibling_elements_and_nearest_first() -> None:
    from crawlers.extract.structured import visible_dates

    tree = _tree(
        "<aside><span>Mar 13, 2026</span>" + "<i>x</i>" * 10 + "</aside><h1>Headline</h1>"
        "<p><span>Last updated on:</span> <span>November 29, 2025</span></p>"
        "<p><span>Published:</span> <span>October 29, 2024</span></p>"
    )
    assert visible_dates(tree) == (["October 29, 2024", "Mar 13, 2026"], ["November 29, 2025"])


def test_visible_byline_after_a_date_element() -> None:
    from crawlers.extract.structured import visible_bylines

    tree = _tree(
        '<h1>T</h1><p><time datetime="2019-12-08">Dec 08, 2019</time> by Stephen Bay in '
        "<a>Growth</a></p>"
    )
    assert clean_authors(visible_bylines(tree)) == ["Stephen Bay"]


def test_double_encoded_utf8_is_repaired() -> None:
    from crawlers.extract.decode import decode_html

    assert decode_html("more manageable\u00e2\u0080\u0094work".encode()) == "more manageable—work"
    assert (
        decode_html("Caf\u00e9 \u00c3\u00a9t\u00c3\u00a9".encode()) == "Café Ã©tÃ©"
    )  # no C1: leave


def test_visible_byline_link_beats_a_quotation_credit() -> None:
    from crawlers.extract.structured import visible_bylines

    tree = _tree(
        '<h1>T</h1><p>Posted by <a href="/author/chris-romans/">Chris Romans</a></p>'
        "<blockquote>Photography is more than a medium.</blockquote><p>by Ansel Adams.</p>"
    )
    assert clean_authors(visible_bylines(tree)) == ["Chris Romans"]


def test_title_h2_headline_beats_a_section_h1_echoed_by_trafilatura() -> None:
    from crawlers.extract.pipeline import _title
    from crawlers.extract.structured import PageMeta

    meta = PageMeta(
        html_title="SoundStage! Xperience | SoundStageXperience.com - The Five Best Headphones",
        h1s=["Pulse!"],
        h2s=["The Five Best Headphones"],
    )
    sites = site_name_variants([], "www.soundstagexperience.com")
    assert _title(meta, "Pulse!", PageHints(), sites) == "The Five Best Headphones"
    # a lone <h1> that is the headline keeps trafilatura's vote against an unrelated <title>
    meta = PageMeta(html_title="Integralist", h1s=["Rust Ownership and Lifetimes"], h2s=["Stack"])
    assert _title(meta, "Rust Ownership and Lifetimes", PageHints(), sites) == (
        "Rust Ownership and Lifetimes"
    )


def test_choose_title_takes_the_h1_when_declared_titles_disagree() -> None:
    # og:title and <title> are two SEO variants: neither outranks the visible headline
    assert (
        choose_title(
            [
                "5 Dentist-Backed Toothbrushes For Easier Brushing",
                "The 5 Best Toothbrushes, Tested",
            ],
            set(),
            h1s=["After Testing Over 40 Toothbrushes, These Are the Best"],
        )
        == "After Testing Over 40 Toothbrushes, These Are the Best"
    )
    # when they agree, an unrelated <h1> still loses
    assert (
        choose_title(
            ["Port traffic slumps", "Port traffic slumps"], SITES, h1s=["Latest news from the port"]
        )
        == "Port traffic slumps"
    )


def test_choose_title_extends_the_h1_past_a_leading_article() -> None:
    assert (
        choose_title(
            ["The 5 Best Cloud Storage Providers for your Business"],
            set(),
            h1s=["5 Best Cloud Storage Providers"],
        )
        == "The 5 Best Cloud Storage Providers for your Business"
    )


def test_trim_tail_cuts_an_author_box_named_with_credentials() -> None:
    body = "\n".join(
        f"Paragraph {i} about sleep training and what parents report." for i in range(12)
    )
    text = f"{body}\nAngela Holliday-Bell, MD*\nAngela is a board-certified pediatrician.\nSchedule Online"
    kept, removed = trim_tail(text, ["Angela Holliday-Bell"])
    assert kept == body and removed[0] == "Angela Holliday-Bell, MD*"


def test_the_repeated_headline_goes_with_its_kicker() -> None:
    from crawlers.extract.pipeline import _drop_leading_title

    body = "So you want to learn how to sew.\nStart with a tote bag."
    title = "28 Beginner Sewing Projects"
    assert _drop_leading_title(f"threadWEAR 301\n{title}\n{body}", title) == body
    assert _drop_leading_title(f"May 23, 2025\nBlog Post\n{title}\n{body}", title) == body
    # a sentence above the headline is body text: nothing goes
    text = f"This is the opening sentence of the piece.\n{title}\n{body}"
    assert _drop_leading_title(text, title) == text


def test_authors_are_people_not_affiliations_or_dated_outlets() -> None:
    from crawlers.extract.pipeline import _is_dated_outlet, _people_first

    assert _people_first(["Dr. Ang Xiao", "Jessica Pan", "SandboxAQ"]) == [
        "Dr. Ang Xiao",
        "Jessica Pan",
    ]
    assert _people_first(["Amalia Helen", "Nature Tech Collective"]) == ["Amalia Helen"]
    assert _people_first(["Reuters"]) == ["Reuters"]  # no person named: the organisation stays
    assert _is_dated_outlet("MCJ May", {"mcj"}) is True
    assert _is_dated_outlet("Theresa May", {"mcj"}) is False


def test_trim_tail_cuts_a_more_from_the_outlet_block() -> None:
    body = "\n".join(
        f"Paragraph {i} on tanker insurance in the Gulf this month." for i in range(12)
    )
    text = f"{body}\nMore from Strait Dispatch\nContainer lines return to Suez.\nCables draw attention."
    kept, removed = trim_tail(text)
    assert kept == body and removed[0] == "More from Strait Dispatch"
