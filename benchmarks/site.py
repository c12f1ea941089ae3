"""A synthetic news site on loopback for the crawl benchmarks: N outlets on 127.0.0.20-23.

    .venv/bin/python benchmarks/site.py --articles 2000 --out /tmp/site   # serve until Ctrl-C

Each host is one outlet serving realistic article pages (5-20 KB: header, navigation, byline,
JSON-LD, 6-24 paragraphs, related links, footer) rendered once from templates at start-up, plus
robots.txt, an RSS feed of the newest 50, a section page and a sitemap index whose child sitemaps
list every article. Feeds and sitemaps answer conditional requests (ETag / Last-Modified -> 304).
The server is a minimal asyncio HTTP/1.1 server (keep-alive) in its own process, so its CPU never
competes with the measured process for the GIL; it counts every request by kind, readable at
`/_bench/stats` and resettable at `/_bench/reset` (never linked from any page).
Only loopback addresses are ever bound.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import ipaddress
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

DEFAULT_HOSTS = ("127.0.0.20", "127.0.0.21", "127.0.0.22", "127.0.0.23")
# Articles are dated back from here, one every few minutes, so every run sees the same site.
EPOCH = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SITEMAP_CHUNK = 500

COUNTRIES = [
    "Ukraine", "Russia", "China", "Taiwan", "Israel", "Iran", "India", "Pakistan", "France",
    "Germany", "Turkey", "Brazil", "Nigeria", "Kenya", "Japan", "South Korea", "Mexico",
    "Egypt", "Saudi Arabia", "Poland", "Ethiopia", "Sudan", "Venezuela", "Indonesia",
]  # fmt: skip
CITIES = ["Kyiv", "Beijing", "Jerusalem", "Tehran", "New Delhi", "Paris", "Berlin", "Ankara",
          "Brasilia", "Abuja", "Nairobi", "Tokyo", "Cairo", "Warsaw", "Jakarta"]  # fmt: skip
TOPICS = ["ceasefire talks", "border dispute", "trade sanctions", "election dispute",
          "energy deal", "refugee crisis", "naval exercises", "peace summit", "debt relief",
          "grain corridor", "arms shipment", "drone strike", "climate finance"]  # fmt: skip
VERBS = ["said", "warned", "insisted", "acknowledged", "argued", "told reporters", "added"]
ROLES = ["foreign minister", "defence ministry spokesperson", "prime minister", "president",
         "senior diplomat", "UN envoy", "opposition leader", "central bank governor"]  # fmt: skip
NAMES = ["Amara Okafor", "Lena Vogt", "Rahul Mehta", "Sofia Almeida", "Kenji Watanabe",
         "Yusuf Demir", "Maria Kowalska", "Daniel Cohen", "Fatima Zahra", "Ivan Petrenko"]  # fmt: skip
FILLER = [
    "The talks, which began on Monday, were the first direct contact between the two sides in months",
    "Analysts cautioned that expectations remained low and that any agreement would depend on guarantees neither side has so far been willing to offer",
    "Diplomats familiar with the negotiations, speaking on condition of anonymity, described the atmosphere as tense but businesslike, and said several technical working groups would continue over the weekend.",
]


@dataclass(frozen=True)
class SiteArticle:
    """One generated article."""

    host: str
    path: str
    title: str
    published: datetime
    author: str


@dataclass
class Outlet:
    """One host: its name and pre-rendered documents."""

    name: str
    host: str
    port: int = 0
    articles: list[SiteArticle] = field(default_factory=list)
    documents: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)  # body, type, etag

    @property
    def base(self) -> str:
        """The outlet's origin."""
        return f"http://{self.host}:{self.port}"


def _paragraphs(rng: random.Random, country: str, other: str, count: int) -> list[str]:
    out = []
    for _ in range(count):
        name, role = rng.choice(NAMES), rng.choice(ROLES)
        sentences = [
            f"The {rng.choice(ROLES)} of {country} {rng.choice(VERBS)} that the {rng.choice(TOPICS)}"
            f" with {other} could not be settled without international guarantees.",
            *rng.sample(FILLER, 2),
            f'"We are ready to talk, but not at any price," {name}, the {role}, {rng.choice(VERBS)}.',
            f"Officials in {rng.choice(CITIES)} said a delegation would travel to {other} next week,"
            f" while markets in {country} fell {rng.randint(1, 9)}.{rng.randint(0, 9)} per cent.",
        ]
        rng.shuffle(sentences)
        out.append(" ".join(s.rstrip(".") + "." for s in sentences))
    return out


