"""A real HTTP server on 127.0.0.1 for tests, with a route table and per-route counters.

Use the ``http_server`` fixture (``tests/conftest.py`` does not need to know about it: import
the fixture into a test module with ``from .httpserver import http_server  # noqa: F401``), or
start one yourself::

    with TestServer() as server:
        server.route("/ok", Reply(200, html_page(title="Hello")))
        server.route("/flaky", Reply(500), Reply(200))          # 500 first, then 200 forever
        server.route("/moved", redirect("/ok", 301))
        server.route("/head-405", by_method(HEAD=Reply(405), GET=Reply(200)))
        url = server.url("/ok")
        ...
        assert server.count("/flaky") == 2

A route is a sequence of :class:`Reply` (the n-th request to that path gets the n-th reply,
the last one repeats) or a function ``Request -> Reply``. Unknown paths answer 404. Every
request is logged in ``server.requests`` (method, path, headers) for assertions such as "HEAD
came first" or "the User-Agent names mlsd".

Slow and endless replies wait on the server's stop event, so stopping the server never waits
for a sleeping handler.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

HTML = "text/html; charset=utf-8"
#: A tiny but well-formed PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Reply:
    """One response. ``body`` may be text (encoded as UTF-8) or bytes."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = HTML
    #: Seconds to wait before sending the status line (a slow server).
    delay: float = 0.0
    #: Send ``body`` once and then filler forever, until the client goes away.
    endless: bool = False
    #: Seconds between chunks of an endless body (a slow drip); 0 sends as fast as possible.
    drip: float = 0.0


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    #: 0 for the first request to this path (any method), 1 for the second...
    n: int


Handler = Callable[[Request], Reply]
Route = Sequence[Reply] | Handler


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status, headers={"Location": location})


def by_method(default: Reply | None = None, **replies: Reply) -> Handler:
    """A route answering per method: ``by_method(HEAD=Reply(405), GET=Reply(200))``."""

    def handle(request: Request) -> Reply:
        return replies.get(request.method, default or Reply(405, headers={"Allow": "GET"}))

    return handle


def html_page(
    *,
    title: str | None = None,
    meta: Sequence[tuple[str, str, str]] = (),
    head_extra: str = "",
    body: str = "<p>Hello.</p>",
    charset_meta: str | None = None,
) -> str:
    """An HTML page. ``meta`` holds (attribute, key, content), e.g. ("property", "og:title", "X")."""
    from html import escape

    parts = ["<!DOCTYPE html>", "<html><head>"]
    if charset_meta:
        parts.append(f'<meta charset="{charset_meta}">')
    if title is not None:
        parts.append(f"<title>{escape(title)}</title>")
    for attribute, key, content in meta:
        parts.append(f'<meta {attribute}="{escape(key)}" content="{escape(content)}">')
    parts.append(head_extra)
    parts.append(f"</head><body>{body}</body></html>")
    return "\n".join(parts)


def json_ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 512
    owner: TestServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up (the checker stops reading at its body cap, a test's timeout
        # fires) is expected here; anything else is still reported.
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def setup(self) -> None:
        super().setup()
        self.server.owner.opened(+1)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner.opened(-1)

    def _serve(self) -> None:
        owner = self.server.owner
        owner.in_flight(+1)
        try:
            self._reply(owner)
        finally:
            owner.in_flight(-1)

    def _reply(self, owner: TestServer) -> None:
        parts = urlsplit(self.path)
        reply = owner.dispatch(self.command, parts.path, parts.query, dict(self.headers.items()))
        stop = owner.stopping
        if reply.delay and stop.wait(reply.delay):
            return
        body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        try:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.endless:
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                if self.command == "HEAD":
                    return
                self.wfile.write(body)
                self._endless(reply, stop)
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _endless(self, reply: Reply, stop: threading.Event) -> None:
        owner = self.server.owner
        chunk = b"." * (1 if reply.drip else 16384)
        while not stop.is_set():
            self.wfile.write(chunk)
            self.wfile.flush()
            with owner.lock:
                owner.endless_bytes += len(chunk)
            if reply.drip and stop.wait(reply.drip):
                return


class TestServer:
    """A ThreadingHTTPServer on 127.0.0.1 (a free port), run in a daemon thread."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.counts: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        #: Bytes of filler sent by endless replies, all routes together.
        self.endless_bytes = 0
        #: Connections open now, and the most ever open at once.
        self.open_connections = 0
        self.max_open_connections = 0
        #: Requests being answered now, and the most ever at once.
        self.active_requests = 0
        self.max_active_requests = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- routes

    def route(self, path: str, *replies: Reply | Handler) -> None:
        """Serve ``path``: one handler function, or replies given in turn (the last repeats)."""
        if len(replies) == 1 and callable(replies[0]) and not isinstance(replies[0], Reply):
            self.routes[path] = replies[0]
        else:
            if not replies or not all(isinstance(r, Reply) for r in replies):
                raise TypeError("route() takes one handler or one or more Reply objects")
            self.routes[path] = [r for r in replies if isinstance(r, Reply)]

    def dispatch(self, method: str, path: str, query: str, headers: dict[str, str]) -> Reply:
        with self.lock:
            n = self.counts.get(path, 0)
            self.counts[path] = n + 1
            self.requests.append((method, path, headers))
            route = self.routes.get(path)
        if route is None:
            return Reply(404, "<h1>Not found</h1>")
        if callable(route):
            return route(Request(method, path, query, headers, n))
        return route[min(n, len(route) - 1)]

    def opened(self, delta: int) -> None:
        with self.lock:
            self.open_connections += delta
            self.max_open_connections = max(self.max_open_connections, self.open_connections)

    def in_flight(self, delta: int) -> None:
        with self.lock:
            self.active_requests += delta
            self.max_active_requests = max(self.max_active_requests, self.active_requests)

    def count(self, path: str, method: str | None = None) -> int:
        """How many requests reached ``path`` (of one method, if given)."""
        with self.lock:
            if method is None:
                return self.counts.get(path, 0)
            return sum(1 for m, p, _ in self.requests if p == path and m == method)

    def methods(self, path: str) -> list[str]:
        """The methods of the requests to ``path``, in order."""
        with self.lock:
            return [m for m, p, _ in self.requests if p == path]

    # -------------------------------------------------------------- lifecycle

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> TestServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> TestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    """A fresh server (fresh routes and counters) for one test."""
    with TestServer() as server:
        yield server
