"""Serve the demo outlets until Ctrl-C: `python -m crawlers.demo [--write-sources FILE]`."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from crawlers.demo.site import DEFAULT_HOSTS, start_demo_sites


def main(argv: list[str] | None = None) -> int:
    """Start the outlets, print their URLs (and optionally write a sources file), wait for Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.demo", description=__doc__)
    parser.add_argument(
        "--write-sources", metavar="FILE", type=Path, help="write a sources TOML file"
    )
    parser.add_argument("--port", type=int, default=0, help="port for every outlet (0 = any free)")
    parser.add_argument(
        "--hosts", nargs="+", default=list(DEFAULT_HOSTS), help="loopback addresses"
    )
    args = parser.parse_args(argv)
    with start_demo_sites(args.hosts, args.port) as sites:
        for outlet in sites.outlets:
            count = sum(1 for a in sites.articles if a.outlet == outlet.name)
            print(f"{outlet.name:<18} {outlet.base_url}  ({count} articles)")
        if args.write_sources:
            args.write_sources.write_text(sites.sources_toml(), encoding="utf-8")
            print(f"sources written to {args.write_sources}")
        print("Serving; press Ctrl-C to stop.", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        print("stopping", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
