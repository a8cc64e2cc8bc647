"""The link checker's own HTTP/1.1 client (web/transport.py) against raw local servers: body
framings, connection reuse, servers that hang up, answers that are not HTTP, TLS, proxies (a
real forward proxy), and no httpx.

The servers here answer with scripted bytes (tests/httpserver.py only speaks well-formed
HTTP/1.1 with a Content-Length), so the framings http.server never sends are covered too.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from mlsd_cli.web.checker import CheckOptions
from mlsd_cli.web.checker import check_links
from mlsd_cli.web.results import BROKEN
from mlsd_cli.web.results import OK
from mlsd_cli.web.transport import Pool

TLS = Path(__file__).parent / "data" / "tls"
FAST = CheckOptions(timeout=2.0, backoff=0.01, host_delay=0.0, retries=0)

#: (request head, index of the request on its connection) -> bytes to send, or None to hang up.
Answer = Callable[[bytes, int], bytes | None]


def reply(status: str = "200 OK", body: bytes = b"", *headers: str, version: str = "1.1") -> bytes:
    head = f"HTTP/{version} {status}\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n"
    return head.encode("latin-1") + body


def with_length(body: bytes, *headers: str) -> bytes:
    return reply("200 OK", body, f"Content-Length: {len(body)}", *headers)


def ok(head: bytes, body: bytes = b"ok") -> bytes:
    """200 with a Content-Length (and no body for HEAD)."""
    answer = with_length(body)
    return answer[: len(answer) - len(body)] if head.startswith(b"HEAD") else answer


class RawServer:
    """A threaded TCP (or TLS) server on 127.0.0.1: every request head it reads is answered
    with ``answer(head, n)``; a None answer closes the connection without a word, and so does
    an HTTP/1.0 or ``Connection: close`` answer after it is sent."""

    def __init__(self, answer: Answer, *, tls: bool = False) -> None:
        self.answer = answer
        self.heads: list[bytes] = []
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.context: ssl.SSLContext | None = None
        if tls:
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(TLS / "localhost-cert.pem", TLS / "localhost-key.pem")
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.context else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self.context is not None:
                conn = self.context.wrap_socket(conn, server_side=True)
            data = b""
            n = 0
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, data = data.split(b"\r\n\r\n", 1)
                self.heads.append(head)
                answer = self.answer(head, n)
                n += 1
                if answer is None:
                    return
                conn.sendall(answer)
                if answer.startswith(b"HTTP/1.0") or b"\r\nConnection: close\r\n" in answer:
                    return
        except (OSError, ssl.SSLError):
            return
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()


Serve = Callable[..., RawServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start raw servers for a test (closed after it)."""
    servers: list[RawServer] = []

    def start(answer: Answer, *, tls: bool = False) -> RawServer:
        servers.append(RawServer(answer, tls=tls))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def get_twice(url: str, max_body: int = 4096) -> list[tuple[int, int]]:
    """Two GETs on one pool: (status, body bytes read) of each."""

    async def run() -> list[tuple[int, int]]:
        pool = Pool({"User-Agent": "test"}, max_hosts=8)
        out = []
        try:
            for _ in range(2):
                response = await pool.send("GET", url)
                out.append((response.status, await response.drain(max_body)))
        finally:
            pool.close()
        return out

    return asyncio.run(run())


# ----------------------------------------------------------------- framings and reuse


def test_a_content_length_body_is_read_and_the_connection_reused(serve: Serve) -> None:
    server = serve(lambda head, n: with_length(b"hello"))
    assert get_twice(server.url("/a")) == [(200, 5), (200, 5)]
    assert server.connections == 1


