"""A self-contained HTML report of one ingest run (inline CSS and SVG charts, nothing fetched).

`collect_run_report` reads everything the report shows from the warehouse (read-only, values as
parameters); `write_run_report` renders it as one HTML file and `run_report_markdown` as the short
markdown summary published as a Prefect artifact.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pycountry

from crawlers.crawl import POLICY_SKIPS
from warehouse.db import WarehouseError, connect, now_utc

WINDOW_DAYS = 30
TOP_SOURCES = 8
TOP_COUNTRIES = 8
TOP_COMENTION = 12
# Tableau 10: distinct hues that stay apart for the common colour-vision deficiencies.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
)
OTHER_COLOUR = "#bab0ac"
Label = Callable[[str], str]


@dataclass
class SourceRow:
    """What one run did for one source, with its failed fetches and quality flags by kind."""

    source: str
    status: str
    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    non_articles: int = 0
    failures: int = 0
    error: str | None = None
    failures_by_kind: dict[str, int] = field(default_factory=dict)
    quality_flags: dict[str, int] = field(default_factory=dict)


@dataclass
class DaySeries:
    """Counts per day for a few named series over a window of days."""

    days: list[date]
    series: dict[str, list[int]]

    @property
    def empty(self) -> bool:
        """True when every count is zero."""
        return not any(any(values) for values in self.series.values())


@dataclass
class CoMentions:
    """Articles mentioning both countries of each pair (the diagonal: articles mentioning one)."""

    countries: list[str]
    counts: list[list[int]]


@dataclass
class RunReport:
    """Everything the HTML report and the markdown summary show about one run."""

    run_id: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    sources: list[SourceRow]
    window_start: date
    window_end: date
    articles_per_day: DaySeries
    country_coverage: DaySeries
    country_basis: str  # "mentions" (article_countries) or "outlet" (sources.country)
    comentions: CoMentions | None  # None: no per-article country mentions in the warehouse
    generated_at: datetime = field(default_factory=now_utc)

    @property
    def totals(self) -> dict[str, int]:
        """Sums over the sources of this run."""
        keys = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged")
        sums = {k: sum(getattr(s, k) for s in self.sources) for k in keys}
        sums["failures"] = sum(s.failures for s in self.sources)
        return sums


def collect_run_report(
    db_path: str | Path, run_id: str, *, lock_timeout_s: float = 60.0
) -> RunReport:
    """Read one run's report data from the warehouse (raises WarehouseError for an unknown run)."""
    with connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as con:
        run = con.execute(
            "SELECT status, started_at, finished_at, error FROM runs WHERE run_id = ?", [run_id]
        ).fetchone()
        if run is None:
            raise WarehouseError(f"run {run_id!r} is not in {db_path}")
        status, started_at, finished_at, error = run
        window_end = (finished_at or started_at).date()
        window_start = window_end - timedelta(days=WINDOW_DAYS - 1)
        days = [window_start + timedelta(days=i) for i in range(WINDOW_DAYS)]
        sources = _source_rows(con, run_id)
        per_day = _top_series(
            con.execute(
                "SELECT source, day, count(*) FROM stg_articles"
                " WHERE day BETWEEN ? AND ? GROUP BY ALL",
                [window_start, window_end],
            ).fetchall(),
            days,
            TOP_SOURCES,
        )
        has_mentions = _has_mentions(con, window_start, window_end)
        if has_mentions:
            coverage_rows = con.execute(
                """
                SELECT c.alpha2, a.day, count(DISTINCT a.article_id)
                FROM stg_articles a JOIN article_countries c USING (article_id)
                WHERE a.day BETWEEN ? AND ?
                GROUP BY ALL
                """,
                [window_start, window_end],
            ).fetchall()
            comentions = _comentions(con, window_start, window_end)
        else:
            coverage_rows = con.execute(
                "SELECT country, day, articles FROM coverage_by_country_day"
                " WHERE day BETWEEN ? AND ? AND country IS NOT NULL",
                [window_start, window_end],
            ).fetchall()
            comentions = None
    return RunReport(
        run_id=run_id,
        status=status,
        started_at=started_at,
        finished_at=finished_at,
        error=error,
        sources=sources,
        window_start=window_start,
        window_end=window_end,
        articles_per_day=per_day,
        country_coverage=_top_series(coverage_rows, days, TOP_COUNTRIES, other=False),
        country_basis="mentions" if has_mentions else "outlet",
        comentions=comentions,
    )


