"""The `geowire` command line: clear one-line errors for bad input, `geowire sql` on a real file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.db import connect

GOOD_SOURCE = """[[source]]
name = "local"
homepage = "http://127.0.0.1:1/"
country = "IN"
language = "en"
feeds = ["http://127.0.0.1:1/feed.xml"]
"""


def geowire(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[[source]\nname = 'x'", "TOML syntax error"),
        ("", "empty"),
        (GOOD_SOURCE.replace('name = "local"\n', ""), "missing required key 'name'"),
        (GOOD_SOURCE + GOOD_SOURCE, "duplicate name 'local'"),
        (
            GOOD_SOURCE.replace('feeds = ["http://127.0.0.1:1/feed.xml"]', 'feeds = ["feed.xml"]'),
            "'feeds' must be an http(s) URL",
        ),
        (GOOD_SOURCE.replace("feeds =", "feed ="), "did you mean 'feeds'"),
        (
            GOOD_SOURCE.replace('feeds = ["http://127.0.0.1:1/feed.xml"]', ""),
            "at least one of 'feeds'",
        ),
    ],
)
def test_bad_sources_file_is_one_line_and_exit_2(
    tmp_path: Path, content: str, expected: str
) -> None:
    (tmp_path / "sources.toml").write_text(content, encoding="utf-8")
    result = geowire("run", "--sources", "sources.toml", "--db", "g.duckdb", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("geowire: error: sources.toml")
    assert expected in lines[0]
    assert not (tmp_path / "g.duckdb").exists(), "a bad config must not create a database"


def test_missing_sources_file(tmp_path: Path) -> None:
    result = geowire("run", "--sources", "nope.toml", "--db", "g.duckdb", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "geowire: error: nope.toml: sources file not found"


def test_unknown_only_source(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(GOOD_SOURCE, encoding="utf-8")
    result = geowire("run", "--sources", "sources.toml", "--only", "bbc", cwd=tmp_path)
    assert result.returncode == 2
    assert "no source named 'bbc'" in result.stderr


def test_unwritable_data_dir(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(GOOD_SOURCE, encoding="utf-8")
    (tmp_path / "a-file").write_text("x")
    result = geowire(
        "run",
        "--sources",
        "sources.toml",
        "--data-dir",
        "a-file/data",
        "--db",
        "g.duckdb",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "data directory a-file/data is not writable" in result.stderr


def test_sql_runs_a_query_read_only(tmp_path: Path) -> None:
    db = tmp_path / "g.duckdb"
    with connect(db):
        pass  # creates the file with the schema
    result = geowire(
        "sql", "--db", str(db), "--csv", "SELECT count(*) AS n FROM articles", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "0"]
    bad = geowire("sql", "--db", str(db), "SELECT nope FROM articles", cwd=tmp_path)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stdout + bad.stderr
    write = geowire("sql", "--db", str(db), "DELETE FROM articles", cwd=tmp_path)
    assert write.returncode == 1, "geowire sql is read-only"


def test_sql_on_missing_database(tmp_path: Path) -> None:
    result = geowire("sql", "--db", "missing.duckdb", "SELECT 1", cwd=tmp_path)
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_status_report_and_sources_check_commands(tmp_path: Path) -> None:
    from warehouse import load as loader

    db = tmp_path / "g.duckdb"
    loader.start_run(db, "r1")
    loader.upsert_sources(
        db,
        [{"name": "local", "homepage": "http://127.0.0.1:1/", "country": "IN", "language": "en"}],
    )
    loader.record_run_source(db, "r1", "local", status="failed", error="DNS lookup failed")
    loader.finish_run(db, "r1", "completed")
    status = geowire("status", "--db", str(db), cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "local" in status.stdout
    report = geowire("report", "--db", str(db), "--out", "r.html", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bundled = Path(__file__).resolve().parents[1] / "sources.toml"
    check = geowire("sources", "check", "--sources", str(bundled), cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    (tmp_path / "bad.toml").write_text(GOOD_SOURCE.replace("feeds =", "feed ="), encoding="utf-8")
    bad = geowire("sources", "check", "--sources", "bad.toml", cwd=tmp_path)
    assert bad.returncode == 2 and "did you mean 'feeds'" in bad.stderr
