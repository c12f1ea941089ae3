"""End to end: crawl -> clean -> load of the local benchmark site through the real `ingest` flow.

    .venv/bin/python benchmarks/bench_e2e.py [--articles 2000] [--workers 2] [--dir DIR]

Serves benchmarks/site.py (2,000 articles on 127.0.0.20-23) and runs `flows.ingest.ingest`
(polite=False, 4 parallel crawls, `--workers` cleaning processes) in a child process, the way
`geowire run` does, while this process samples the memory of the child's whole process tree
(flow, crawl subprocesses, cleaning pool, Prefect's ephemeral server) from /proc every 0.1 s.
Articles/s is articles loaded over the flow's wall time; the child starts Prefect's ephemeral
server with a trivial flow first, so the figure is the run's, not the server's cold start (shown
separately). Targets: >= 40 articles/s wall on 2 cores, < 1 GB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.site import SiteProcess

REPO = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")

# The child: the CLI's Prefect environment, a warm-up flow, then the timed ingest run.
FLOW_RUNNER = """
import json, sys, time
t0 = time.perf_counter()
from flows.cli import prefect_environment
prefect_environment()
from prefect import flow
from flows.ingest import ingest

@flow(name="warm-up")
def warm_up() -> None:
    pass

warm_up()
t1 = time.perf_counter()
params = json.loads(sys.argv[1])
if len(sys.argv) > 3 and sys.argv[3] == "run-pool":
    # Prototype of a proposed change (not geowire's code): one cleaning pool for the whole run,
    # started when the flow starts so its workers import while the crawls run, small chunks.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    import crawlers.pages as pages

    workers = params["extract_workers"]
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    for _ in range(workers):
        pool.submit(pages._extract_chunk, ([], None, 0))

    def iter_extracted(page_list, source, max_bytes, workers=1):
        if workers <= 1 or len(page_list) < pages.MIN_PAGES_FOR_POOL:
            for page in page_list:
                yield pages.extract_page(page, source, max_bytes)
            return
        chunks = [(page_list[i : i + 8], source, max_bytes) for i in range(0, len(page_list), 8)]
        for results in pool.map(pages._extract_chunk, chunks):
            yield from results

    pages.iter_extracted = iter_extracted
summary = ingest(**params)
t2 = time.perf_counter()
json.dump({"startup_s": t1 - t0, "flow_s": t2 - t1, "totals": summary.totals,
           "statuses": sorted({o.status for o in summary.outcomes}),
           "check_failures": summary.check_failures}, open(sys.argv[2], "w"))
"""


@dataclass
class FlowRun:
    """What one measured flow run did and cost."""

    flow_s: float
    startup_s: float
    process_s: float
    totals: dict[str, int]
    statuses: list[str]
    check_failures: list[str]
    peak_rss_mb: float
    peak_pss_mb: float
    peak_by_role: dict[str, float] = field(default_factory=dict)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants (from /proc)."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(_children(pid))
    return pids


def _role(pid: int) -> str:
    try:
        cmd = (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return "gone"
    if "crawlers.run_crawl" in cmd:
        return "crawl subprocesses"
    if "multiprocessing" in cmd:
        return "cleaning pool"
    if "uvicorn" in cmd:
        return "prefect server"
    return "other"


def _rss_pss(pid: int) -> tuple[float, float]:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            rss = int(fh.read().split()[1]) * PAGE
        pss = 0
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
        return rss / 2**20, pss / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0


class TreeSampler(threading.Thread):
    """Samples the RSS and PSS of a process tree until stopped; keeps the peaks."""

    def __init__(self, root: int, interval_s: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval_s = interval_s
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        self.peak_by_role: dict[str, float] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Sample until `stop`."""
        while not self._stop_event.is_set():
            rss_total = pss_total = 0.0
            by_role: dict[str, float] = {}
            for pid in process_tree(self.root):
                rss, pss = _rss_pss(pid)
                rss_total += rss
                pss_total += pss
                role = "flow process" if pid == self.root else _role(pid)
                by_role[role] = by_role.get(role, 0.0) + rss
            if rss_total > self.peak_rss:
                self.peak_rss, self.peak_by_role = rss_total, by_role
            self.peak_pss = max(self.peak_pss, pss_total)
            self._stop_event.wait(self.interval_s)

    def stop(self) -> None:
        """Stop sampling."""
        self._stop_event.set()
        self.join()


