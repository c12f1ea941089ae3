"""Time enrich() per article over the ground-truth texts of a WCXB-style corpus.

    .venv/bin/python benchmarks/bench_enrich.py ../shared/corpus/wcxb-articles [--repeat N]

Reads ground-truth/<id>.json (ground_truth.main_content, title, author), runs enrich() on each
text on one core after one warm-up pass, and prints the mean and p95 time per article, per
600 words, and per component.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawlers.enrich import enrich, mentions, parse_dateline, quotes, wire_credits


def load(corpus: Path) -> list[tuple[str, str | None, list[str]]]:
    docs = []
    for path in sorted((corpus / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        author = truth.get("author")
        authors = author if isinstance(author, list) else [author] if author else []
        docs.append((truth.get("main_content") or "", truth.get("title"), authors))
    return docs


def timings(
    docs: list[tuple[str, str | None, list[str]]], fn: Callable[..., Any], repeat: int
) -> list[float]:
    """Best-of-``repeat`` milliseconds per document."""
    out = []
    for text, title, authors in docs:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn(text, title, authors)
            best = min(best, time.perf_counter() - start)
        out.append(best * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    docs = load(args.corpus)
    words = [len(text.split()) for text, _, _ in docs]
    timings(docs, enrich, 1)  # warm-up

    total = timings(docs, enrich, args.repeat)
    per600 = [t * 600 / max(w, 1) for t, w in zip(total, words, strict=True)]
    print(f"articles: {len(docs)}  words: mean {statistics.mean(words):.0f}, max {max(words)}")
    print(
        f"enrich():        mean {statistics.mean(total):.3f} ms  p95 {p95(total):.3f} ms  max {max(total):.3f} ms"
    )
    print(f"per 600 words:   mean {statistics.mean(per600):.3f} ms  p95 {p95(per600):.3f} ms")
    parts: dict[str, Callable[..., Any]] = {
        "countries": lambda text, title, _: mentions(text, title),
        "dateline": lambda text, _t, _a: parse_dateline(text),
        "wire": lambda text, _t, authors: wire_credits(text, authors),
        "quotes": lambda text, _t, _a: quotes(text),
    }
    for name, fn in parts.items():
        t = timings(docs, fn, args.repeat)
        print(f"  {name:<10} mean {statistics.mean(t):.3f} ms  p95 {p95(t):.3f} ms")


if __name__ == "__main__":
    main()