def _source_rows(con: duckdb.DuckDBPyConnection, run_id: str) -> list[SourceRow]:
    rows: dict[str, SourceRow] = {}
    for values in con.execute(
        """
        SELECT source, status, pages_fetched, articles_new, articles_updated,
            articles_unchanged, non_articles, failures, error
        FROM run_sources WHERE run_id = ?
        """,
        [run_id],
    ).fetchall():
        rows[values[0]] = SourceRow(*values)
    # The same failure classes as crawlers.crawl.judge: an error kind, else the HTTP status.
    for source, kind, count in con.execute(
        """
        SELECT coalesce(source, '(unknown)'), coalesce(error_kind, 'http_' || status), count(*)
        FROM fetches
        WHERE run_id = ? AND (error_kind IS NOT NULL OR status >= 400)
          AND coalesce(error_kind, '') NOT IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL
        """,
        [run_id, sorted(POLICY_SKIPS)],
    ).fetchall():
        row = rows.setdefault(source, SourceRow(source=source, status="(not recorded)"))
        row.failures_by_kind[kind] = int(count)
    for source, flag, count in con.execute(
        """
        SELECT source, flag, count(*)
        FROM (SELECT source, unnest(quality_flags) AS flag FROM articles WHERE run_id = ?)
        GROUP BY ALL
        """,
        [run_id],
    ).fetchall():
        row = rows.setdefault(source, SourceRow(source=source, status="(not recorded)"))
        row.quality_flags[flag] = int(count)
    for row in rows.values():
        row.failures_by_kind = dict(sorted(row.failures_by_kind.items(), key=lambda kv: -kv[1]))
        row.quality_flags = dict(sorted(row.quality_flags.items(), key=lambda kv: -kv[1]))
    return [rows[name] for name in sorted(rows)]


def _has_mentions(con: duckdb.DuckDBPyConnection, start: date, end: date) -> bool:
    """True when per-article country mentions exist for articles of the window."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
        ["article_countries"],
    ).fetchone()
    if not exists or not exists[0]:
        return False
    row = con.execute(
        """
        SELECT count(*) FROM (
            SELECT 1 FROM article_countries c JOIN stg_articles a USING (article_id)
            WHERE a.day BETWEEN ? AND ? LIMIT 1)
        """,
        [start, end],
    ).fetchone()
    return bool(row and row[0])


def _comentions(con: duckdb.DuckDBPyConnection, start: date, end: date) -> CoMentions:
    rows = con.execute(
        """
        WITH m AS (
            SELECT DISTINCT c.article_id, c.alpha2
            FROM article_countries c JOIN stg_articles a USING (article_id)
            WHERE a.day BETWEEN $start AND $end
        ),
        top AS (
            SELECT alpha2, count(*) AS n FROM m GROUP BY alpha2 ORDER BY n DESC, alpha2 LIMIT $top
        )
        SELECT x.alpha2, y.alpha2, count(*)
        FROM m x JOIN m y ON x.article_id = y.article_id
        WHERE x.alpha2 IN (SELECT alpha2 FROM top) AND y.alpha2 IN (SELECT alpha2 FROM top)
        GROUP BY ALL
        """,
        {"start": start, "end": end, "top": TOP_COMENTION},
    ).fetchall()
    pairs = {(a, b): int(n) for a, b, n in rows}
    countries = sorted({a for a, _ in pairs}, key=lambda c: (-pairs.get((c, c), 0), c))
    counts = [[pairs.get((a, b), 0) for b in countries] for a in countries]
    return CoMentions(countries=countries, counts=counts)


def _top_series(
    rows: list[tuple[str, date, int]], days: list[date], top: int, other: bool = True
) -> DaySeries:
    """The `top` names by total as series over `days`; the rest summed as 'other' if asked."""
    totals: dict[str, int] = defaultdict(int)
    for name, _, count in rows:
        totals[name] += int(count)
    ranked = sorted(totals, key=lambda n: (-totals[n], n))
    kept = ranked[:top]
    index = {d: i for i, d in enumerate(days)}
    series = {name: [0] * len(days) for name in kept}
    if other and len(ranked) > top:
        series["other"] = [0] * len(days)
    for name, day, count in rows:
        key = name if name in kept else "other"
        if key in series and day in index:
            series[key][index[day]] += int(count)
    return DaySeries(days=days, series=series)


# --- rendering ---------------------------------------------------------------------------------


def write_run_report(
    db_path: str | Path, run_id: str, out_path: str | Path, *, lock_timeout_s: float = 60.0
) -> Path:
    """Write the HTML report of `run_id` to `out_path` (parents created); return the path."""
    report = collect_run_report(db_path, run_id, lock_timeout_s=lock_timeout_s)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(render_html(report), encoding="utf-8")
    tmp.replace(out)
    return out


def country_name(alpha2: str) -> str:
    """A readable country name for an ISO alpha-2 code (the code itself when unknown)."""
    found = pycountry.countries.get(alpha_2=alpha2.upper()) if len(alpha2) == 2 else None
    if found is None:
        return alpha2
    return str(getattr(found, "common_name", None) or found.name)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _when(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in counts.items())


CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1120px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta, .note, figcaption { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; }
.card b { display: block; font-size: 1.4em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--bg); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.status { border-radius: 10px; padding: 0 8px; font-size: 0.85em; white-space: nowrap; }
.completed { background: #dafbe1; } .partial { background: #fff8c5; }
.failed { background: #ffebe9; } .skipped, .running { background: #eaeef2; }
.err { color: #9a3412; font-size: 0.85em; }
figure { margin: 8px 0 24px; } svg { max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.88em; margin-top: 4px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; border-radius: 2px; }
"""


