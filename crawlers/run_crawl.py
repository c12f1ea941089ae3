"""Subprocess entry point: `python -m crawlers.run_crawl JOB.json` crawls one source.

Twisted's reactor cannot restart inside one process, so every crawl gets a fresh process; the
parent judges the crawl by the stats and fetch log written here, not by the exit code.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from crawlers.job import CrawlJob
from crawlers.settings import scrapy_settings
from crawlers.spider import NewsSpider


def main(argv: list[str] | None = None) -> int:
    """Run the crawl described by the job file and write its stats next to the fetch log."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m crawlers.run_crawl JOB.json", file=sys.stderr)
        return 2
    job = CrawlJob.load(Path(args[0]))
    process = CrawlerProcess(scrapy_settings(job))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, job=job)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    stats["geowire/peak_rss_mb"] = peak_rss_mb()
    job.stats_path.write_text(json.dumps(stats, default=str, indent=1), encoding="utf-8")
    return 0


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM belongs to the process image and starts afresh at exec; ru_maxrss (the fallback off
    Linux) can carry the parent's peak over a fork + exec and overstate ours.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)  # the value is in kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


if __name__ == "__main__":
    sys.exit(main())
