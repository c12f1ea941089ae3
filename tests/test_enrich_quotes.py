"""Quotations and speakers, with the seed article as the acceptance case."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.enrich.quotes import quotes

SEED = (Path(__file__).parent / "data/enrich/russia-india-article.txt").read_text(encoding="utf-8")


def test_seed_quotations_all_attributed_to_babushkin() -> None:
    found = quotes(SEED)
    assert [q.text[:20] for q in found] == [
        "We welcome the indep",
        "The Indian activitie",
        "We keep in mind the ",
        "Our cooperation does",
    ]
    assert {q.speaker for q in found} == {"Roman Babushkin"}
    for q in found:
        assert SEED[q.start_offset] == "“"
        assert SEED.startswith(q.text, q.start_offset + 1)


def test_seed_scare_quotes_are_not_quotations() -> None:
    texts = " ".join(q.text for q in quotes(SEED))
    assert "restraint on all sides" not in texts
    assert all(q.text not in {"huge", "independent position", "threaten"} for q in quotes(SEED))


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            '"We will not accept any ultimatum," said Roman Babushkin, Russian Deputy Chief of Mission.',
            "Roman Babushkin",
        ),
        (
            'Foreign Minister Sergei Lavrov spoke. "The West has lost its sense of reality," Lavrov told reporters.',
            "Sergei Lavrov",
        ),
        (
            'German Chancellor Olaf Scholz said: "We stand with Ukraine for as long as it takes."',
            "Olaf Scholz",
        ),
        (
            "Prime Minister Narendra Modi spoke. “This is not an era of war,” he added.",
            "Narendra Modi",
        ),
        (
            "“Sanctions are not working at all,” according to Hungarian Prime Minister Viktor Orban.",
            "Viktor Orban",
        ),
        (
            "Secretary of State Antony Blinken arrived. 'We are deeply concerned,' Mr Blinken said.",
            "Antony Blinken",
        ),
        ('"Our patience has limits," the foreign ministry said.', "the foreign ministry"),
    ],
)
def test_speakers(text: str, speaker: str) -> None:
    (quote,) = quotes(text)
    assert quote.speaker == speaker


def test_continuation_quote_keeps_speaker() -> None:
    text = 'Prime Minister Narendra Modi spoke. "This is not an era of war," he said. "Dialogue is the only way."'
    assert [q.speaker for q in quotes(text)] == ["Narendra Modi", "Narendra Modi"]


def test_unattributed_quote_has_no_speaker() -> None:
    (quote,) = quotes('The banner read "No more war in Europe."')
    assert quote.speaker is None


def test_short_and_fragment_quotes_are_skipped() -> None:
    assert (
        quotes(
            "Critics called it a ‘sham’ and an “independent position” with “restraint on all sides”."
        )
        == []
    )