def render_html(report: RunReport) -> str:
    """The report as one HTML document with inline CSS and SVG (no scripts, no external files)."""
    totals = report.totals
    cards = [
        ("status", report.status),
        ("sources", len(report.sources)),
        ("pages fetched", totals["pages_fetched"]),
        ("new articles", totals["articles_new"]),
        ("updated", totals["articles_updated"]),
        ("unchanged", totals["articles_unchanged"]),
        ("failures", totals["failures"]),
    ]
    window = f"{report.window_start:%Y-%m-%d} to {report.window_end:%Y-%m-%d}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>geowire run {_e(report.run_id)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>geowire run {_e(report.run_id)}</h1>",
        f'<p class="meta">started {_when(report.started_at)} · finished'
        f" {_when(report.finished_at)} · report generated {_when(report.generated_at)}</p>",
    ]
    if report.error:
        parts.append(f'<p class="err">{_e(report.error)}</p>')
    parts.append('<div class="cards">')
    parts += [f'<div class="card"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in cards]
    parts.append("</div>")
    parts.append("<h2>Sources</h2>")
    parts.append(_sources_table(report.sources))
    parts.append(
        f"<h2>Articles per source per day</h2><p class='note'>{window}; day published,"
        " else the day first seen (UTC)</p>"
    )
    parts.append(_stacked_bars(report.articles_per_day, "chart-articles-per-day"))
    basis = (
        "countries mentioned in the articles"
        if report.country_basis == "mentions"
        else "the outlet's country (the warehouse has no per-article country mentions for these days)"
    )
    parts.append("<h2>Coverage by country</h2>")
    parts.append(f"<p class='note'>{window}; articles per day by {_e(basis)}</p>")
    parts.append(_line_chart(report.country_coverage, "chart-country-coverage", country_name))
    parts.append("<h2>Countries mentioned together</h2>")
    if report.comentions is None:
        parts.append(
            '<p class="note" id="chart-comention">The co-mention heat map needs per-article country'
            " mentions (the <code>article_countries</code> table); this warehouse has none for these"
            " days.</p>"
        )
    else:
        parts.append(
            f"<p class='note'>{window}; articles mentioning both countries"
            " (diagonal: articles mentioning the country)</p>"
        )
        parts.append(_heatmap(report.comentions, "chart-comention"))
    parts.append("</body></html>")
    return "\n".join(parts)


def _sources_table(sources: list[SourceRow]) -> str:
    if not sources:
        return '<p class="note">No source was recorded for this run.</p>'
    head = (
        "<tr><th>source</th><th>status</th><th class='n'>pages</th><th class='n'>new</th>"
        "<th class='n'>updated</th><th class='n'>unchanged</th><th class='n'>non-articles</th>"
        "<th class='n'>failures</th><th>failures by kind</th><th>quality flags</th></tr>"
    )
    body = []
    for s in sources:
        status_class = s.status if s.status.isalpha() else "skipped"
        error = f'<div class="err">{_e(s.error[:200])}</div>' if s.error else ""
        body.append(
            f"<tr><td>{_e(s.source)}</td>"
            f'<td><span class="status {_e(status_class)}">{_e(s.status)}</span></td>'
            f"<td class='n'>{s.pages_fetched}</td><td class='n'>{s.articles_new}</td>"
            f"<td class='n'>{s.articles_updated}</td><td class='n'>{s.articles_unchanged}</td>"
            f"<td class='n'>{s.non_articles}</td><td class='n'>{s.failures}</td>"
            f"<td>{_e(_kinds(s.failures_by_kind))}{error}</td>"
            f"<td>{_e(_kinds(s.quality_flags))}</td></tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def _nice_step(peak: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up to `peak`."""
    if peak <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(peak / ticks))
    for factor in (1, 2, 5, 10):
        if peak / (factor * magnitude) <= ticks:
            return max(float(factor * magnitude), 1.0)
    return max(10.0 * magnitude, 1.0)


W, H = 1000, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 36


def _axes(days: list[date], peak: float) -> tuple[list[str], float, float]:
    """Gridlines, y ticks and day labels; returns the SVG parts, the y scale and the x step."""
    step = _nice_step(peak)
    top_value = step * max(1, math.ceil(peak / step))
    plot_h = H - TOP - BOTTOM
    scale = plot_h / top_value
    x_step = (W - LEFT - RIGHT) / max(len(days), 1)
    parts = []
    value = 0.0
    while value <= top_value + 1e-9:
        y = H - BOTTOM - value * scale
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e9ee"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
        value += step
    label_every = max(1, math.ceil(len(days) / 10))
    for i, day in enumerate(days):
        if i % label_every == 0 or i == len(days) - 1:
            x = LEFT + (i + 0.5) * x_step
            parts.append(
                f'<text x="{x:.1f}" y="{H - BOTTOM + 18}" text-anchor="middle">{day:%b %d}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{H - BOTTOM}" y2="{H - BOTTOM}" stroke="#8c959f"/>'
    )
    return parts, scale, x_step


def _svg(chart_id: str, label: str, parts: list[str]) -> str:
    return (
        f'<svg id="{chart_id}" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img"'
        f' aria-label="{_e(label)}" xmlns="http://www.w3.org/2000/svg"'
        ' font-family="system-ui, sans-serif" font-size="11" fill="#59636e">'
        + "".join(parts)
        + "</svg>"
    )


def _colours(names: list[str]) -> dict[str, str]:
    return {
        name: OTHER_COLOUR if name == "other" else PALETTE[i % len(PALETTE)]
        for i, name in enumerate(names)
    }


def _legend(colours: dict[str, str], data: DaySeries, label: Label = str) -> str:
    items = "".join(
        f'<span><i style="background:{c}"></i>{_e(label(n))} ({sum(data.series[n])})</span>'
        for n, c in colours.items()
    )
    return f'<div class="legend">{items}</div>'


def _no_data(chart_id: str, text: str) -> str:
    return _svg(
        chart_id,
        text,
        [f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" font-size="14">{_e(text)}</text>'],
    )


def _stacked_bars(data: DaySeries, chart_id: str) -> str:
    if data.empty:
        return f"<figure>{_no_data(chart_id, 'No articles in this window')}</figure>"
    names = list(data.series)
    colours = _colours(names)
    peak = max(sum(v[i] for v in data.series.values()) for i in range(len(data.days)))
    parts, scale, x_step = _axes(data.days, peak)
    width = max(x_step * 0.78, 1.0)
    for i, day in enumerate(data.days):
        y = float(H - BOTTOM)
        x = LEFT + i * x_step + (x_step - width) / 2
        for name in names:
            n = data.series[name][i]
            if not n:
                continue
            h = n * scale
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}"'
                f' fill="{colours[name]}"><title>{_e(name)}, {day:%Y-%m-%d}: {n}</title></rect>'
            )
    return f"<figure>{_svg(chart_id, 'articles per source per day', parts)}{_legend(colours, data)}</figure>"


