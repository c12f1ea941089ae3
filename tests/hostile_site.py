"""A hostile news site for crawl tests: every way a server can waste a crawler's time or memory.

`hostile_routes(site)` returns LocalSite routes; `PATHS` names each case so tests can assert on
exactly the URLs involved. Big bodies are streamed, never built in memory.
"""

from __future__ import annotations

import time
import zlib
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler

from tests.localsite import Handler, LocalSite, Route

MB = 1024 * 1024
OFFSITE = "http://127.0.0.10:1"
CALENDAR_DAYS = 50_000
REDIRECT_CHAIN = 30  # longer than REDIRECT_MAX_TIMES
TRICKLE_MAX_S = 30.0  # the server gives up on its own after this, whatever the client does

NEWS = "/news/2026/03/"
PATHS = {
    "good": NEWS + "calm-control-story-about-harbour-trade.html",
    "server_error": NEWS + "server-error-story-always-500.html",
    "flaky_503": NEWS + "flaky-story-503-then-ok.html",
    "retry_after": NEWS + "rate-limited-story-429-then-ok.html",
    "retry_after_hostile": NEWS + "rate-limited-story-retry-after-a-day.html",
    "loop_a": NEWS + "redirect-loop-story-a.html",
    "loop_b": NEWS + "redirect-loop-story-b.html",
    "chain": NEWS + "redirect-chain-story-0.html",
    "offsite": NEWS + "redirect-offsite-story-elsewhere.html",
    "trickle": NEWS + "trickle-forever-story-never-ends.html",
    "huge": NEWS + "huge-story-forty-megabytes.html",
    "huge_chunked": NEWS + "huge-story-no-content-length.html",
    "gzip_bomb": NEWS + "gzip-bomb-story-small-on-the-wire.html",
    "wrong_charset": NEWS + "wrong-charset-story-latin1-as-utf8.html",
    "missing_charset": NEWS + "missing-charset-story-no-declaration.html",
    "utf16": NEWS + "utf16-story-with-byte-order-mark.html",
    "nul_bytes": NEWS + "nul-bytes-story-binary-zeros.html",
    "invalid_utf8": NEWS + "invalid-utf8-story-broken-sequences.html",
    "pdf": NEWS + "pdf-served-as-html-story.html",
    "png": NEWS + "png-served-as-html-story.html",
    "empty": NEWS + "empty-200-story-no-body.html",
    "cookie_banner": NEWS + "cookie-banner-only-story-page.html",
    "nested_divs": NEWS + "fifty-thousand-nested-divs-story.html",
    "app_shell": NEWS + "script-only-app-shell-story.html",
    "robots": "/private/robots-blocked-story-about-secrets.html",
    "duplicate": NEWS + "duplicate-story-under-five-urls.html",
    "feed_one": NEWS + "feed-story-before-the-cut-one.html",
    "feed_two": NEWS + "feed-story-before-the-cut-two.html",
    "feed_cut": NEWS + "feed-story-cut-in-the-middle.html",
}
# The same article as the feed, the sitemap and the section page announce it.
DUPLICATE_VARIANTS = (
    PATHS["duplicate"] + "?utm_source=rss&utm_medium=feed",
    PATHS["duplicate"] + "#comments",
    PATHS["duplicate"] + "?fbclid=IwAR0hostile",
    PATHS["duplicate"] + "?gclid=abc&utm_campaign=spring#top",
    PATHS["duplicate"],
)
# Pages that are fetched and archived but are no article; extraction must say so, not crash.
NON_ARTICLES = ("pdf", "png", "empty", "cookie_banner", "nested_divs", "app_shell")
# Pages with a real story in a hostile encoding; extraction must not crash on them.
ENCODINGS = ("wrong_charset", "missing_charset", "utf16", "nul_bytes", "invalid_utf8")

PARAGRAPH = (
    "The harbour authority said on Tuesday that container traffic through the northern terminal "
    "fell by a fifth in the third quarter, the steepest drop since the pandemic, as shipping lines "
    "rerouted vessels and insurers raised premiums again. Dockworkers' unions warned of layoffs."
)


def article(title: str, extra: str = "") -> str:
    """A plain, well-formed article page."""
    paragraphs = f"<p>{PARAGRAPH}</p>" * 4
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}{extra}</article></body></html>"
    )


