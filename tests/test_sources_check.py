"""`geowire sources check`: file validation, and probes against a loopback site and a bad host."""

from __future__ import annotations

import contextlib
import gzip
import io
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawlers.sources import ConfigError
from flows.sources_check import USER_AGENT, check_lines, check_sources, print_checks
from tests.localsite import Route, serve

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>
<item><title>One</title><link>http://127.0.0.12/a/1</link></item>
<item><title>Two</title><link>http://127.0.0.12/a/2</link></item>
<item><title>Three</title><link>http://127.0.0.12/a/3</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>World</title><id>urn:x</id><updated>2026-03-01T00:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><link href="http://127.0.0.12/a/1"/><updated>2026-03-01T00:00:00Z</updated></entry>
</feed>"""
SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://127.0.0.12/a/1</loc></url><url><loc>http://127.0.0.12/a/2</loc></url></urlset>"""
HTML = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hello</p></body></html>"


# generous enough for a loaded CI machine answering a local redirect; the slow route exceeds it
PROBE_TIMEOUT_S = 2.0


def slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(PROBE_TIMEOUT_S + 2)
    with contextlib.suppress(OSError):  # the prober gave up long ago and closed the socket
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(RSS)))
        handler.end_headers()
        handler.wfile.write(RSS)


ROUTES = {
    "/rss.xml": Route(body=RSS, headers={"Content-Type": "application/rss+xml"}),
    "/atom.xml": Route(body=ATOM, headers={"Content-Type": "application/atom+xml"}),
    "/sitemap.xml.gz": Route(body=gzip.compress(SITEMAP), headers={"Content-Type": "application/gzip"}),
    "/sitemap.xml": Route(body=SITEMAP, headers={"Content-Type": "application/xml"}),
    "/news/": Route(body=HTML),
    "/slow.xml": Route(handler=slow),
    "/moved.xml": Route(status=301, headers={"Location": "/rss.xml"}),
}  # fmt: skip


def sources_file(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[source]]
name = "good"
homepage = "{base}/"
country = "IN"
language = "en"
feeds = ["{base}/rss.xml", "{base}/atom.xml", "{base}/moved.xml"]
sitemaps = ["{base}/sitemap.xml.gz"]

[[source]]
name = "broken"
homepage = "{base}/"
country = "PK"
language = "en"
feeds = ["{base}/missing.xml", "{base}/news/", "{base}/sitemap.xml", "{base}/slow.xml"]
sitemaps = ["{base}/rss.xml"]

[[source]]
name = "offline"
homepage = "http://feeds.invalid/"
country = "KE"
language = "en"
feeds = ["http://feeds.invalid/rss"]
sections = ["http://feeds.invalid/world/"]
""",
        encoding="utf-8",
    )
    return path


def test_validation_only_lists_urls_without_fetching(tmp_path: Path) -> None:
    with serve(ROUTES, host="127.0.0.12") as site:
        checks = check_sources(sources_file(tmp_path, site.base_url), probe=False, timeout_s=1)
        assert site.requests == []
    assert len(checks) == 10 and not any(c.probed for c in checks) and all(c.ok for c in checks)
    assert check_lines(checks)[-1] == "sources file is valid; 10 feed and sitemap URLs"


def test_invalid_file_raises_config_error(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "x"\nhomepage = "http://x.example/"\nfeed = []\n')
    with pytest.raises(ConfigError, match="did you mean 'feeds'"):
        check_sources(path, probe=True, timeout_s=1)


def test_probe_reports_each_url(tmp_path: Path) -> None:
    with serve(ROUTES, host="127.0.0.12") as site:
        base = site.base_url
        started = time.monotonic()
        checks = check_sources(sources_file(tmp_path, base), probe=True, timeout_s=PROBE_TIMEOUT_S)
        elapsed = time.monotonic() - started
        agents = {headers.get("User-Agent") for _, _, headers in site.requests}
    by_url = {(c.source, c.url): c for c in checks}
    good = by_url[("good", f"{base}/rss.xml")]
    assert (good.ok, good.status, good.content, good.entries) == (True, 200, "rss", 3)
    atom = by_url[("good", f"{base}/atom.xml")]
    assert (atom.ok, atom.content, atom.entries) == (True, "atom", 1)
    moved = by_url[("good", f"{base}/moved.xml")]
    assert moved.ok and moved.final_url == f"{base}/rss.xml"
    gz = by_url[("good", f"{base}/sitemap.xml.gz")]
    assert (gz.ok, gz.content, gz.entries) == (True, "sitemap", 2)

    missing = by_url[("broken", f"{base}/missing.xml")]
    assert (missing.ok, missing.status) == (False, 404) and "HTTP 404" in (missing.error or "")
    page = by_url[("broken", f"{base}/news/")]
    assert (page.status, page.content) == (200, "html") and "not a feed" in (page.error or "")
    wrong = by_url[("broken", f"{base}/sitemap.xml")]
    assert wrong.error == "listed under feeds but serves sitemap"
    assert by_url[("broken", f"{base}/rss.xml")].error == "listed under sitemaps but serves rss"
    assert "timed out after 2 s" in (by_url[("broken", f"{base}/slow.xml")].error or "")
    offline = by_url[("offline", "http://feeds.invalid/rss")]
    assert not offline.ok and offline.status is None
    assert offline.error == "DNS lookup failed for feeds.invalid (no network?)"

    assert agents == {USER_AGENT}
    assert elapsed < 8, "probes run in parallel, each bounded by the timeout"

    out = io.StringIO()
    assert print_checks(checks, file=out) == 1
    lines = out.getvalue().splitlines()
    assert f"good feed {base}/rss.xml: ok, rss with 3 entries" in lines[0]
    assert any(line.startswith(f"broken feed {base}/missing.xml: FAILED [404]") for line in lines)
    assert lines[-1] == "sources file is valid; 10 feed and sitemap URLs; 4 ok, 6 failed"


def test_all_good_exits_zero(tmp_path: Path) -> None:
    with serve(ROUTES, host="127.0.0.12") as site:
        path = tmp_path / "ok.toml"
        path.write_text(
            f'[[source]]\nname = "good"\nhomepage = "{site.base_url}/"\ncountry = "IN"\n'
            f'language = "en"\nfeeds = ["{site.base_url}/rss.xml"]\n'
        )
        checks = check_sources(path, probe=True, timeout_s=2)
    assert print_checks(checks, file=io.StringIO()) == 0
