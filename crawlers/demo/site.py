"""The demo web server: one ThreadingHTTPServer per outlet on its own loopback address."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from crawlers.demo import feeds, pages
from crawlers.demo.content import OutletContent, article_path, load_content, slugify
from crawlers.demo.model import DemoArticle, DemoOutlet, OutletSpec
from crawlers.demo.render import render_article, slug_of

DEFAULT_HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
LOGGED_HEADERS = ("If-None-Match", "If-Modified-Since", "User-Agent", "Accept-Encoding")
HTML = "text/html; charset=utf-8"


class LoggedRequest(NamedTuple):
    """One request the demo served."""

    host: str
    path: str
    method: str
    status: int
    headers: dict[str, str]


class RequestLog:
    """A thread-safe, append-only list of served requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def append(self, entry: LoggedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[LoggedRequest]:
        """A snapshot of every request so far."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Forget every request (e.g. between two crawls in one test)."""
        with self._lock:
            self._entries.clear()

    def count(
        self, path: str | None = None, host: str | None = None, status: int | None = None
    ) -> int:
        """How many requests match the path (query string ignored), host and status given."""
        return sum(
            1
            for e in self.entries()
            if (path is None or urlsplit(e.path).path == path)
            and (host is None or e.host == host)
            and (status is None or e.status == status)
        )

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(self.entries())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sites: DemoSites, spec: OutletSpec) -> None:
        super().__init__(address, _Handler)
        self.sites = sites
        self.spec = spec
        self.spec_host = address[0]