def html_route(body: bytes | str, content_type: str = "text/html; charset=utf-8") -> Route:
    """A 200 with `body` under the given Content-Type."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Route(body=data, headers={"Content-Type": content_type})


def redirect(location: str) -> Route:
    """A permanent redirect."""
    return Route(status=301, headers={"Location": location, "Content-Type": "text/html"})


def _send_head(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.end_headers()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    _send_head(
        handler,
        status,
        {"Content-Type": "text/html; charset=utf-8", **headers, "Content-Length": str(len(body))},
    )
    handler.wfile.write(body)


def fails_first(site: LocalSite, path: str, times: int, status: int, **headers: str) -> Handler:
    """Answer `status` (with `headers`) to the first `times` requests, then the article."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        if site.hits(path) <= times:
            _send(handler, status, b"<html><body>try again later</body></html>", **headers)
        else:
            _send(handler, 200, article("Recovered story").encode())

    return handle


def trickle(handler: BaseHTTPRequestHandler) -> None:
    """Promise a small body, then send one byte every 0.2 s: only a download timeout ends it."""
    _send_head(handler, 200, {"Content-Type": "text/html", "Content-Length": "100000"})
    deadline = time.monotonic() + TRICKLE_MAX_S
    try:
        handler.wfile.write(b"<html><body><p>")
        while time.monotonic() < deadline:
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass  # the crawler hung up: what we want
    handler.close_connection = True


def stream_huge(size: int, announce_length: bool) -> Handler:
    """Stream `size` bytes of HTML in 64 KB chunks (with or without a Content-Length)."""
    chunk = b"<p>" + b"filler " * 9361 + b"</p>"  # ~64 KB

    def handle(handler: BaseHTTPRequestHandler) -> None:
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if announce_length:
            headers["Content-Length"] = str(size)
        else:
            headers["Connection"] = "close"  # the body ends when the connection does
        _send_head(handler, 200, headers)
        sent = 0
        try:
            while sent < size:
                piece = chunk[: size - sent]
                handler.wfile.write(piece)
                sent += len(piece)
        except OSError:
            pass
        handler.close_connection = True

    return handle


def gzip_bomb(decompressed: int = 256 * MB) -> bytes:
    """A gzip member that inflates to `decompressed` bytes of zeros (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    block = b"\0" * MB
    parts = [compressor.compress(b"<html><body>")]
    parts += [compressor.compress(block) for _ in range(decompressed // MB)]
    parts.append(compressor.flush())
    return b"".join(parts)


def nested_divs(depth: int = 50_000) -> bytes:
    """A page whose body is `depth` nested divs around one sentence."""
    return (
        b"<html><head><title>Deep</title></head><body>"
        + b"<div>" * depth
        + b"Deep inside."
        + b"</div>" * depth
        + b"</body></html>"
    )


def calendar_sitemap(base: str, days: int = CALENDAR_DAYS) -> bytes:
    """A sitemap of `days` calendar pages, one per day: the classic crawler trap."""
    start = date(1900, 1, 1)
    lines = ['<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for offset in range(days):
        day = start + timedelta(days=offset)
        lines.append(f"<url><loc>{base}/calendar/{day:%Y/%m/%d}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines).encode()


def hostile_routes(site: LocalSite) -> dict[str, Route]:
    """Every hostile case, wired to `site` (its base URL and its request counters)."""
    base = site.base_url
    p = PATHS
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>
<item><title>One</title><link>{base}{p["feed_one"]}</link></item>
<item><title>Two</title><link>{base}{p["feed_two"]}</link></item>
<item><title>Dup</title><link>{base}{DUPLICATE_VARIANTS[0].replace("&", "&amp;")}</link></item>
<item><title>Cut</title><link>{base}{p["feed_cut"]}</link><description>and then the conn"""
    # loop_b is reached only through loop_a, so the loop is the only way it is requested.
    news_paths = [
        v for k, v in p.items() if k not in ("feed_one", "feed_two", "feed_cut", "loop_b")
    ]
    news_paths += DUPLICATE_VARIANTS[2:4]
    urls = "\n".join(
        f"<url><loc>{base}{path.replace('&', '&amp;')}</loc></url>" for path in news_paths
    )
    news_sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    )
    index = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap>
