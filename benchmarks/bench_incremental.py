"""Incremental run: a second `ingest` over the unchanged local site, counted at the server.

    .venv/bin/python benchmarks/bench_incremental.py [--articles 2000] [--workers 2] [--dir DIR]

Serves benchmarks/site.py, runs the real flow once to fill the warehouse (figures printed), then
zeroes the site's request counters and runs it again with the same database. The second run should
ask only for robots.txt, feeds, sitemaps (answered 304 Not Modified) and section pages, plus the
articles due for a re-visit (none an hour after they were first seen, with the default schedule
1 h / 6 h / 24 h / 168 h); it must add and change nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_e2e import describe, flow_params, run_flow_measured
from benchmarks.site import SiteProcess

DISCOVERY = ("robots", "feed", "sitemap", "section")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="cleaning processes")
    parser.add_argument("--dir", type=Path, default=None, help="scratch directory (kept if given)")
    args = parser.parse_args(argv)
    work = (args.dir or Path(tempfile.mkdtemp(prefix="geowire-incr-"))).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        with SiteProcess(work / "site", args.articles) as site:
            sources_file = work / "sources.toml"
            sources_file.write_text(site.sources_toml(), encoding="utf-8")
            params = flow_params(sources_file, work, args.workers)
            print(
                f"site: {args.articles} articles on {len(site.info['outlets'])} hosts;"
                f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
            )
            first = run_flow_measured(params, work)
            first_requests = site.stats()
            print(f"run 1: {sum(first_requests.values())} requests {first_requests}")
            print(describe(first))
            site.reset()
            second = run_flow_measured(params, work)
            requests = site.stats()
            total = sum(requests.values())
            other = {k: v for k, v in requests.items() if k.split(":")[0] not in DISCOVERY}
            print(f"run 2: {total} requests {requests}")
            print(describe(second))
            unchanged = second.totals.get("articles_new", 0) + second.totals.get(
                "articles_updated", 0
            )
            print(
                f"second run: {total} requests vs {sum(first_requests.values())} in the first"
                f" ({total / max(sum(first_requests.values()), 1):.1%}); beyond"
                f" robots/feeds/sitemaps/sections: {other or 'none'}"
                f" (target: only those and due re-visits: {'met' if not other else 'check'});"
                f" new or updated articles: {unchanged}; flow wall {second.flow_s:.1f} s"
                f" vs {first.flow_s:.1f} s"
            )
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
