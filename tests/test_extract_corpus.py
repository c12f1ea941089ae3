"""Extraction quality on the shared corpus of real pages (skipped when the corpus is absent).

Floors sit a few points under the measured values (see benchmarks/bench_extract.py) so a real
regression fails here; raise them when the extractor improves.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.bench_extract import FETCHED_AT, Output, Score, load_corpus, score_page
from crawlers.extract import extract_article
from crawlers.sources import Source

CORPUS = Path(
    os.environ.get(
        "GEOWIRE_CORPUS", Path(__file__).resolve().parents[2] / "shared/corpus/wcxb-articles"
    )
)

FLOORS = {  # measured 2026.11.4: F1 0.958, must-appear 96.7%, title 91.1%, author 88.6%, date 93.1%
    "word F1": 0.948,
    "must-appear": 0.94,
    "title": 0.89,
    "author": 0.86,
    "date": 0.90,
}
# "leaks" counts a must-not snippet only beyond its occurrences in the true body (see
# benchmarks/bench_extract.py `leaked`); "leaks (any)" is the plain containment rate
LEAK_CEILING = 0.054  # measured 4.1%
LEAK_ANY_CEILING = 0.079  # measured 6.4%
ARTICLE_RATE_FLOOR = 0.97

pytestmark = pytest.mark.skipif(
    not (CORPUS / "ground-truth").is_dir(),
    reason=f"corpus not found at {CORPUS} (set GEOWIRE_CORPUS to the wcxb-articles directory)",
)


@pytest.fixture(scope="module")
def corpus_run() -> tuple[dict[str, float], float]:
    score = Score()
    articles = 0
    for page in load_corpus(CORPUS):
        source = Source(
            name="corpus", homepage=page.url, country="US", language="en", feeds=(page.url,)
        )
        article = extract_article(page.url, page.html, FETCHED_AT, source)
        date = article.published_at.date().isoformat() if article.published_at else None
        score_page(score, page, Output(article.text, article.title, article.authors, date))
        articles += article.is_article
    assert score.f1, "the corpus directory holds no pages"
    return score.row(), articles / len(score.f1)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_quality_floor(corpus_run: tuple[dict[str, float], float], metric: str) -> None:
    row, _ = corpus_run
    assert row[metric] >= FLOORS[metric], f"{metric} {row[metric]:.3f} fell under {FLOORS[metric]}"


def test_leak_ceiling(corpus_run: tuple[dict[str, float], float]) -> None:
    row, _ = corpus_run
    assert row["leaks"] <= LEAK_CEILING
    assert row["leaks (any)"] <= LEAK_ANY_CEILING


def test_real_articles_are_recognised(corpus_run: tuple[dict[str, float], float]) -> None:
    _, rate = corpus_run
    assert rate >= ARTICLE_RATE_FLOOR