<sitemap><loc>{base}/calendar-sitemap.xml</loc></sitemap></sitemapindex>"""
    section = "".join(
        f'<a href="{variant}">the same story</a>' for variant in DUPLICATE_VARIANTS[1:]
    )
    cp1252 = article("Café society", "<p>Déjà vu for the señor’s “rivals”.</p>")
    utf16 = article("Ünïcödé story", "<p>Grüße aus Köln — ½ price.</p>")
    invalid = article("Broken bytes").encode() + b"<p>bad \xff\xfe\xc3\x28 \xe2\x82 bytes</p>"
    chain = {
        f"{NEWS}redirect-chain-story-{i}.html": redirect(
            f"{base}{NEWS}redirect-chain-story-{i + 1}.html"
        )
        for i in range(REDIRECT_CHAIN)
    }
    routes = {
        "/robots.txt": Route(
            body=b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
        ),
        "/feed.xml": Route(body=rss.encode(), headers={"Content-Type": "application/rss+xml"}),
        "/sitemap.xml": Route(body=index.encode(), headers={"Content-Type": "application/xml"}),
        "/news-sitemap.xml": Route(
            body=news_sitemap.encode(), headers={"Content-Type": "application/xml"}
        ),
        "/calendar-sitemap.xml": Route(
            body=calendar_sitemap(base), headers={"Content-Type": "application/xml"}
        ),
        "/world/": html_route(f"<html><body>{section}</body></html>"),
        p["good"]: html_route(article("Harbour trade steadies")),
        p["feed_one"]: html_route(article("Feed story one")),
        p["feed_two"]: html_route(article("Feed story two")),
        p["feed_cut"]: html_route(article("Cut story")),
        p["duplicate"]: html_route(article("The duplicated story")),
        p["server_error"]: Route(body=b"<html><body>oops</body></html>", status=500),
        p["flaky_503"]: Route(handler=fails_first(site, p["flaky_503"], 1, 503)),
        p["retry_after"]: Route(
            handler=fails_first(site, p["retry_after"], 1, 429, **{"Retry-After": "2"})
        ),
        p["retry_after_hostile"]: Route(
            handler=fails_first(site, p["retry_after_hostile"], 99, 429, **{"Retry-After": "86400"})
        ),
        p["loop_a"]: redirect(base + p["loop_b"]),
        p["loop_b"]: redirect(base + p["loop_a"]),
        **chain,
        p["offsite"]: redirect(f"{OFFSITE}{NEWS}elsewhere-story.html"),
        p["trickle"]: Route(handler=trickle),
        p["huge"]: Route(handler=stream_huge(40 * MB, announce_length=True)),
        p["huge_chunked"]: Route(handler=stream_huge(40 * MB, announce_length=False)),
        p["gzip_bomb"]: Route(
            body=gzip_bomb(),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        ),
        # declares UTF-8, is Windows-1252
        p["wrong_charset"]: html_route(cp1252.encode("cp1252")),
        p["missing_charset"]: html_route(cp1252.encode("utf-8"), "text/html"),
        p["utf16"]: html_route(utf16.encode("utf-16"), "text/html; charset=utf-16"),
        p["nul_bytes"]: html_route(article("Zeros").replace("<p>", "<p>\0\0", 3).encode()),
        p["invalid_utf8"]: html_route(invalid),
        p["pdf"]: html_route(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" * 200),
        p["png"]: html_route(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64),
        p["empty"]: html_route(b""),
        p["cookie_banner"]: html_route(
            '<html><body><div id="cookie-banner" class="consent"><p>We use cookies to improve '
            "your experience.</p><button>Accept all</button><button>Reject</button></div>"
            "</body></html>"
        ),
        p["nested_divs"]: html_route(nested_divs()),
        p["app_shell"]: html_route(
            '<!doctype html><html><head><title>App</title><script src="/static/app.js"></script>'
            '</head><body><div id="root"></div><noscript>You need to enable JavaScript to run '
            'this app.</noscript><script>window.__STATE__={"page":"story"};</script></body></html>'
        ),
        p["robots"]: html_route(article("Secret story")),
    }
    return routes
