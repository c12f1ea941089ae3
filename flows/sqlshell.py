"""`geowire sql`: queries on a read-only connection with the project's DuckDB and FTS loaded."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from warehouse.db import connect, load_fts

MAX_ROWS_SHOWN = 200


def run_query(
    db_path: Path, sql: str, csv_output: bool = False, console: Console | None = None
) -> int:
    """Run one SQL statement and print its result; 0 on success, 1 on a SQL error."""
    console = console or Console()
    with connect(db_path, read_only=True) as con:
        load_fts(con)
        return _execute(con, sql, console, csv_output)


def _execute(con: duckdb.DuckDBPyConnection, sql: str, console: Console, csv_output: bool) -> int:
    try:
        cursor = con.execute(sql)
    except duckdb.Error as exc:
        Console(stderr=True).print(f"error: {exc}", markup=False, highlight=False)
        return 1
    if cursor.description is None:
        return 0
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchmany(MAX_ROWS_SHOWN + 1)
    if csv_output:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
        writer.writerows(cursor.fetchall())
        return 0
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows[:MAX_ROWS_SHOWN]:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    console.print(table)
    if len(rows) > MAX_ROWS_SHOWN:
        console.print(f"(first {MAX_ROWS_SHOWN} rows shown; use --csv for all)")
    return 0


def run_shell(db_path: Path) -> int:
    """A minimal prompt: statements end with ';', `.quit` or end-of-input leaves."""
    console = Console()
    with connect(db_path, read_only=True) as con:
        load_fts(con)
        console.print(
            f"geowire sql on {db_path} (DuckDB {duckdb.__version__}, read-only). End statements with ';'."
        )
        buffer: list[str] = []
        while True:
            try:
                line = input("geowire> " if not buffer else "     ...> ")
            except EOFError:
                break
            if not buffer and line.strip() in (".quit", ".exit", "\\q"):
                break
            buffer.append(line)
            if line.rstrip().endswith(";"):
                _execute(con, "\n".join(buffer), console, csv_output=False)
                buffer = []
    return 0
