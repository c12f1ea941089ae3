"""Print micro precision/recall of country mentions on the labelled evaluation set."""

from __future__ import annotations

import sys
from pathlib import Path

from crawlers.enrich.evaluate import load_eval, score_countries

DEFAULT = Path(__file__).resolve().parents[1] / "tests/data/enrich/countries_eval.jsonl"


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else DEFAULT
    rows = load_eval(path)
    scores = score_countries(rows)
    print(
        f"passages: {len(rows)}  labelled countries: {scores.true_positives + scores.false_negatives}"
    )
    print(f"tp={scores.true_positives} fp={scores.false_positives} fn={scores.false_negatives}")
    print(f"precision={scores.precision:.3f} recall={scores.recall:.3f}")
    for text, extra, missed in scores.errors:
        print(f"  extra={extra} missed={missed}: {text[:90]}")


if __name__ == "__main__":
    main(sys.argv[1:])
