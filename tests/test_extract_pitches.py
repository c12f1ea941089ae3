"""Reader pitches and author bios at the start and the end of a text."""

from __future__ import annotations

from crawlers.extract.pitches import trim_pitches

BODY = [
    f"Paragraph {i}: the ministers met in Geneva and agreed on a timetable for talks."
    for i in range(12)
]


def test_newsletter_welcome_and_subscribe_prompts_at_the_start_go() -> None:
    text = "\n".join(
        [
            "Welcome to The Climate Letter — a weekly magazine where founders meet investors.",
            "If you haven't subscribed, join here:",
            *BODY,
        ]
    )
    kept, removed = trim_pitches(text)
    assert kept == "\n".join(BODY)
    assert len(removed) == 2


def test_closing_pitches_go_with_their_heading() -> None:
    text = "\n".join(
        [
            *BODY,
            "Would you rather have someone help you with investing?",
            "I offer complimentary 15-minute consultations for new clients.",
            "Click the link below to schedule your consultation.",
            "If you were forwarded this newsletter, you can subscribe by clicking here.",
            "Get $10 off your first order with code: TRYNOW",
        ]
    )
    kept, removed = trim_pitches(text)
    assert kept == "\n".join(BODY)
    assert removed[0].startswith("Would you rather")


def test_the_same_words_in_the_middle_stay() -> None:
    middle = "Officials said citizens should subscribe to alerts; email us at the desk, they added."
    text = "\n".join([*BODY[:6], middle, *BODY[6:]])
    assert trim_pitches(text) == (text, ())


def test_a_bio_at_the_top_goes_but_one_at_the_end_stays() -> None:
    bio = "Jane Doe is a writer who has covered diplomacy for a decade."
    kept, removed = trim_pitches("\n".join([bio, *BODY]), ["Jane Doe"])
    assert (kept, removed) == ("\n".join(BODY), (bio,))
    closing = "\n".join([*BODY, "Jane Doe is a senior fellow at the Institute."])
    assert trim_pitches(closing, ["Jane Doe"]) == (closing, ())


def test_never_more_than_half_the_text() -> None:
    text = "\n".join(
        ["Subscribe to our newsletter for more.", "Short.", "Email us at desk@x.org", "Ok."]
    )
    assert trim_pitches(text) == (text, ())
