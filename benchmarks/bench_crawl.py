"""Crawl throughput: geowire's crawl (WARC + fetch log) beside plain Scrapy, on a local site.

    .venv/bin/python benchmarks/bench_crawl.py [--articles 2000] [--dir /tmp/geowire-crawl]

Serves benchmarks/site.py (one outlet per host, 127.0.0.20-23) and, in the same run:
1. geowire: `crawlers.crawl.run_crawl` per host, all hosts in parallel (as the flow does), with
   `CrawlLimits(polite=False)`: robots.txt, feed, sitemaps, section page, then every article,
   each response written to WARC and the fetch log;
2. plain Scrapy: a minimal spider (no robots, no discovery, a callback that does nothing) given
   the same article URLs, one subprocess per host in parallel, with the same concurrency;
3. plain Scrapy again as one subprocess for all hosts.
Pages/s counts article pages fetched over wall time from first process start to last exit.
Target: geowire >= 80% of plain Scrapy (per-host processes, the same shape as geowire's).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.site import SiteProcess
from crawlers.crawl import CrawlResult, run_crawl
from crawlers.job import CrawlJob, CrawlLimits
from crawlers.sources import load_sources

CRAWL_TIMEOUT_S = 300.0
CONCURRENCY = 16  # what geowire uses per source when polite=False


# The baseline spider, run with `python -c` so its process imports Scrapy and nothing of geowire.
PLAIN_SPIDER = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

urls_file, stats_file, concurrency, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])

class PlainSpider(scrapy.Spider):
    name = "plain"

    async def start(self):
        for url in open(urls_file, encoding="utf-8").read().split():
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        return None

process = CrawlerProcess({
    "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "CONCURRENT_REQUESTS": concurrency,
    "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency, "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False, "CLOSESPIDER_TIMEOUT": timeout,
})
crawler = process.create_crawler(PlainSpider)
process.crawl(crawler)
process.start()
with open(stats_file, "w", encoding="utf-8") as fh:
    json.dump(crawler.stats.get_stats(), fh, default=str)
"""


def run_plain(groups: list[list[str]], work: Path, concurrency: int) -> tuple[float, int]:
    """Plain Scrapy, one subprocess per URL group in parallel: (wall seconds, pages fetched)."""
    procs = []
    start = time.perf_counter()
    for i, urls in enumerate(groups):
        urls_file = work / f"plain-{len(groups)}-{i}.txt"
        urls_file.write_text("\n".join(urls), encoding="utf-8")
        stats_file = urls_file.with_suffix(".json")
        stats_file.unlink(missing_ok=True)
        cmd = [sys.executable, "-c", PLAIN_SPIDER, str(urls_file), str(stats_file),
               str(concurrency), str(CRAWL_TIMEOUT_S)]  # fmt: skip
        procs.append((subprocess.Popen(cmd), stats_file))
    pages = 0
    for proc, stats_file in procs:
        try:
            proc.wait(timeout=CRAWL_TIMEOUT_S + 60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if stats_file.exists():
            stats = json.loads(stats_file.read_text(encoding="utf-8"))
            pages += int(stats.get("downloader/response_status_count/200", 0))
    return time.perf_counter() - start, pages


def geowire_jobs(sources_file: Path, work: Path, run_id: str) -> list[CrawlJob]:
    """One impolite crawl job per source, as the flow plans them (no warehouse state)."""
    limits = CrawlLimits(polite=False, crawl_timeout_s=CRAWL_TIMEOUT_S)
    return [
        CrawlJob(
            run_id=run_id,
            source=source,
            out_dir=work / "runs" / run_id / source.name,
            warc_path=work / "warc" / f"{run_id}-{source.name}.warc.gz",
            limits=limits,
        )
        for source in load_sources(sources_file)
    ]


def run_geowire(jobs: list[CrawlJob]) -> tuple[float, list[CrawlResult]]:
    """geowire's crawls in parallel threads, each its own subprocess (like the flow)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(run_crawl, jobs))
    return time.perf_counter() - start, results


def summary(results: list[CrawlResult]) -> dict[str, Any]:
    """Totals over the per-source crawl results."""
    return {
        "articles": sum(r.articles_fetched for r in results),
        "responses": sum(r.pages_fetched for r in results),
        "failures": sum(sum(r.failures.values()) for r in results),
        "statuses": sorted({r.status for r in results}),
        "peak_rss_mb": max(float(r.stats.get("geowire/peak_rss_mb", 0)) for r in results),
        "warc_mb": sum(Path(j).stat().st_size for j in _warcs(results)) / 1e6,
    }


def _warcs(results: list[CrawlResult]) -> list[Path]:
    paths = []
    for r in results:
        for line in Path(r.fetch_log).read_text(encoding="utf-8").splitlines()[:1]:
            warc = json.loads(line).get("warc_file")
            if warc:
                paths.append(Path(warc))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; best is kept")
    parser.add_argument("--dir", type=Path, default=None, help="scratch directory (kept if given)")
    args = parser.parse_args(argv)
    work = args.dir or Path(tempfile.mkdtemp(prefix="geowire-crawl-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        with SiteProcess(work / "site", args.articles) as site:
            sources_file = work / "sources.toml"
            sources_file.write_text(site.sources_toml(), encoding="utf-8")
            urls = site.article_urls()
            by_host: dict[str, list[str]] = {}
            for url in urls:
                by_host.setdefault(url.split("/")[2], []).append(url)
            groups = list(by_host.values())
            print(
                f"site: {len(urls)} articles on {len(groups)} hosts"
                f" ({', '.join(o['host'] for o in site.info['outlets'])}),"
                f" concurrency {CONCURRENCY} per process, {args.rounds} rounds (best kept)"
            )
            best: dict[str, tuple[float, int]] = {}
            detail: dict[str, Any] = {}
            for r in range(args.rounds):
                site.reset()
                jobs = geowire_jobs(sources_file, work, f"bench{r}")
                wall, results = run_geowire(jobs)
                detail = summary(results)
                served = site.stats()
                runs = {
                    "geowire run_crawl, 1 process per host": (wall, detail["articles"]),
                    "plain Scrapy, 1 process per host": run_plain(groups, work, CONCURRENCY),
                    "plain Scrapy, 1 process for all hosts": run_plain([urls], work, CONCURRENCY),
                }
                for label, (seconds, pages) in runs.items():
                    if label not in best or seconds < best[label][0]:
                        best[label] = (seconds, pages)
            print(f"{'run':<42}{'pages':>7}{'wall s':>8}{'pages/s':>9}")
            rates = {}
            for label, (seconds, pages) in best.items():
                rates[label] = pages / seconds
                print(f"{label:<42}{pages:>7}{seconds:8.2f}{rates[label]:9.1f}")
            ratio = (
                rates["geowire run_crawl, 1 process per host"]
                / rates["plain Scrapy, 1 process per host"]
            )
            print(
                f"geowire / plain Scrapy (same shape): {ratio:.0%} (target >= 80%:"
                f" {'met' if ratio >= 0.8 else 'NOT met'})"
            )
            print(
                f"geowire crawl: {detail['responses']} responses ({detail['articles']} articles),"
                f" {detail['failures']} failures, status {detail['statuses']},"
                f" WARC {detail['warc_mb']:.1f} MB, peak crawl RSS {detail['peak_rss_mb']:.0f} MB;"
                f" served in the last geowire run: {served}"
            )
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
