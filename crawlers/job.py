"""The crawl job: everything one source's crawl subprocess needs, as a JSON file.

The flow writes a job, the subprocess reads it; no live object crosses the process boundary.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawlers.sources import Source


@dataclass(frozen=True)
class CrawlLimits:
    """Bounds that keep one source's crawl finite on any server."""

    download_timeout_s: float = 30.0
    max_page_bytes: int = 10 * 1024 * 1024
    # Feeds and sitemaps may be bigger than pages: the sitemap protocol allows 50 MB uncompressed.
    max_document_bytes: int = 50 * 1024 * 1024
    crawl_timeout_s: float = 900.0
    max_sitemaps: int = 20
    retry_times: int = 2
    # A 429/503's Retry-After is waited for up to this long; a longer one is not retried at all.
    max_retry_after_s: float = 30.0
    polite: bool = True  # robots.txt is always obeyed; this switches delays and AutoThrottle


@dataclass(frozen=True)
class CrawlJob:
    """One source's crawl in one run, with the incremental state taken from the warehouse."""

    run_id: str
    source: Source
    out_dir: Path
    warc_path: Path
    limits: CrawlLimits = CrawlLimits()
    known_urls_file: Path | None = None
    revisit_urls: tuple[str, ...] = ()
    validators: dict[str, dict[str, Any]] = field(default_factory=dict)
    user_agent: str = "geowire/0.1 (news research crawler; +https://github.com/geowire/geowire)"

    @property
    def fetch_log_path(self) -> Path:
        """JSONL fetch log written by the crawl."""
        return self.out_dir / "fetches.jsonl"

    @property
    def announced_path(self) -> Path:
        """JSONL of what feeds and sitemaps said about each page they listed."""
        return self.out_dir / "announced.jsonl"

    @property
    def stats_path(self) -> Path:
        """Scrapy stats written when the crawl closes."""
        return self.out_dir / "stats.json"

    @property
    def log_path(self) -> Path:
        """Scrapy's own log for this crawl."""
        return self.out_dir / "crawl.log"

    def save(self, path: Path) -> None:
        """Write the job as JSON."""
        data = asdict(self)
        data["source"] = self.source.to_dict()
        data["revisit_urls"] = list(self.revisit_urls)
        path.write_text(json.dumps(data, default=str, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CrawlJob:
        """Read a job written by `save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            run_id=data["run_id"],
            source=Source.from_dict(data["source"]),
            out_dir=Path(data["out_dir"]),
            warc_path=Path(data["warc_path"]),
            limits=CrawlLimits(**data["limits"]),
            known_urls_file=Path(data["known_urls_file"]) if data["known_urls_file"] else None,
            revisit_urls=tuple(data["revisit_urls"]),
            validators=data["validators"],
            user_agent=data["user_agent"],
        )
