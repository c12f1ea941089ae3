"""Rewrite the expected article JSON next to each golden page; review the diff before committing.

.venv/bin/python tests/golden/regenerate.py            # all pages
.venv/bin/python tests/golden/regenerate.py app-shell  # some pages
"""

from __future__ import annotations

import gzip
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))

from crawlers.extract import PageHints, extract_article  # noqa: E402
from crawlers.sources import Source, load_sources  # noqa: E402

PAGES = HERE / "pages"


def load_cases() -> dict[str, dict[str, Any]]:
    """The golden cases: page name -> url, source, fetch time, discovery hints."""
    return json.loads((HERE / "cases.json").read_text(encoding="utf-8"))


def sources() -> dict[str, Source]:
    """The fixture outlets, by name."""
    return {s.name: s for s in load_sources(HERE / "sources.toml")}


def extract_case(name: str, case: dict[str, Any]) -> dict[str, Any]:
    """Run the extractor on one golden page and return its record as JSON-ready data."""
    raw_hints = dict(case.get("hints") or {})
    if raw_hints.get("published_at"):
        raw_hints["published_at"] = datetime.fromisoformat(raw_hints["published_at"])
    raw_hints["authors"] = tuple(raw_hints.get("authors", ()))
    article = extract_article(
        case["url"],
        gzip.decompress((PAGES / f"{name}.html.gz").read_bytes()),
        datetime.fromisoformat(case["fetched_at"]),
        sources()[case["source"]],
        PageHints(**raw_hints),
    )
    return json.loads(json.dumps(article.to_record(), default=_iso, ensure_ascii=False))


def expected_path(name: str) -> Path:
    """Where the expected JSON of a golden page lives."""
    return PAGES / f"{name}.json"


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")


def main(names: list[str]) -> int:
    """Regenerate the named cases (all when none given)."""
    cases = load_cases()
    for name in names or sorted(cases):
        record = extract_case(name, cases[name])
        path = expected_path(name)
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
