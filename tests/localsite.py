"""A scriptable HTTP server on a loopback address for crawl tests (routes -> canned responses)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Route:
    """A canned response; `handler` overrides everything for special behaviour."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(
        default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"}
    )
    handler: Handler | None = None


@dataclass
class LocalSite:
    """A running site: its base URL, its routes (mutable) and the requests it received."""

    base_url: str
    routes: dict[str, Route]
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # monotonic arrival time of each request

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this site."""
        return self.base_url + path

    def hits(self, path: str) -> int:
        """How many times `path` (with query) was requested."""
        return sum(1 for _, p, _ in self.requests if p == path)

    def hit_times(self, path: str) -> list[float]:
        """Monotonic arrival times of the requests for `path` (with query)."""
        return [t for (_, p, _), t in zip(self.requests, self.times, strict=True) if p == path]


@contextmanager
def serve(routes: dict[str, Route], host: str = "127.0.0.9") -> Iterator[LocalSite]:
    """Serve `routes` on `host` (any free port) until the block ends."""
    site = LocalSite(base_url="", routes=routes)
    lock = threading.Lock()

    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with lock:
                site.requests.append(("GET", self.path, dict(self.headers.items())))
                site.times.append(time.monotonic())
            route = site.routes.get(self.path) or site.routes.get(self.path.split("?", 1)[0])
            if route is None:
                route = Route(body=b"<html><body>not found</body></html>", status=404)
            if route.handler is not None:
                route.handler(self)
                return
            self.send_response(route.status)
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

    server = ThreadingHTTPServer((host, 0), RequestHandler)
    server.daemon_threads = True
    site.base_url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        time.sleep(0)