def test_a_chunked_body_is_read_to_its_end_and_the_connection_reused(serve: Serve) -> None:
    chunked = reply("200 OK", b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
    server = serve(
        lambda head, n: chunked.replace(b"\r\n\r\n", b"\r\nTransfer-Encoding: chunked\r\n\r\n", 1)
    )
    assert get_twice(server.url("/c")) == [(200, 11), (200, 11)]
    assert server.connections == 1


def test_a_body_over_the_cap_is_cut_and_its_connection_closed(serve: Serve) -> None:
    server = serve(lambda head, n: with_length(b"x" * 100_000))
    [(status, read), _second] = get_twice(server.url("/big"), max_body=4096)
    assert status == 200 and read < 100_000
    assert server.connections == 2  # the unread rest made the first connection unusable


def test_http_1_0_without_a_length_is_read_to_the_close(serve: Serve) -> None:
    server = serve(lambda head, n: reply("200 OK", b"old server", version="1.0"))
    assert get_twice(server.url("/old")) == [(200, 10), (200, 10)]
    assert server.connections == 2


def test_connection_close_is_honoured(serve: Serve) -> None:
    server = serve(lambda head, n: with_length(b"bye", "Connection: close"))
    assert get_twice(server.url("/x")) == [(200, 3), (200, 3)]
    assert server.connections == 2


def test_interim_100_continue_is_skipped(serve: Serve) -> None:
    server = serve(lambda head, n: reply("100 Continue") + with_length(b"ok"))
    [result] = check_links([server.url("/")], FAST)
    assert (result.outcome, result.status) == (OK, 200)


def test_head_answers_have_no_body_even_with_a_length(serve: Serve) -> None:
    server = serve(lambda head, n: reply("200 OK", b"", "Content-Length: 1234"))
    results = check_links([server.url("/1"), server.url("/2")], replace_options(concurrency=1))
    assert [(r.outcome, r.method) for r in results] == [(OK, "HEAD"), (OK, "HEAD")]
    assert server.connections == 1


def replace_options(**changes: int) -> CheckOptions:
    return replace(FAST, **changes)


# ----------------------------------------------------------------- servers that hang up


def test_a_kept_connection_the_server_dropped_is_replaced_once(serve: Serve) -> None:
    # The second request on a connection gets no answer (the server had timed it out).
    server = serve(lambda head, n: None if n == 1 else ok(head))
    results = check_links([server.url("/1"), server.url("/2")], replace_options(concurrency=1))
    assert [r.outcome for r in results] == [OK, OK]
    assert [r.attempts for r in results] == [1, 1]
    assert server.connections == 2


def test_a_new_connection_closed_without_an_answer_is_dropped(serve: Serve) -> None:
    server = serve(lambda head, n: None)
    [result] = check_links([server.url("/")], replace_options(retries=1))
    assert (result.outcome, result.status, result.attempts) == (BROKEN, None, 2)
    assert result.error == "connection dropped: Server disconnected without sending a response."


def test_an_answer_that_is_not_http_is_broken(serve: Serve) -> None:
    server = serve(lambda head, n: b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    [result] = check_links([server.url("/")], FAST)
    assert result.outcome == BROKEN
    assert (result.error or "").startswith("connection dropped: not an HTTP/1 answer")


# ----------------------------------------------------------------- what is sent


def test_the_request_head(serve: Serve) -> None:
    server = serve(lambda head, n: with_length(b""))
    check_links([server.url("/café?q=ä&x=%41#frag")], FAST)
    [head] = server.heads
    lines = head.decode("ascii").split("\r\n")
    assert lines[0] == "HEAD /caf%C3%A9?q=%C3%A4&x=%41 HTTP/1.1"
    assert lines[1] == f"Host: 127.0.0.1:{server.port}"
    assert "Connection: keep-alive" in lines
    assert any(line.startswith("User-Agent: mlsd/") for line in lines)


# ----------------------------------------------------------------- TLS


def test_https_with_an_untrusted_certificate_is_a_tls_error(serve: Serve) -> None:
    server = serve(lambda head, n: with_length(b"secret"), tls=True)
    [result] = check_links([server.url("/")], replace_options(retries=2))
    assert result.outcome == BROKEN and result.attempts == 1  # not retried
    assert (result.error or "").startswith("TLS error: ")
    assert "CERTIFICATE_VERIFY_FAILED" in (result.error or "")


def test_https_with_a_trusted_certificate(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "localhost-cert.pem"))
    server = serve(lambda head, n: ok(head, b"secret"), tls=True)
    results = check_links([server.url("/1"), server.url("/2")], replace_options(concurrency=1))
    assert [(r.outcome, r.status) for r in results] == [(OK, 200), (OK, 200)]
    assert server.connections == 1


# ----------------------------------------------------------------- no httpx


def test_checking_links_never_imports_httpx(serve: Serve) -> None:
    server = serve(lambda head, n: ok(head))
    code = (
        "import sys\n"
        "from mlsd_cli.web.checker import check_links\n"
        f"[r] = check_links([{server.url('/')!r}])\n"
        "print(r.outcome, 'httpx' in sys.modules, 'httpcore' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.split() == ["ok", "False", "False"]


# ----------------------------------------------------------------- through an HTTP proxy
# As httpx and curl take it from the environment ($HTTP_PROXY, $HTTPS_PROXY, $ALL_PROXY,
# $NO_PROXY): a real forward proxy on 127.0.0.1 that relays bytes, before the raw servers.

_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class ForwardProxy(RawServer):
    """An HTTP proxy: a ``CONNECT host:port`` opens a tunnel (or is refused with
    ``refuse``), any other request is relayed to the host its absolute URL names. Every
    request head it reads first on a connection is kept in ``heads``."""

    def __init__(self, refuse: bytes | None = None) -> None:
        self.refuse = refuse
        super().__init__(lambda head, n: None)

    def _serve(self, client: socket.socket) -> None:
        with client:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0]
            self.heads.append(head)
            method, target = head.decode("latin-1").split(" ", 2)[:2]
            if method == "CONNECT":
                if self.refuse is not None:
                    client.sendall(self.refuse)
                    return
                host, _, port = target.rpartition(":")
                upstream = socket.create_connection((host, int(port)))
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                data = data.split(b"\r\n\r\n", 1)[1]
            else:
                address = target.split("://", 1)[1].split("/", 1)[0]
                host, _, port = address.rpartition(":")
                upstream = socket.create_connection((host, int(port)))
            with upstream:
                if data:
                    upstream.sendall(data)
                threading.Thread(target=_relay, args=(upstream, client), daemon=True).start()
                _relay(client, upstream)


def _no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def _relay(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    _no_proxy_variables(monkeypatch)
    started = ForwardProxy()
    yield started
    started.close()


def test_an_http_link_goes_to_the_proxy_in_absolute_form(
    serve: Serve, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(lambda head, n: ok(head))
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    [result] = check_links([server.url("/page")], FAST)
    assert (result.outcome, result.status) == (OK, 200)
    assert proxy.heads[0].startswith(f"HEAD {server.url('/page')} HTTP/1.1\r\n".encode())
    assert server.heads[0].startswith(f"HEAD {server.url('/page')} HTTP/1.1\r\n".encode())


def test_an_https_link_goes_through_a_tunnel_verified_end_to_end(
    serve: Serve, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "localhost-cert.pem"))
    monkeypatch.setenv("https_proxy", f"127.0.0.1:{proxy.port}")  # no scheme: http:// meant
    server = serve(lambda head, n: ok(head, b"secret"), tls=True)
    [result] = check_links([server.url("/s")], FAST)
    assert (result.outcome, result.status) == (OK, 200)
    assert proxy.heads[0].startswith(f"CONNECT 127.0.0.1:{server.port} HTTP/1.1\r\n".encode())
    assert server.heads[0].startswith(b"HEAD /s HTTP/1.1\r\n")  # origin form inside the tunnel


def test_an_untrusted_certificate_behind_the_tunnel_is_still_refused(
    serve: Serve, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    server = serve(lambda head, n: ok(head), tls=True)
    [result] = check_links([server.url("/")], FAST)
    assert result.outcome == BROKEN and "certificate" in (result.error or "").lower()
    assert server.heads == []


def test_no_proxy_sends_the_link_straight(
    serve: Serve, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(lambda head, n: ok(head))
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    [result] = check_links([server.url("/")], FAST)
    assert result.outcome == OK and proxy.heads == []


def test_the_proxy_password_is_sent_as_basic_auth(
    serve: Serve, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(lambda head, n: ok(head))
    monkeypatch.setenv("HTTP_PROXY", f"http://ann:p%40ss@127.0.0.1:{proxy.port}")
    [result] = check_links([server.url("/")], FAST)
    assert result.outcome == OK
    token = base64.b64encode(b"ann:p@ss").decode()
    assert f"\r\nProxy-Authorization: Basic {token}" in proxy.heads[0].decode()


def test_a_refused_tunnel_and_an_unknown_kind_of_proxy_say_so(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_proxy_variables(monkeypatch)
    server = serve(lambda head, n: ok(head), tls=True)
    refusing = ForwardProxy(refuse=b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
    try:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{refusing.port}")
        [result] = check_links([server.url("/")], FAST)
        assert result.outcome == BROKEN and "proxy" in (result.error or "")
        assert "407" in (result.error or "")
    finally:
        refusing.close()
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    [result] = check_links([server.url("/")], FAST)
    assert result.outcome == BROKEN and "only http:// proxies" in (result.error or "")