def _line_chart(data: DaySeries, chart_id: str, label: Label = str) -> str:
    if data.empty:
        return f"<figure>{_no_data(chart_id, 'No articles with a country in this window')}</figure>"
    names = list(data.series)
    colours = _colours(names)
    peak = max(max(values) for values in data.series.values())
    parts, scale, x_step = _axes(data.days, peak)
    for name in names:
        points = [
            (LEFT + (i + 0.5) * x_step, H - BOTTOM - n * scale)
            for i, n in enumerate(data.series[name])
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colours[name]}" stroke-width="2"/>'
        )
        for (x, y), day, n in zip(points, data.days, data.series[name], strict=True):
            if n:
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colours[name]}">'
                    f"<title>{_e(label(name))}, {day:%Y-%m-%d}: {n}</title></circle>"
                )
    legend = _legend(colours, data, label)
    return f"<figure>{_svg(chart_id, 'coverage by country per day', parts)}{legend}</figure>"


def _blend(share: float) -> str:
    """White to dark blue as `share` goes from 0 to 1."""
    low, high = (247, 251, 255), (8, 48, 107)
    rgb = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _heatmap(data: CoMentions, chart_id: str) -> str:
    n = len(data.countries)
    cell, margin = 40, 44
    size = margin + n * cell + 4
    off_diagonal = [data.counts[i][j] for i in range(n) for j in range(n) if i != j]
    peak = max(off_diagonal, default=0) or 1
    parts = []
    for i, code in enumerate(data.countries):
        centre = margin + i * cell + cell / 2
        parts.append(
            f'<text x="{margin - 6}" y="{centre + 4:.0f}" text-anchor="end">{_e(code)}</text>'
            f'<text x="{centre:.0f}" y="{margin - 8}" text-anchor="middle">{_e(code)}</text>'
        )
        for j, other in enumerate(data.countries):
            count = data.counts[i][j]
            x, y = margin + j * cell, margin + i * cell
            if i == j:
                fill, ink = "#eaeef2", "#59636e"
                tip = f"{country_name(code)}: {count} articles"
            else:
                share = math.sqrt(
                    count / peak
                )  # sqrt: a few dominant pairs would wash out the rest
                fill, ink = _blend(share), ("#ffffff" if share > 0.55 else "#1f2328")
                tip = f"{country_name(code)} and {country_name(other)}: {count} articles"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                f"<title>{_e(tip)}</title></rect>"
            )
            if count:
                parts.append(
                    f'<text x="{x + (cell - 2) / 2:.0f}" y="{y + cell / 2 + 3:.0f}"'
                    f' text-anchor="middle" fill="{ink}">{count}</text>'
                )
    svg = (
        f'<svg id="{chart_id}" viewBox="0 0 {size} {size}" width="{size}" height="{size}"'
        ' role="img" aria-label="country co-mentions" xmlns="http://www.w3.org/2000/svg"'
        ' font-family="system-ui, sans-serif" font-size="11" fill="#59636e">'
        + "".join(parts)
        + "</svg>"
    )
    names = ", ".join(f"{c} {country_name(c)}" for c in data.countries)
    return f"<figure>{svg}<figcaption>{_e(names)}</figcaption></figure>"


