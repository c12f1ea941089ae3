"""Micro precision and recall of country mentions against a labelled JSONL set."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawlers.enrich.countries import mentions


@dataclass
class CountryScores:
    """Micro-averaged scores over the set of countries per passage, with the misses listed."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def load_eval(path: Path) -> list[dict[str, object]]:
    """Rows of ``{"text": ..., "countries": [alpha2, ...]}``."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_countries(rows: Iterable[dict[str, object]]) -> CountryScores:
    """Compare the countries found in each row's text with its labels."""
    scores = CountryScores()
    for row in rows:
        text = str(row["text"])
        expected = set(row["countries"])  # type: ignore[call-overload]
        found = {m.alpha2 for m in mentions(text)}
        scores.true_positives += len(found & expected)
        scores.false_positives += len(found - expected)
        scores.false_negatives += len(expected - found)
        if found != expected:
            scores.errors.append((text, sorted(found - expected), sorted(expected - found)))
    return scores
