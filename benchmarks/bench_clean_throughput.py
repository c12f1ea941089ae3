"""Cleaning throughput: geowire's extraction on one and two cores beside bare trafilatura.

    .venv/bin/python benchmarks/bench_clean_throughput.py ../shared/corpus/wcxb-articles [--repeat 4]

Every figure comes from the same run over the same real pages (WCXB layout: html/<id>.html.gz,
ground-truth/<id>.json for the URL). The baseline is what bare trafilatura needs for body and
metadata, one `bare_extraction(..., with_metadata=True, include_comments=False)` per page, on one
core. geowire is timed twice more: the pure `extract_article` loop on one core, and the real
extract stage (`crawlers.pages.extract_batch`: WARC read, cleaning, Parquet write) with
`workers=1` and `workers=2` (spawn process pool, start-up included) over a WARC of the pages,
and `extract_article` over an already started pool (steady-state scaling, no start-up).
The CPU column counts this process and finished children (the warm pool's workers are not).
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trafilatura import bare_extraction

from crawlers.extract import extract_article
from crawlers.pages import PageRef, extract_batch, extract_pool
from crawlers.sources import Source
from crawlers.warc import WarcArchive

FETCHED_AT = datetime(2026, 4, 1, tzinfo=UTC)
SOURCE = Source(
    name="bench", homepage="https://bench.example/", country="US", language="en",
    feeds=("https://bench.example/feed",),
)  # fmt: skip
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Page:
    """One corpus page."""

    url: str
    html: bytes


def load_pages(corpus: Path) -> list[Page]:
    """The corpus pages in id order (the URL comes from the ground-truth file)."""
    pages = []
    for html_path in sorted((corpus / "html").glob("*.html.gz")):
        truth = corpus / "ground-truth" / f"{html_path.name.removesuffix('.html.gz')}.json"
        url = f"https://bench.example/{html_path.name}"
        if truth.exists():
            url = json.loads(truth.read_text(encoding="utf-8")).get("url") or url
        pages.append(Page(url, gzip.decompress(html_path.read_bytes())))
    return pages


def bare_trafilatura(pages: list[Page]) -> None:
    """The baseline: body and metadata from bare trafilatura."""
    for page in pages:
        bare_extraction(page.html, url=page.url, include_comments=False, with_metadata=True)


def geowire_pure(pages: list[Page]) -> None:
    """geowire's cleaning as a pure function, in this process."""
    for page in pages:
        extract_article(page.url, page.html, FETCHED_AT, SOURCE)


def _pure_chunk(chunk: list[Page]) -> int:
    geowire_pure(chunk)
    return len(chunk)


def geowire_warm_pool(pool: ProcessPoolExecutor, pages: list[Page], chunk: int = 8) -> None:
    """geowire's cleaning over an already started pool (steady-state scaling, no start-up)."""
    chunks = [pages[i : i + chunk] for i in range(0, len(pages), chunk)]
    for _ in pool.map(_pure_chunk, chunks):
        pass


def write_warc(pages: list[Page], path: Path) -> list[PageRef]:
    """Archive the pages as the crawler would and return their positions."""
    archive = WarcArchive(path)
    refs = []
    try:
        for page in pages:
            headers = [("Content-Type", "text/html; charset=utf-8")]
            pos = archive.write_response(page.url, 200, "OK", headers, page.html, FETCHED_AT)
            refs.append(PageRef(page.url, str(pos.path), pos.offset, pos.length))
    finally:
        archive.close()
    return refs


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds (this process plus finished child processes) of one call."""

    wall: float
    cpu: float


def timed(func: Callable[[], object]) -> Timing:
    """Time func() in wall-clock and CPU seconds."""
    cpu0, children0 = time.process_time(), _children_cpu()
    start = time.perf_counter()
    func()
    wall = time.perf_counter() - start
    return Timing(wall, time.process_time() - cpu0 + _children_cpu() - children0)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="directory with html/*.html.gz")
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="pages per run = corpus x N (amortises the pool's start-up like a real crawl batch)",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds; the best of each is reported"
    )
    parser.add_argument("--workers", type=int, default=2, help="processes for the pool run")
    parser.add_argument("--dir", type=Path, default=None, help="scratch directory (kept if given)")
    args = parser.parse_args(argv)
    if not (args.corpus / "html").is_dir():
        parser.error(f"{args.corpus}: no html/ directory (expected the WCXB layout)")
    corpus = load_pages(args.corpus)
    pages = corpus * args.repeat
    n = len(pages)
    work = args.dir or Path(tempfile.mkdtemp(prefix="geowire-clean-"))
    work.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=args.workers, mp_context=context)
    run_pool = extract_pool(args.workers)  # what `geowire run --workers N` keeps for a whole run
    runs: dict[str, Callable[[], object]] = {
        "bare trafilatura, 1 core (baseline)": lambda: bare_trafilatura(pages),
        "geowire extract_article, 1 core": lambda: geowire_pure(pages),
        "geowire extract stage (WARC->Parquet), 1 process": lambda: extract_batch(
            refs, SOURCE, work / "b1.parquet", MAX_BYTES, 1
        ),
        f"geowire extract stage, {args.workers} processes": lambda: extract_batch(
            refs, SOURCE, work / "b2.parquet", MAX_BYTES, args.workers
        ),
        f"geowire extract_article, {args.workers} warm processes": lambda: geowire_warm_pool(
            pool, pages
        ),
        f"geowire extract stage, {args.workers} processes, run-wide pool": lambda: extract_batch(
            refs, SOURCE, work / "b3.parquet", MAX_BYTES, args.workers, executor=run_pool
        ),
    }
    try:
        refs = write_warc(pages, work / "pages.warc.gz")
        # warm-up: lazy imports, py3langid's model, trafilatura's caches
        bare_trafilatura(corpus[:5])
        geowire_pure(corpus[:5])
        list(pool.map(_pure_chunk, [corpus[:3]] * args.workers))
        print(
            f"pages: {len(corpus)} real pages x {args.repeat} = {n}"
            f" ({sum(len(p.html) for p in corpus) / len(corpus) / 1024:.0f} KB average HTML);"
            f" cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}"
        )
        # Rounds interleave the variants so load from other processes hits each of them alike.
        best: dict[str, Timing] = {}
        for _ in range(args.rounds):
            for label, func in runs.items():
                timing = timed(func)
                if label not in best or timing.wall < best[label].wall:
                    best[label] = timing
        base = next(iter(best.values())).wall
        print(f"{'best of ' + str(args.rounds) + ' rounds':<52}{'wall s':>8}{'CPU s':>8}"
              f"{'pages/s':>9}{'vs base':>9}  target")  # fmt: skip
        targets = {1: ">= 0.80x", 5: ">= 1.70x"}
        for i, (label, timing) in enumerate(best.items()):
            print(
                f"{label:<52}{timing.wall:8.2f}{timing.cpu:8.2f}{n / timing.wall:9.1f}"
                f"{base / timing.wall:8.2f}x  {targets.get(i, '')}"
            )
        one, stage = list(best.values())[1], list(best.values())[5]
        print(
            f"1-core target {'met' if base / one.wall >= 0.8 else 'NOT met'};"
            f" {args.workers}-process target (run-wide pool)"
            f" {'met' if base / stage.wall >= 1.7 else 'NOT met'};"
            f" load average after: {os.getloadavg()[0]:.2f}"
        )
    finally:
        pool.shutdown()
        run_pool.shutdown()
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