def _article_html(outlet: Outlet, article: SiteArticle, rng: random.Random, related: list[SiteArticle]) -> str:  # fmt: skip
    country, other = rng.sample(COUNTRIES, 2)
    body = _paragraphs(rng, country, other, rng.randint(6, 24))
    city = rng.choice(CITIES).upper()
    body[0] = f"{city} — {body[0]}"
    iso = article.published.isoformat()
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": iso,
        "author": [{"@type": "Person", "name": article.author}],
        "publisher": {"@type": "Organization", "name": outlet.name},
    }
    nav = "".join(
        f'<li><a href="/{s}/">{s.title()}</a></li>'
        for s in ("world", "politics", "business", "opinion", "sport", "culture")
    )
    rel = "".join(f'<li><a href="{r.path}">{escape(r.title)}</a></li>' for r in related)
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(article.title)} | {escape(outlet.name)}</title>
<meta name="description" content="{escape(body[0][:150])}">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:site_name" content="{escape(outlet.name)}">
<meta property="article:published_time" content="{iso}">
<meta name="keywords" content="{escape(country)}, {escape(other)}, world">
<link rel="canonical" href="{outlet.base}{article.path}">
<script type="application/ld+json">{json.dumps(ld)}</script>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header class="masthead"><a href="/" class="logo">{escape(outlet.name)}</a>
<nav><ul>{nav}</ul></nav><form action="/search"><input name="q"></form></header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<main><article>
<h1>{escape(article.title)}</h1>
<p class="byline">By <a rel="author" href="/authors/{article.author.lower().replace(" ", "-")}/">{escape(article.author)}</a>
<time datetime="{iso}">{article.published:%d %B %Y, %H:%M} UTC</time></p>
<figure><img src="/img/{zlib.crc32(article.path.encode()) % 10000}.jpg" alt=""><figcaption>Delegates arrive for talks in {escape(other)}.</figcaption></figure>
<div class="article-body">
{paras}
</div>
<p class="tags">Topics: <a href="/topics/{country.lower().replace(" ", "-")}/">{escape(country)}</a>
<a href="/topics/{other.lower().replace(" ", "-")}/">{escape(other)}</a></p>
</article>
<aside class="related"><h2>Related</h2><ul>{rel}</ul></aside>
<aside class="newsletter"><h2>Sign up for our daily briefing</h2><p>Get the top stories every morning.</p></aside>
</main>
<footer><p>© 2026 {escape(outlet.name)}. All rights reserved.</p>
<ul><li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li>
<li><a href="/privacy/">Privacy</a></li><li><a href="/terms/">Terms</a></li></ul></footer>
</body></html>"""


def build_outlets(hosts: list[str], articles: int, seed: int = 20) -> list[Outlet]:
    """Generate the outlets and their articles (ports are set when the server binds)."""
    rng = random.Random(seed)
    outlets = [Outlet(f"Bench Herald {i + 1}", host) for i, host in enumerate(hosts)]
    for i in range(articles):
        outlet = outlets[i % len(outlets)]
        published = EPOCH - timedelta(minutes=7 * i)
        topic, country = rng.choice(TOPICS), rng.choice(COUNTRIES)
        title = f"{country} {rng.choice(VERBS).split()[0]} {topic} as pressure mounts ({i})"
        slug = "-".join(title.lower().replace("(", "").replace(")", "").split()[:8])
        path = f"/world/{published:%Y/%m/%d}/{slug}-{100000 + i}.html"
        outlet.articles.append(SiteArticle(outlet.host, path, title, published, rng.choice(NAMES)))
    return outlets


def render(outlet: Outlet, seed: int = 20) -> None:
    """Pre-render every document of an outlet (after its port is known)."""
    rng = random.Random(f"{seed}-{outlet.host}")
    docs: dict[str, tuple[bytes, str, str]] = {}

    def put(path: str, text: str, ctype: str) -> None:
        body = text.encode("utf-8")
        docs[path] = (body, ctype, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')

    arts = outlet.articles
    for k, article in enumerate(arts):
        related = [arts[(k + j) % len(arts)] for j in (1, 2, 3, 5, 8)]
        put(article.path, _article_html(outlet, article, rng, related), "text/html; charset=utf-8")
    put(
        "/robots.txt",
        f"User-agent: *\nDisallow: /search\nDisallow: /_bench/\n\nSitemap: {outlet.base}/sitemap.xml\n",
        "text/plain",
    )
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{outlet.base}{a.path}</link>"
        f"<pubDate>{format_datetime(a.published)}</pubDate><dc:creator>{escape(a.author)}</dc:creator></item>"
        for a in arts[:50]
    )
    put(
        "/feed.xml",
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{escape(outlet.name)}</title><link>{outlet.base}/</link>{items}</channel></rss>",
        "application/rss+xml",
    )
    children = []
    for n in range(0, len(arts), SITEMAP_CHUNK):
        urls = "".join(
            f"<url><loc>{outlet.base}{a.path}</loc><lastmod>{a.published.isoformat()}</lastmod></url>"
            for a in arts[n : n + SITEMAP_CHUNK]
        )
        name = f"/sitemap-{n // SITEMAP_CHUNK + 1}.xml"
        children.append(name)
        put(
            name,
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
            "application/xml",
        )
    index = "".join(f"<sitemap><loc>{outlet.base}{c}</loc></sitemap>" for c in children)
    put(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>',
        "application/xml",
    )
    links = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in arts[:40])
    put(
        "/world/",
        f"<!DOCTYPE html><html><head><title>World | {escape(outlet.name)}</title></head>"
        f"<body><h1>World</h1><ul>{links}</ul></body></html>",
        "text/html; charset=utf-8",
    )
    outlet.documents = docs


def kind_of(path: str) -> str:
    """What a request path is, for the counters."""
    if path == "/robots.txt":
        return "robots"
    if path.startswith("/feed"):
        return "feed"
    if path.startswith("/sitemap"):
        return "sitemap"
    if path.startswith("/world/") and path.endswith(".html"):
        return "article"
    return "section" if path == "/world/" else "other"


LAST_MODIFIED = format_datetime(EPOCH, usegmt=True)


class _Server:
    """The asyncio HTTP/1.1 server over every outlet, with request counters."""

    def __init__(self, outlets: list[Outlet]) -> None:
        self.by_port = {o.port: o for o in outlets}
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("sockname")[1]
        outlet = self.by_port[port]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = ([*lines[0].split(" "), "", ""])[:3]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if int(headers.get("content-length", "0") or 0):
                    await reader.readexactly(int(headers["content-length"]))
                path = target.split("?", 1)[0]
                status, body, ctype, extra = self.respond(outlet, path, headers)
                keep = headers.get("connection", "").lower() != "close"
                response = (
                    f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                    f"{extra}Connection: {'keep-alive' if keep else 'close'}\r\n\r\n"
                ).encode("latin-1")
                writer.write(response + (b"" if method == "HEAD" else body))
                await writer.drain()
                if not keep:
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    def respond(
        self, outlet: Outlet, path: str, headers: dict[str, str]
    ) -> tuple[str, bytes, str, str]:
        if path == "/_bench/stats":
            data = {"counts": dict(self.counts), "total": sum(self.counts.values())}
            return "200 OK", json.dumps(data).encode(), "application/json", ""
        if path == "/_bench/reset":
            self.counts.clear()
            return "200 OK", b"{}", "application/json", ""
        kind = kind_of(path)
        doc = outlet.documents.get(path)
        if doc is None:
            self.counts[f"{kind}:404"] += 1
            return "404 Not Found", b"<h1>Not found</h1>", "text/html", ""
        body, ctype, etag = doc
        validators = f"ETag: {etag}\r\nLast-Modified: {LAST_MODIFIED}\r\n"
        if headers.get("if-none-match") == etag or (
            "if-none-match" not in headers and headers.get("if-modified-since") == LAST_MODIFIED
        ):
            self.counts[f"{kind}:304"] += 1
            return "304 Not Modified", b"", ctype, validators
        self.counts[f"{kind}:200"] += 1
        return "200 OK", body, ctype, validators


async def _serve(outlets: list[Outlet], ready: Path | None) -> None:
    server = _Server([])
    listeners = []
    for outlet in outlets:
        listener = await asyncio.start_server(server.handle, outlet.host, outlet.port, backlog=512)
        outlet.port = listener.sockets[0].getsockname()[1]
        listeners.append(listener)
    for outlet in outlets:
        render(outlet)
    server.by_port = {o.port: o for o in outlets}
    info = {
        "outlets": [{"name": o.name, "host": o.host, "port": o.port} for o in outlets],
        "articles": sum(len(o.articles) for o in outlets),
        "pid": os.getpid(),
    }
    if ready:
        tmp = ready.with_suffix(".tmp")
        tmp.write_text(json.dumps(info), encoding="utf-8")
        tmp.replace(ready)
    print(json.dumps(info), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for listener in listeners:
        listener.close()


def _check_loopback(hosts: list[str]) -> None:
    for host in hosts:
        if not ipaddress.ip_address(host).is_loopback:
            raise SystemExit(f"site.py binds loopback addresses only, not {host}")


def sources_toml(info: dict[str, Any], max_articles: int = 100_000) -> str:
    """A sources file for the running site, one source per host."""
    blocks = []
    for i, o in enumerate(info["outlets"]):
        base = f"http://{o['host']}:{o['port']}"
        blocks.append(
            f'[[source]]\nname = "bench-{i + 1}"\nhomepage = "{base}/"\ncountry = "GB"\n'
            f'language = "en"\nfeeds = ["{base}/feed.xml"]\nsitemaps = ["{base}/sitemap.xml"]\n'
            f'sections = ["{base}/world/"]\nmax_articles = {max_articles}\n'
            f"download_delay = 0.0\nconcurrency = 16\n"
        )
    return "\n".join(blocks)


class SiteProcess:
    """The site served by a child process; a context manager that always stops it."""

    def __init__(
        self,
        workdir: Path,
        articles: int = 2000,
        hosts: tuple[str, ...] = DEFAULT_HOSTS,
        timeout_s: float = 120.0,
    ) -> None:
        _check_loopback(list(hosts))
        self.workdir = workdir
        self.articles = articles
        self.hosts = hosts
        self.timeout_s = timeout_s
        self.info: dict[str, Any] = {}
        self.process: subprocess.Popen[bytes] | None = None
        # Never route loopback requests through a proxy the environment may name.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __enter__(self) -> SiteProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        ready = self.workdir / "site.json"
        ready.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--articles", str(self.articles),
             "--hosts", ",".join(self.hosts), "--ready", str(ready)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + self.timeout_s
        while not ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the benchmark site did not start")
            time.sleep(0.05)
        self.info = json.loads(ready.read_text(encoding="utf-8"))
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server process (terminate, then kill)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _get(self, path: str) -> dict[str, Any]:
        first = self.info["outlets"][0]
        url = f"http://{first['host']}:{first['port']}{path}"
        with self._opener.open(url, timeout=10) as response:
            return json.loads(response.read())

    def stats(self) -> dict[str, int]:
        """Requests served since start or the last reset, by 'kind:status'."""
        return self._get("/_bench/stats")["counts"]

    def reset(self) -> None:
        """Zero the request counters."""
        self._get("/_bench/reset")

    def sources_toml(self) -> str:
        """The sources file for this site."""
        return sources_toml(self.info)

    def article_urls(self) -> list[str]:
        """Every article URL the site serves (for the plain-Scrapy baseline)."""
        ports = {o["host"]: o["port"] for o in self.info["outlets"]}
        return [
            f"http://{a.host}:{ports[a.host]}{a.path}"
            for outlet in build_outlets(list(self.hosts), self.articles)
            for a in outlet.articles
        ]


def main(argv: list[str] | None = None) -> int:
    """Serve the site until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--hosts", default=",".join(DEFAULT_HOSTS))
    parser.add_argument("--ready", type=Path, default=None, help="write the site's JSON here")
    parser.add_argument("--out", type=Path, default=None, help="write sources.toml here")
    args = parser.parse_args(argv)
    hosts = [h for h in args.hosts.split(",") if h]
    _check_loopback(hosts)
    outlets = build_outlets(hosts, args.articles)
    if args.out:

        async def run() -> None:
            task = asyncio.create_task(_serve(outlets, args.ready or args.out / "site.json"))
            ready = args.ready or args.out / "site.json"
            while not ready.exists():
                await asyncio.sleep(0.05)
            (args.out / "sources.toml").write_text(
                sources_toml(json.loads(ready.read_text())), encoding="utf-8"
            )
            print(f"sources file: {args.out / 'sources.toml'}", flush=True)
            await task

        args.out.mkdir(parents=True, exist_ok=True)
        asyncio.run(run())
    else:
        asyncio.run(_serve(outlets, args.ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
