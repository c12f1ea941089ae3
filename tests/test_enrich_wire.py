"""Datelines, wire credits and near-duplicate clustering."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.enrich.dateline import Dateline, parse_dateline
from crawlers.enrich.neardup import cluster, minhash_signature
from crawlers.enrich.wire import wire_credits

DATA = Path(__file__).parent / "data/enrich"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NEW DELHI: India said", Dateline("NEW DELHI", "IN", None, None)),
        ("New Delhi: Russia welcomed", Dateline("New Delhi", "IN", None, None)),
        ("KYIV, March 3 (Reuters) - Ukraine", Dateline("KYIV", "UA", "March 3", "Reuters")),
        ("New Delhi [India], Feb 25 (ANI): The", Dateline("New Delhi", "IN", "Feb 25", "ANI")),
        ("WASHINGTON (AP) — The Senate", Dateline("WASHINGTON", "US", None, "Associated Press")),
        ("BEIJING, Nov. 3 (Xinhua) -- China", Dateline("BEIJING", "CN", "Nov. 3", "Xinhua")),
        ("Nairobi, Feb 25 (AFP): Kenya", Dateline("Nairobi", "KE", "Feb 25", "AFP")),
        ("MUMBAI, India — The index", Dateline("MUMBAI", "IN", None, None)),
        ("SAN FRANCISCO — Tech firms", Dateline("SAN FRANCISCO", None, None, None)),
    ],
)
def test_parse_dateline(text: str, expected: Dateline) -> None:
    assert parse_dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Russia welcomed India's stance - officials said",
        "Exclusive: Russia plans talks",
        "UPDATE 2-Oil rises",
        "",
    ],
)
def test_no_dateline(text: str) -> None:
    assert parse_dateline(text) is None


def test_seed_dateline_after_headline() -> None:
    seed = (DATA / "russia-india-article.txt").read_text(encoding="utf-8")
    assert parse_dateline(seed) == Dateline("New Delhi", "IN", None, None)


@pytest.mark.parametrize(
    ("text", "authors", "expected"),
    [
        ("KYIV (Reuters) - Text.", [], ["Reuters"]),
        ("Text.\n(Reporting by Tom Balmforth; Editing by Alex Richardson)", [], ["Reuters"]),
        ("Text.\n\nWith inputs from PTI", [], ["PTI"]),
        ("Text.\n— AFP", [], ["AFP"]),
        ("Text.", ["Press Trust of India"], ["PTI"]),
        ("Text.", ["Jane Doe | Reuters"], ["Reuters"]),
        ("© 2025 The Associated Press. All rights reserved.", [], ["Associated Press"]),
        (
            "SEOUL, Nov 3 (Yonhap) -- Text. (With additional reporting from AFP)",
            [],
            ["Yonhap", "AFP"],
        ),
        ("The ap style guide and tass-like words.", [], []),
        ("Yonhap reported the launch, citing TASS and AP.", [], []),
        ("Text.", ["Lusa Smith"], []),
    ],
)
def test_wire_credits(text: str, authors: list[str], expected: list[str]) -> None:
    assert wire_credits(text, authors) == expected


def _edit(text: str) -> str:
    """A light rewrite as outlets do with wire copy: no dateline, a word changed, a line added."""
    body = text.split(" - ", 1)[1]
    body = body.replace("diplomats said", "EU diplomats said").replace("rejected", "dismissed")
    return body + "\n\nThe Hungarian government did not respond to a request for comment."


def test_cluster_groups_wire_copies_and_marks_earliest() -> None:
    wire = (DATA / "wire_story.txt").read_text(encoding="utf-8")
    seed = (DATA / "russia-india-article.txt").read_text(encoding="utf-8")
    t = datetime(2025, 6, 12, 9, tzinfo=UTC)
    result = cluster(
        [
            ("copy-1", _edit(wire), t.replace(hour=11)),
            ("wire", wire, t),
            ("copy-2", wire.replace("Thursday", "Thursday evening"), t.replace(hour=10)),
            ("seed", seed, t),
            ("undated", "A short unrelated note about the weather in Lisbon this week.", None),
        ]
    )
    assert result["wire"] == ("wire", True)
    assert result["copy-1"] == ("wire", False)
    assert result["copy-2"] == ("wire", False)
    assert result["seed"] == ("seed", True)
    assert result["undated"] == ("undated", True)


def test_signature_is_stable() -> None:
    text = "one two three four five six seven"
    assert minhash_signature(text) == minhash_signature(text)
    assert (
        minhash_signature(text).jaccard(minhash_signature("entirely different words here now"))
        < 0.2
    )