# --- markdown ----------------------------------------------------------------------------------


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def run_report_markdown(db_path: str | Path, run_id: str, *, lock_timeout_s: float = 60.0) -> str:
    """A markdown summary of one run (per-source table, failures and flags by kind, top countries)."""
    report = collect_run_report(db_path, run_id, lock_timeout_s=lock_timeout_s)
    totals = report.totals
    lines = [
        f"# geowire run {report.run_id}: {report.status}",
        "",
        f"Started {_when(report.started_at)}, finished {_when(report.finished_at)}.",
        f"**{totals['articles_new']} new, {totals['articles_updated']} updated and"
        f" {totals['articles_unchanged']} unchanged articles from {totals['pages_fetched']}"
        f" pages; {totals['failures']} failures.**",
    ]
    if report.error:
        lines += ["", f"Error: {_md(report.error[:500])}"]
    lines += [
        "",
        "| source | status | pages | new | updated | unchanged | failures | quality flags |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for s in report.sources:
        failures = str(s.failures)
        if s.failures_by_kind:
            failures += f" ({_kinds(s.failures_by_kind)})"
        lines.append(
            f"| {_md(s.source)} | {_md(s.status)} | {s.pages_fetched} | {s.articles_new} |"
            f" {s.articles_updated} | {s.articles_unchanged} | {_md(failures)} |"
            f" {_md(_kinds(s.quality_flags))} |"
        )
    top = {
        name: sum(values) for name, values in report.country_coverage.series.items() if sum(values)
    }
    if top:
        basis = "mentions" if report.country_basis == "mentions" else "outlet country"
        ranked = ", ".join(f"{_md(country_name(c))} {n}" for c, n in top.items())
        lines += [
            "",
            f"Top countries, {report.window_start:%Y-%m-%d} to {report.window_end:%Y-%m-%d}"
            f" (by {basis}): {ranked}",
        ]
    return "\n".join(lines)
