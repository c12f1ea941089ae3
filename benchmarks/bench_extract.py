"""Benchmark geowire's extraction against bare trafilatura on a corpus of pages with ground truth.

    .venv/bin/python benchmarks/bench_extract.py ../shared/corpus/wcxb-articles [--limit N]

The corpus layout is WCXB's: html/<id>.html.gz and ground-truth/<id>.json. Both extractors run in
the same process on one core, page by page, so the speeds are comparable: each page is scored
first (untimed), then timed once per extractor in alternating order.

Snippet checks ("leaks", "must-appear") ignore case, punctuation and spacing; the "(exact)" rows
compare each snippet as written (only spacing normalised), so typographic differences between the
ground truth and the page (straight against curly quotes, dashes) count as misses there.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trafilatura import bare_extraction, extract

from crawlers.extract import extract_article
from crawlers.sources import Source

WORD = re.compile(r"\w+")
CONNECTORS = {"and", "with", "by"}
CREDENTIALS = {"md", "phd", "rn", "dr", "jr", "sr", "mba", "do", "np", "rd", "ms", "ma"}
# A fixed fetch time keeps runs comparable; the corpus pages were captured in 2025-2026.
FETCHED_AT = datetime(2026, 4, 1, tzinfo=UTC)


@dataclass
class Page:
    """One corpus page and its ground truth."""

    page_id: str
    url: str
    html: bytes
    truth: dict[str, Any]


@dataclass
class Output:
    """What an extractor produced for one page, in comparable form."""

    text: str
    title: str | None
    authors: list[str]
    date: str | None  # ISO date, YYYY-MM-DD


@dataclass
class Score:
    """Accumulated metrics for one extractor."""

    f1: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    leaks: int = 0
    leaks_any: int = 0
    leaks_exact: int = 0
    without: int = 0
    found: int = 0
    found_exact: int = 0
    with_: int = 0
    title_ok: int = 0
    titles: int = 0
    author_ok: int = 0
    authors: int = 0
    date_ok: int = 0
    dates: int = 0
    seconds: float = 0.0
    pages: int = 0

    def row(self) -> dict[str, float]:
        """The metrics as rates."""

        def rate(a: int, b: int) -> float:
            return a / b if b else 0.0

        def mean(xs: list[float]) -> float:
            return sum(xs) / len(xs) if xs else 0.0

        return {
            "word F1": mean(self.f1),
            "precision": mean(self.precision),
            "recall": mean(self.recall),
            "leaks": rate(self.leaks, self.without),
            "leaks (any)": rate(self.leaks_any, self.without),
            "leaks (exact)": rate(self.leaks_exact, self.without),
            "must-appear": rate(self.found, self.with_),
            "must (exact)": rate(self.found_exact, self.with_),
            "title": rate(self.title_ok, self.titles),
            "author": rate(self.author_ok, self.authors),
            "date": rate(self.date_ok, self.dates),
            "pages/s": self.pages / self.seconds if self.seconds else 0.0,
        }


def load_corpus(directory: Path, limit: int | None = None) -> Iterator[Page]:
    """Yield corpus pages in id order."""
    for truth_path in sorted((directory / "ground-truth").glob("*.json"))[:limit]:
        page_id = truth_path.stem
        html_path = directory / "html" / f"{page_id}.html.gz"
        if not html_path.exists():
            continue
        data = json.loads(truth_path.read_text(encoding="utf-8"))
        yield Page(
            page_id, data["url"], gzip.decompress(html_path.read_bytes()), data["ground_truth"]
        )


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return WORD.findall(text.lower())


def word_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall, F1; an empty extraction scores 0."""
    pred, gold = Counter(words(predicted)), Counter(words(truth))
    if not pred or not gold:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & gold).values())
    precision, recall = overlap / sum(pred.values()), overlap / sum(gold.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def squash(text: str) -> str:
    """Case-, punctuation- and whitespace-insensitive form for snippet and title checks."""
    return " ".join(words(text))


def leaked(snippet: str, text: str, gold: str) -> bool:
    """A must-not snippet leaks when the extraction holds it more often than the true body does.

    Some `without` snippets ("Subscribe", "Resources", "Home") also occur inside the true body
    text, so a perfect extraction contains them; counting those as leaks would penalise getting
    the body right. "leaks (any)" keeps the plain definition: the snippet occurs in the text.
    All arguments are in `squash` form."""
    return text.count(snippet) > gold.count(snippet)


def _spaced(text: str) -> str:
    """The text as written, only runs of whitespace made one space (the "exact" snippet checks:
    case, punctuation and typography such as curly quotes count)."""
    return " ".join(text.split())


def author_tokens(names: list[str]) -> list[str]:
    """Name tokens without connectors and credentials ("A, MD and B" ~ ["A", "B"])."""
    return [w for name in names for w in words(name) if w not in CONNECTORS | CREDENTIALS]


def score_page(score: Score, page: Page, out: Output) -> None:
    """Add one page's results to `score`."""
    truth = page.truth
    precision, recall, f1 = word_prf(out.text, truth.get("main_content") or "")
    score.f1.append(f1)
    score.precision.append(precision)
    score.recall.append(recall)
    text = squash(out.text)
    spaced = _spaced(out.text)
    gold = squash(truth.get("main_content") or "")
    for snippet in truth.get("without") or []:
        if squash(snippet):
            score.without += 1
            score.leaks += leaked(squash(snippet), text, gold)
            score.leaks_any += squash(snippet) in text
            score.leaks_exact += _spaced(snippet) in spaced
    for snippet in truth.get("with") or []:
        if squash(snippet):
            score.with_ += 1
            score.found += squash(snippet) in text
            score.found_exact += _spaced(snippet) in spaced
    if truth.get("title"):
        score.titles += 1
        score.title_ok += squash(out.title or "") == squash(truth["title"])
    if truth.get("author"):
        score.authors += 1
        score.author_ok += author_tokens(out.authors) == author_tokens([truth["author"]])
    if truth.get("publish_date"):
        score.dates += 1
        score.date_ok += bool(out.date) and str(out.date).startswith(str(truth["publish_date"]))


def run_geowire(page: Page) -> Output:
    """geowire's extractor."""
    source = Source(name="bench", homepage=page.url, country="US", language="en", feeds=(page.url,))
    article = extract_article(page.url, page.html, FETCHED_AT, source)
    date = article.published_at.date().isoformat() if article.published_at else None
    return Output(article.text, article.title, article.authors, date)


def run_trafilatura(page: Page) -> Output:
    """Bare trafilatura: `extract` for the body, `bare_extraction` for the metadata."""
    text = extract(page.html, url=page.url, include_comments=False) or ""
    doc = bare_extraction(page.html, url=page.url, include_comments=False, with_metadata=True)
    if doc is None:
        return Output(text, None, [], None)
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Output(text, doc.title, authors, doc.date)


def time_trafilatura(page: Page) -> None:
    """What bare trafilatura needs for body and metadata: one `bare_extraction` (the speed baseline)."""
    bare_extraction(page.html, url=page.url, include_comments=False, with_metadata=True)


def timed(fn: Callable[[Page], Any], page: Page) -> tuple[Any, float]:
    """Call fn(page), return its result and the seconds it took."""
    start = time.perf_counter()
    result = fn(page)
    return result, time.perf_counter() - start


def benchmark(directory: Path, limit: int | None = None) -> dict[str, Score]:
    """Score both extractors on the corpus, then time them.

    Each page is first extracted by both for scoring (untimed), then timed once per extractor,
    in alternating order from page to page, so neither runs on a warmer cache than the other."""
    scores = {"geowire": Score(), "trafilatura": Score()}
    timers: list[tuple[str, Callable[[Page], Any]]] = [
        ("geowire", run_geowire),
        ("trafilatura", time_trafilatura),
    ]
    for number, page in enumerate(load_corpus(directory, limit)):
        score_page(scores["geowire"], page, run_geowire(page))
        score_page(scores["trafilatura"], page, run_trafilatura(page))
        for name, fn in timers if number % 2 == 0 else reversed(timers):
            _, seconds = timed(fn, page)
            scores[name].seconds += seconds
            scores[name].pages += 1
    return scores


def render(scores: dict[str, Score]) -> str:
    """A plain-text table, one column per extractor."""
    rows = {name: score.row() for name, score in scores.items()}
    names = list(rows)
    lines = [f"{'metric':<14}" + "".join(f"{n:>14}" for n in names)]
    for metric in rows[names[0]]:
        cells = []
        for name in names:
            value = rows[name][metric]
            is_rate = metric not in ("word F1", "precision", "recall", "pages/s")
            cells.append(
                f"{value:>13.1%} "
                if is_rate
                else f"{value:>14.3f}"
                if metric != "pages/s"
                else f"{value:>14.1f}"
            )
        lines.append(f"{metric:<14}" + "".join(cells))
    base, ours = rows["trafilatura"]["pages/s"], rows["geowire"]["pages/s"]
    pages = scores["geowire"].pages
    lines.append(
        f"pages: {pages}; speed ratio geowire/trafilatura: {ours / base if base else 0:.2f}x"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="directory with html/ and ground-truth/")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground-truth").is_dir():
        parser.error(f"{args.corpus}: no ground-truth/ directory (expected the WCXB layout)")
    # warm up both (py3langid's model, lazy imports) so the first page is not charged for it
    for page in load_corpus(args.corpus, 1):
        run_geowire(page)
        time_trafilatura(page)
    print(render(benchmark(args.corpus, args.limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