class DemoSites:
    """The running demo outlets. A context manager; `stop()` shuts every server down."""

    def __init__(self, contents: Sequence[OutletContent], hosts: Sequence[str], port: int) -> None:
        if len(hosts) < len(contents):
            raise ValueError(f"need {len(contents)} hosts for the demo outlets, got {len(hosts)}")
        self.request_log = RequestLog()
        self._lock = threading.RLock()
        self._servers: list[_OutletServer] = []
        self._threads: list[threading.Thread] = []
        self._specs: dict[str, OutletSpec] = {}
        self._outlets: dict[str, DemoOutlet] = {}
        self._articles: dict[str, list[DemoArticle]] = {}
        try:
            for content, host in zip(contents, hosts, strict=False):
                self._start_one(content, host, port)
        except BaseException:
            self.stop()
            raise

    def _start_one(self, content: OutletContent, host: str, port: int) -> None:
        spec = content.spec
        server = _OutletServer((host, port), self, spec)
        bound_port = server.server_address[1]
        outlet = DemoOutlet(
            name=spec.name,
            base_url=f"http://{host}:{bound_port}/",
            country=spec.country,
            language=spec.language,
            title=spec.title,
            host=host,
        )
        self._specs[spec.name] = spec
        self._outlets[spec.name] = outlet
        self._articles[spec.name] = [replace(a, url=outlet.url(a.path)) for a in content.articles]
        # A short poll interval keeps stop() fast (the default 0.5 s is felt in every test).
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"demo-{spec.name}",
            daemon=True,
        )
        thread.start()
        # Only a serving server may be shut down: shutdown() blocks until serve_forever ends.
        self._servers.append(server)
        self._threads.append(thread)

    # -- public view ---------------------------------------------------------------------------

    @property
    def outlets(self) -> list[DemoOutlet]:
        """The running outlets, in data-file order."""
        return list(self._outlets.values())

    @property
    def articles(self) -> list[DemoArticle]:
        """Every public article (not the /private/ ones), current text included."""
        with self._lock:
            return [a for items in self._articles.values() for a in items if not a.private]

    @property
    def private_articles(self) -> list[DemoArticle]:
        """The articles under /private/ that robots.txt forbids: a crawler must never fetch them."""
        with self._lock:
            return [a for items in self._articles.values() for a in items if a.private]

    def outlet(self, name: str) -> DemoOutlet:
        """The running outlet called `name`."""
        return self._outlets[name]

    def article(self, url: str) -> DemoArticle:
        """The article at `url` (query string and fragment ignored)."""
        wanted = url.split("#", 1)[0].split("?", 1)[0]
        with self._lock:
            for items in self._articles.values():
                for article in items:
                    if article.url == wanted:
                        return article
        raise KeyError(f"no demo article at {url!r}")

    def sources_toml(self) -> str:
        """A sources file (for `crawlers.sources.parse_sources`) naming every running outlet."""
        lines = ["# Demo outlets served on loopback by crawlers.demo; generated, do not edit.", ""]
        for outlet in self.outlets:
            spec = self._specs[outlet.name]
            sitemap = spec.sitemap_index_path or spec.news_sitemap_path
            lines += [
                "[[source]]",
                f"name = {_toml_str(outlet.name)}",
                f"homepage = {_toml_str(outlet.base_url)}",
                f"country = {_toml_str(outlet.country)}",
                f"language = {_toml_str(outlet.language)}",
                f"feeds = [{_toml_str(outlet.url(spec.feed_path))}]",
                f"sitemaps = [{_toml_str(outlet.url(sitemap))}]",
                f"sections = [{_toml_str(outlet.url(spec.section_path))}]",
                # A local server needs no politeness delay; keeps `geowire demo` quick.
                "download_delay = 0.0",
                "concurrency = 4",
                "",
            ]
        return "\n".join(lines)

    # -- changes at run time ---------------------------------------------------------------------

    def set_article_text(self, url: str, paragraphs: list[str], title: str | None = None) -> None:
        """Change an article's text (and title) in place, as a stealth edit or correction would;
        its modified time moves on, so feeds and sitemaps change too."""
        current = self.article(url)
        with self._lock:
            items = self._articles[current.outlet]
            changed = replace(
                current,
                paragraphs=list(paragraphs),
                title=title if title is not None else current.title,
                modified=self._next_change_time(current.outlet),
            )
            items[items.index(current)] = changed

    def add_article(
        self,
        outlet: str,
        title: str,
        paragraphs: list[str],
        *,
        authors: Sequence[str] = ("Staff Reporter",),
        tags: Sequence[str] = (),
        section: str | None = None,
        published: datetime | None = None,
        in_feed: bool = True,
        in_sitemap: bool = True,
        on_section: bool = True,
    ) -> DemoArticle:
        """Publish a new article on `outlet` now; it appears wherever the flags say."""
        spec = self._specs[outlet]
        with self._lock:
            when = published or self._next_change_time(outlet)
            slug = slugify(title)
            path = article_path(spec, slug, when, None)
            if any(a.path == path for a in self._articles[outlet]):
                raise ValueError(f"{outlet} already has an article at {path}")
            article = DemoArticle(
                outlet=outlet,
                path=path,
                url=self._outlets[outlet].url(path),
                title=title,
                authors=list(authors),
                published=when,
                paragraphs=list(paragraphs),
                tags=list(tags),
                section=section or spec.section_title,
                in_feed=in_feed,
                in_sitemap=in_sitemap,
                on_section=on_section,
                slug=slug,
            )
            self._articles[outlet].append(article)
            return article

    def _next_change_time(self, outlet: str) -> datetime:
        # Strictly later than anything the outlet has, at whole seconds, so that
        # Last-Modified (one-second resolution) always moves on after a change.
        latest = feeds.latest_change(self._articles[outlet])
        now = datetime.now(UTC).replace(microsecond=0)
        return max(now, (latest + timedelta(seconds=1)).replace(microsecond=0))

    # -- lifecycle -------------------------------------------------------------------------------

    def stop(self) -> None:
        """Shut every server down and wait for their threads (safe to call twice)."""
        # Shut down in parallel: each shutdown() waits up to one poll interval.
        stoppers = [threading.Thread(target=s.shutdown) for s in self._servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoSites:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what a request sees ----------------------------------------------------------------------

    def snapshot(self, outlet: str) -> list[DemoArticle]:
        """All of an outlet's articles (private ones too) at this moment."""
        with self._lock:
            return list(self._articles[outlet])


def start_demo_sites(hosts: Sequence[str] = DEFAULT_HOSTS, port: int = 0) -> DemoSites:
    """Start one server per demo outlet (port 0 = any free port) and return them running."""
    return DemoSites(load_content(), hosts, port)


def _toml_str(value: str) -> str:
    # A JSON string literal is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=False)


class _Handler(BaseHTTPRequestHandler):
    server: _OutletServer
    protocol_version = "HTTP/1.1"
    server_version = "DemoNews/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log replaces stderr chatter

    def do_GET(self) -> None:
        self._serve_safely(head=False)

    def do_HEAD(self) -> None:
        self._serve_safely(head=True)

    def _serve_safely(self, head: bool) -> None:
        try:
            self._serve(head)
        except Exception as exc:  # a bug in the demo must look like a server error, not a hang-up
            message = f"demo server error: {exc!r}".encode()
            self._send(500, message, "text/plain; charset=utf-8", head)

    def _serve(self, head: bool) -> None:
        sites, spec = self.server.sites, self.server.spec
        outlet = sites.outlet(spec.name)
        path = urlsplit(self.path).path
        everything = sites.snapshot(spec.name)
        public = [a for a in everything if not a.private]
        private = [a for a in everything if a.private]

        if path == "/robots.txt":
            return self._send(
                200, feeds.robots_txt(spec, outlet).encode(), "text/plain; charset=utf-8", head
            )
        if path == spec.feed_path:
            kind = "application/atom+xml" if spec.feed_kind == "atom" else "application/rss+xml"
            listed = [a for a in public if a.in_feed]
            return self._send_validated(
                feeds.feed_xml(spec, outlet, public), f"{kind}; charset=utf-8", listed, head
            )
        if path == spec.news_sitemap_path:
            listed = [a for a in public if a.in_sitemap]
            return self._send_validated(
                feeds.news_sitemap_xml(spec, public), "application/xml; charset=utf-8", listed, head
            )
        if spec.sitemap_index_path and path == spec.sitemap_index_path:
            listed = [a for a in public if a.in_sitemap]
            body = feeds.sitemap_index_xml(spec, outlet, public)
            return self._send_validated(body, "application/xml; charset=utf-8", listed, head)
        if path == "/":
            return self._send(200, pages.home_page(spec, public).encode(), HTML, head)
        if path == spec.section_path:
            body = pages.section_page(spec, outlet, public, private)
            return self._send(200, body.encode(), HTML, head)
        if path == "/about/":
            return self._send(200, pages.about_page(spec).encode(), HTML, head)
        for article in everything:
            if article.path == path:
                related = _related(article, public)
                body = render_article(spec, outlet, article, related)
                return self._send(200, body.encode(), HTML, head)
            if article.path == path + "/":
                return self._send(301, b"", HTML, head, {"Location": outlet.url(article.path)})
        listing = self._listing(spec, path, public)
        if listing is not None:
            return self._send(200, listing.encode(), HTML, head)
        return self._send(404, pages.not_found_page(spec).encode(), HTML, head)

    def _listing(self, spec: OutletSpec, path: str, public: list[DemoArticle]) -> str | None:
        for prefix, field in ((spec.tag_prefix, "tags"), (spec.author_prefix, "authors")):
            if path.startswith(prefix) and path.endswith("/"):
                slug = path[len(prefix) : -1]
                # Only section-front stories: sitemap-only articles must stay unreachable by links.
                linked = [a for a in public if a.on_section]
                matching = [a for a in linked if any(slug_of(v) == slug for v in getattr(a, field))]
                names = [v for a in matching for v in getattr(a, field) if slug_of(v) == slug]
                if names:
                    return pages.listing_page(spec, names[0], matching)
        return None

    def _send_validated(
        self, body: bytes, content_type: str, listed: list[DemoArticle], head: bool
    ) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        changed = feeds.latest_change(listed).astimezone(UTC).replace(microsecond=0)
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(changed, usegmt=True),
            # max-age=0 (not no-cache): Scrapy's RFC2616Policy then revalidates with
            # If-None-Match / If-Modified-Since; with no-cache it refetches blindly.
            "Cache-Control": "max-age=0",
        }
        if self._not_modified(etag, changed):
            return self._send(304, b"", content_type, head, headers)
        return self._send(200, body, content_type, head, headers)

    def _not_modified(self, etag: str, changed: datetime) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return changed <= since
        return False

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        head: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        # Log before replying, so a client that has its response always finds it logged.
        interesting = {k: v for k in LOGGED_HEADERS if (v := self.headers.get(k)) is not None}
        self.server.sites.request_log.append(
            LoggedRequest(self.server.spec_host, self.path, self.command, status, interesting)
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)


def _related(article: DemoArticle, public: list[DemoArticle]) -> list[DemoArticle]:
    others = sorted(
        (a for a in public if a.path != article.path and a.on_section),
        key=lambda a: abs((a.published - article.published).total_seconds()),
    )
    return others[:4]