def run_flow_measured(
    params: dict[str, Any], work: Path, timeout_s: float = 900.0, run_pool: bool = False
) -> FlowRun:
    """Run `ingest(**params)` in a child process, sampling its process tree's memory.

    `run_pool` runs the flow with the prototype of one cleaning pool per run (see FLOW_RUNNER).
    """
    out = work / f"flow-{time.time_ns()}.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    with open(work / "flow.stderr", "ab") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", FLOW_RUNNER, json.dumps(params), str(out)]
            + (["run-pool"] if run_pool else []),
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
        sampler = TreeSampler(child.pid)
        sampler.start()
        try:
            child.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        finally:
            sampler.stop()
    process_s = time.perf_counter() - start
    if not out.exists():
        raise RuntimeError(f"the flow failed (exit {child.returncode}); see {work / 'flow.stderr'}")
    data = json.loads(out.read_text(encoding="utf-8"))
    return FlowRun(
        flow_s=data["flow_s"],
        startup_s=data["startup_s"],
        process_s=process_s,
        totals=data["totals"],
        statuses=data["statuses"],
        check_failures=data["check_failures"],
        peak_rss_mb=sampler.peak_rss,
        peak_pss_mb=sampler.peak_pss,
        peak_by_role={k: round(v) for k, v in sorted(sampler.peak_by_role.items())},
    )


def flow_params(sources_file: Path, work: Path, workers: int, parallel: int = 4) -> dict[str, Any]:
    """The ingest parameters of a benchmark run (impolite; the database lives in `work`)."""
    return {
        "sources_file": str(sources_file),
        "db_path": str(work / "bench.duckdb"),
        "polite": False,
        "parallel_crawls": parallel,
        "extract_workers": workers,
        "crawl_timeout_s": 600.0,
    }


def describe(run: FlowRun) -> str:
    """The figures of one run, one per line."""
    return "\n".join(
        [
            f"flow wall: {run.flow_s:.1f} s (process wall {run.process_s:.1f} s, of which"
            f" Prefect start-up {run.startup_s:.1f} s)",
            f"totals: {run.totals}; source statuses: {run.statuses};"
            f" check failures: {run.check_failures or 'none'}",
            f"peak memory of the process tree: {run.peak_rss_mb:.0f} MB RSS (sum),"
            f" {run.peak_pss_mb:.0f} MB PSS; RSS by role at the peak: {run.peak_by_role}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="cleaning processes")
    parser.add_argument("--dir", type=Path, default=None, help="scratch directory (kept if given)")
    parser.add_argument(
        "--prototype-run-pool",
        action="store_true",
        help="measure a proposed change: one warm cleaning pool per run instead of one per batch",
    )
    args = parser.parse_args(argv)
    work = (args.dir or Path(tempfile.mkdtemp(prefix="geowire-e2e-"))).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        with SiteProcess(work / "site", args.articles) as site:
            sources_file = work / "sources.toml"
            sources_file.write_text(site.sources_toml(), encoding="utf-8")
            print(
                f"site: {args.articles} articles on {len(site.info['outlets'])} hosts;"
                f" ingest(polite=False, parallel_crawls=4, extract_workers={args.workers});"
                f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
            )
            run = run_flow_measured(
                flow_params(sources_file, work, args.workers),
                work,
                run_pool=args.prototype_run_pool,
            )
            if args.prototype_run_pool:
                print("PROTOTYPE: crawlers.pages.iter_extracted patched to one pool per run")
            loaded = run.totals.get("articles_new", 0) + run.totals.get("articles_updated", 0)
            rate = loaded / run.flow_s
            print(describe(run))
            print(
                f"articles loaded: {loaded}; {rate:.1f} articles/s wall"
                f" (target >= 40: {'met' if rate >= 40 else 'NOT met'});"
                f" peak {run.peak_rss_mb:.0f} MB (target < 1024:"
                f" {'met' if run.peak_rss_mb < 1024 else 'NOT met'});"
                f" requests served: {site.stats()}"
            )
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
