"""The `geowire` command line: run, demo, serve, sql — thin wrappers around the same flows.

Configuration is read and checked here, at the edge, so a bad sources file or an unusable path is
one line on stderr and a non-zero exit, never a traceback from deep inside a run.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# Prefect reads these when it is first imported; offline it must not phone home, and its
# ephemeral API server needs more than the default startup time on a cold, busy machine.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def prefect_environment() -> None:
    """Set offline-safe Prefect defaults unless the user set them."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all subcommands."""
    parser = argparse.ArgumentParser(
        prog="geowire", description="Scheduled scraping pipeline for geopolitics news."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the ingest flow once over a sources file")
    _add_run_options(run)

    demo = commands.add_parser("demo", help="serve the bundled demo outlets and ingest them")
    demo.add_argument("--db", type=Path, default=Path("geowire-demo.duckdb"), help="DuckDB file")
    demo.add_argument("--data-dir", type=Path, help="archive and work files (default: DB-data/)")
    demo.add_argument("--workers", type=int, default=1, help="cleaning processes")

    serve = commands.add_parser("serve", help="run the nightly schedule in this process")
    _add_run_options(serve)
    serve.add_argument("--cron", default="0 2 * * *", help="schedule, UTC (default 02:00)")

    pending = commands.add_parser(
        "load-pending", help="load batches an interrupted or lock-blocked run left on disk"
    )
    pending.add_argument("--db", type=Path, default=Path("geowire.duckdb"), help="DuckDB file")
    pending.add_argument("--data-dir", type=Path, help="archive and work files (default: DB-data/)")
    pending.add_argument(
        "--lock-timeout", type=float, default=300.0, help="seconds to wait for the database"
    )

    reextract = commands.add_parser(
        "reextract", help="clean archived pages again with the current extractor and load them"
    )
    reextract.add_argument("--db", type=Path, default=Path("geowire.duckdb"), help="DuckDB file")
    reextract.add_argument(
        "--data-dir", type=Path, help="archive and work files (default: DB-data/)"
    )
    reextract.add_argument("--only", action="append", default=[], help="source name (repeatable)")
    reextract.add_argument("--workers", type=int, default=1, help="cleaning processes")

    imports = commands.add_parser(
        "import-warc", help="backfill articles of the sources' domains from WARC files"
    )
    imports.add_argument("files", nargs="+", type=Path, help="WARC files (.warc or .warc.gz)")
    imports.add_argument("--sources", type=Path, default=Path("sources.toml"), help="sources file")
    imports.add_argument("--db", type=Path, default=Path("geowire.duckdb"), help="DuckDB file")
    imports.add_argument("--data-dir", type=Path, help="work files (default: DB-data/)")
    imports.add_argument("--since", type=_utc_date, help="first capture day, YYYY-MM-DD (UTC)")
    imports.add_argument("--until", type=_utc_date, help="day after the last capture day (UTC)")
    imports.add_argument("--workers", type=int, default=1, help="cleaning processes")

    status = commands.add_parser(
        "status", help="each source's health: last success, rate, failures"
    )
    status.add_argument("--db", type=Path, default=Path("geowire.duckdb"), help="DuckDB file")

    sources = commands.add_parser("sources", help="work with the sources file")
    sources_commands = sources.add_subparsers(
        dest="sources_command", required=True, metavar="ACTION"
    )
    check = sources_commands.add_parser(
        "check", help="validate the sources file (--probe: fetch each feed once)"
    )
    check.add_argument("--sources", type=Path, default=Path("sources.toml"), help="sources file")
    check.add_argument("--probe", action="store_true", help="fetch each feed and sitemap once")
    check.add_argument("--timeout", type=float, default=10.0, help="seconds per probe")

    report = commands.add_parser("report", help="write the HTML report of a run")
    report.add_argument("--db", type=Path, default=Path("geowire.duckdb"), help="DuckDB file")
    report.add_argument("--run", help="run id (default: the latest run)")
    report.add_argument("--out", type=Path, help="HTML file (default: report-RUN.html)")

    sql = commands.add_parser("sql", help="query the warehouse (interactive without a query)")
    sql.add_argument("--db", type=Path, default=Path("geowire.duckdb"), help="DuckDB file")
    sql.add_argument("query", nargs="?", help="SQL to run; omit for an interactive prompt")
    sql.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    return parser


def _utc_date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, default=Path("sources.toml"), help="sources file")
    parser.add_argument("--db", type=Path, default=Path("geowire.duckdb"), help="DuckDB file")
    parser.add_argument("--data-dir", type=Path, help="archive and work files (default: DB-data/)")
    parser.add_argument("--only", action="append", default=[], help="source name (repeatable)")
    parser.add_argument("--parallel", type=int, default=4, help="sources crawled at once")
    parser.add_argument("--workers", type=int, default=1, help="cleaning processes")
    parser.add_argument(
        "--lock-timeout", type=float, default=300.0, help="seconds to wait for a locked database"
    )
    parser.add_argument(
        "--crawl-timeout", type=float, default=900.0, help="seconds allowed per source crawl"
    )
    parser.add_argument(
        "--publish", type=Path, help="after the run, refresh a read-only copy of the DB here"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `geowire` console script."""
    args = build_parser().parse_args(argv)
    prefect_environment()
    from crawlers.sources import ConfigError
    from flows.runlock import RunLockedError
    from flows.settings import SetupError
    from warehouse.db import WarehouseError

    try:
        if args.command == "run":
            return command_run(args)
        if args.command == "demo":
            return command_demo(args)
        if args.command == "serve":
            return command_serve(args)
        if args.command == "sql":
            return command_sql(args)
        if args.command == "load-pending":
            return command_load_pending(args)
        if args.command == "reextract":
            return command_reextract(args)
        if args.command == "import-warc":
            return command_import_warc(args)
        if args.command == "status":
            return command_status(args)
        if args.command == "sources":
            return command_sources_check(args)
        if args.command == "report":
            return command_report(args)
    except (ConfigError, SetupError) as exc:
        print(f"geowire: error: {exc}", file=sys.stderr)
        return EXIT_FAILED if isinstance(exc, RunLockedError) else EXIT_USAGE
    except WarehouseError as exc:
        print(f"geowire: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("geowire: interrupted", file=sys.stderr)
        return 130
    return EXIT_USAGE


def _validate(args: argparse.Namespace) -> None:
    from crawlers.sources import load_sources
    from flows.settings import default_data_dir, ensure_writable_dir

    load_sources(args.sources, args.only or None)
    ensure_writable_dir(args.data_dir or default_data_dir(args.db), "data directory")
    ensure_writable_dir(args.db.parent if str(args.db.parent) else Path("."), "database directory")


def _flow_parameters(args: argparse.Namespace, polite: bool = True) -> dict[str, Any]:
    return {
        "sources_file": str(args.sources),
        "db_path": str(args.db),
        "data_dir": str(args.data_dir) if args.data_dir else None,
        "only": args.only or None,
        "polite": polite,
        "parallel_crawls": getattr(args, "parallel", 4),
        "extract_workers": args.workers,
        "lock_timeout_s": getattr(args, "lock_timeout", 300.0),
        "crawl_timeout_s": getattr(args, "crawl_timeout", 900.0),
        "publish_path": str(args.publish) if getattr(args, "publish", None) else None,
    }


def _run_flow(parameters: dict[str, Any], flow_name: str = "ingest") -> Any:
    from flows import ingest as flows

    try:
        return getattr(flows, flow_name)(**parameters)
    except flows.ChecksFailed as exc:
        print(f"geowire: run finished but {exc}", file=sys.stderr)
    except flows.LoadsDeferred as exc:
        print(f"geowire: error: {exc}", file=sys.stderr)
    return None


def command_run(args: argparse.Namespace) -> int:
    """`geowire run`: one ingest run over the sources file."""
    _validate(args)
    summary = _run_flow(_flow_parameters(args))
    if summary is None:
        return EXIT_FAILED
    from flows.report import print_summary

    print_summary(summary)
    return EXIT_OK


def command_demo(args: argparse.Namespace) -> int:
    """`geowire demo`: serve the demo outlets on loopback and run the real flow against them."""
    from flows.report import print_demo_queries, print_summary
    from flows.settings import default_data_dir, ensure_writable_dir

    data_dir = args.data_dir or default_data_dir(args.db)
    ensure_writable_dir(data_dir, "data directory")
    with _start_demo() as demo:
        sources = data_dir / "demo-sources.toml"
        sources.write_text(demo.sources_toml(), encoding="utf-8")
        print(f"demo outlets: {', '.join(o.base_url for o in demo.outlets)}")
        args.sources, args.only = sources, []
        args.data_dir = data_dir
        summary = _run_flow(_flow_parameters(args, polite=False))
    if summary is None:
        return EXIT_FAILED
    print_summary(summary)
    print_demo_queries(args.db)
    return EXIT_OK


DEMO_PORT = 8808


def _start_demo() -> Any:
    """The demo outlets on a fixed port, so a second `geowire demo` sees the same URLs."""
    from crawlers.demo import start_demo_sites

    try:
        return start_demo_sites(port=DEMO_PORT)
    except OSError:
        print(f"port {DEMO_PORT} is busy; serving the demo on a free port instead", file=sys.stderr)
        return start_demo_sites()


def command_serve(args: argparse.Namespace) -> int:
    """`geowire serve`: keep this process running the ingest flow on a cron schedule (UTC)."""
    _validate(args)
    from flows.schedule import ScheduleError, next_fire, serve_schedule

    try:
        first = next_fire(args.cron, datetime.now(UTC))
    except ScheduleError as exc:
        print(f"geowire: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    print(
        f"serving {args.sources} on schedule {args.cron!r} (UTC); first run at {first:%Y-%m-%d %H:%M}"
    )
    parameters = _flow_parameters(args)

    def run_once() -> None:
        summary = _run_flow(parameters)
        if summary is not None:
            from flows.report import print_summary

            print_summary(summary)

    serve_schedule(args.cron, run_once)
    return EXIT_OK


def command_load_pending(args: argparse.Namespace) -> int:
    """`geowire load-pending`: load what earlier runs crawled but could not load."""
    parameters = {
        "db_path": str(args.db),
        "data_dir": str(args.data_dir) if args.data_dir else None,
        "lock_timeout_s": args.lock_timeout,
    }
    summary = _run_flow(parameters, flow_name="load_pending")
    if summary is None:
        return EXIT_FAILED
    from flows.report import print_summary

    print_summary(summary)
    return EXIT_OK


def command_reextract(args: argparse.Namespace) -> int:
    """`geowire reextract`: re-run cleaning over the archive, recording the extractor version."""
    from flows.archive import reextract

    if not args.db.exists():
        print(f"geowire: error: database {args.db} does not exist", file=sys.stderr)
        return EXIT_USAGE
    result = reextract(
        db_path=str(args.db),
        data_dir=str(args.data_dir) if args.data_dir else None,
        sources=args.only or None,
        workers=args.workers,
    )
    for source, counts in sorted(result.per_source.items()):
        print(
            f"{source}: {counts['pages']} pages, {counts['updated']} updated,"
            f" {counts['unchanged']} unchanged, {counts['non_articles']} non-articles"
        )
    if result.missing_archives:
        print(f"{result.missing_archives} archived pages could not be found", file=sys.stderr)
    print(f"extractor {result.extractor_version}, run {result.run_id}")
    return EXIT_OK


def command_import_warc(args: argparse.Namespace) -> int:
    """`geowire import-warc`: stream WARC files through the same cleaning and loading."""
    from crawlers.sources import load_sources
    from flows.archive import import_warc

    load_sources(args.sources)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"geowire: error: no such WARC file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    result = import_warc(
        files=[str(f) for f in args.files],
        sources_file=str(args.sources),
        db_path=str(args.db),
        data_dir=str(args.data_dir) if args.data_dir else None,
        since=args.since,
        until=args.until,
        workers=args.workers,
    )
    for name in result.skipped:
        print(f"skipped (already imported): {name}")
    for source, pages in sorted(result.pages.items()):
        print(f"{source}: {pages} pages")
    print(
        f"{len(result.imported)} files imported, {result.articles_new} new and"
        f" {result.articles_updated} updated articles"
    )
    for damage in result.damaged:
        print(
            f"geowire: warning: damaged WARC file, read up to the damage: {damage}", file=sys.stderr
        )
    return EXIT_FAILED if result.damaged else EXIT_OK


def command_status(args: argparse.Namespace) -> int:
    """`geowire status`: per-source health, flagging outlets that went quiet or keep failing."""
    from flows.status import print_status, source_status

    print_status(source_status(args.db, datetime.now(UTC)))
    return EXIT_OK


def command_sources_check(args: argparse.Namespace) -> int:
    """`geowire sources check`: validate the file; with --probe, fetch each feed/sitemap once."""
    from flows.sources_check import check_sources, print_checks

    return print_checks(check_sources(args.sources, probe=args.probe, timeout_s=args.timeout))


def command_report(args: argparse.Namespace) -> int:
    """`geowire report`: the self-contained HTML report of one run (the latest by default)."""
    from flows.html_report import write_run_report
    from warehouse.db import connect

    run_id = args.run
    if run_id is None:
        with connect(args.db, read_only=True) as con:
            row = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        if row is None:
            print(f"geowire: error: {args.db} has no runs yet", file=sys.stderr)
            return EXIT_FAILED
        run_id = row[0]
    path = write_run_report(args.db, run_id, args.out or Path(f"report-{run_id}.html"))
    print(f"report of run {run_id}: {path}")
    return EXIT_OK


def command_sql(args: argparse.Namespace) -> int:
    """`geowire sql`: run one query, or an interactive prompt, on a read-only connection."""
    from flows.sqlshell import run_query, run_shell

    if args.query:
        return run_query(args.db, args.query, csv_output=args.csv)
    return run_shell(args.db)


if __name__ == "__main__":
    sys.exit(main())
