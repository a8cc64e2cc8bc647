"""The link checker's HTTP/1.1 client: asyncio connections kept per host, and nothing more.

The checker needs little of HTTP: send HEAD or GET, read the status line and the headers, read
at most a few KiB of the body so that the connection can be reused, and follow redirects itself.
Through httpx (client, transport, per-host httpcore pools, h11) that cost 1.6 to 2.5 ms of CPU a
URL, which made ``mlsd check`` CPU-bound at concurrency 50 and more on a 2-core machine; this
client does the same requests on plain asyncio protocols for a tenth of it (docs/benchmarks.md).

- One request at a time on a connection, keep-alive (HTTP/1.1); a connection is reused only
  when its last body was read to its end. Idle connections are kept per host (scheme, host and
  port); at most ``max_hosts`` hosts keep them, the least recently used one closing its idle
  connections when another host needs room. The checker's per-host gate bounds the connections
  of a host; so sockets stay bounded (``max_hosts x per_host`` idle at most).
- A reused connection that the server had closed (nothing answered) is replaced by a new one,
  once.
- https: certificates verified against certifi's CA bundle, or ``$SSL_CERT_FILE`` /
  ``$SSL_CERT_DIR`` when set (what httpx does); ALPN ``http/1.1``.
- The request carries Host, the caller's headers (User-Agent, Accept), ``Accept-Encoding:
  gzip, deflate`` and ``Connection: keep-alive``; the path is sent as written, non-ASCII and
  blank characters percent-encoded, a non-ASCII host IDNA-encoded. No cookies; bodies are
  never decoded (nobody reads them).
- Proxies as httpx and curl take them: ``$HTTP_PROXY`` / ``$HTTPS_PROXY`` / ``$ALL_PROXY``
  (lower-case names too) and ``$NO_PROXY``, read by the standard library
  (``urllib.request.getproxies_environment``). An http URL goes to the proxy in absolute form,
  an https one through a ``CONNECT`` tunnel, TLS verified end to end with the site; a proxy
  URL's ``user:password`` is sent as ``Proxy-Authorization: Basic``. Only ``http://`` proxies
  are spoken; another kind (``socks5://``) fails the link with a message saying so.
- Failures: :class:`mlsd_cli.web.http.ConnectError` (the OS error as its cause) when no
  connection could be made, :class:`mlsd_cli.web.http.DroppedError` when the connection broke
  or the answer was not HTTP/1.x. Time limits are the caller's (``asyncio.timeout``).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote
from urllib.parse import urlsplit

from mlsd_cli.web.http import ConnectError
from mlsd_cli.web.http import DroppedError

if TYPE_CHECKING:
    import ssl

#: Response headers longer than this are refused (a server sending garbage).
MAX_HEAD = 64 * 1024
#: Reading is paused while this many bytes wait unread (an endless body).
HIGH_WATER = 256 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Characters sent as they are in a request target (the rest is percent-encoded).
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"
_NO_BODY = frozenset({204, 304})
_NETLOC_END = re.compile(r"[/?#]")
#: See :meth:`Pool._origin`.
_Origin = tuple[str, str, int, bool, str, "_Proxy | None", bool]
_PLAIN_ORIGIN = re.compile(r"https?://[^/?#\t\r\n]*")


def plain_origin_end(url: str) -> int:
    """The length of ``url``'s ``http(s)://netloc`` when what ``urlsplit`` makes of its scheme,
    host and port depends on that part alone (a lower-case http or https scheme, no tab or line
    end before the path, which urlsplit would remove), else 0. Parsed once, that part answers
    for every URL that starts with it."""
    match = _PLAIN_ORIGIN.match(url)
    if match is None:
        return 0
    end = match.end()
    return end if end == len(url) or url[end] in "/?#" else 0


def ssl_context() -> ssl.SSLContext:
    """A verifying TLS context, with the CA certificates httpx would use."""
    import ssl

    if os.environ.get("SSL_CERT_FILE"):
        context = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    elif os.environ.get("SSL_CERT_DIR"):
        context = ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    else:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


class _Connection(asyncio.Protocol):
    """One socket: bytes received so far, end of stream, and a waiter for more."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.paused = False
        self.waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > HIGH_WATER and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def more(self) -> bool:
        """Wait until more bytes came (True) or the stream ended (False)."""
        if self.eof:
            return False
        if self.paused and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()
        have = len(self.buffer)
        while len(self.buffer) == have and not self.eof:
            self.waiter = self.loop.create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        return len(self.buffer) > have

    @property
    def idle_and_open(self) -> bool:
        """Fit to carry another request."""
        transport = self.transport
        return not (self.eof or self.buffer or transport is None or transport.is_closing())

    def close(self) -> None:
        self.eof = True
        if self.transport is not None:
            self.transport.close()


class Response:
    """A status line and headers; the body stays on the connection until :meth:`drain`."""

    def __init__(
        self, pool: Pool, key: str, conn: _Connection, status: int, headers: dict[str, str]
    ) -> None:
        self.status = status
        #: Lower-case names; repeated headers joined with ", ".
        self.headers = headers
        self._pool = pool
        self._key = key
        self._conn: _Connection | None = conn
        #: Bytes of a Content-Length body still unread; -1: chunked; -2: up to the end.
        self._left = 0
        #: The server keeps the connection open after this answer.
        self._reusable = False

    @property
    def has_body(self) -> bool:
        """Body bytes may still be on the connection (HEAD, 204 and 304 answers have none)."""
        return self._left != 0

    async def drain(self, max_body: int) -> int:
        """Read the rest of the body, at most ``max_body`` bytes; then :meth:`release`."""
        conn = self._conn
        read = 0
        if conn is None:
            return 0
        try:
            if self._left > 0:
                read = await self._read_length(conn, max_body)
            elif self._left == -1:
                read = await self._read_chunked(conn, max_body)
                self._left = 0 if self._reusable else -1
            elif self._left == -2:
                read = await self._read_to_end(conn, max_body)
        finally:
            self.release()
        return read

    async def _read_length(self, conn: _Connection, max_body: int) -> int:
        read = 0
        if self._left > max_body:  # longer than the cap: not read at all, the connection closed
            self._reusable = False
            return read
        while self._left > 0:
            if not conn.buffer and not await conn.more():
                self._reusable = False  # cut short
                return read
            take = min(len(conn.buffer), self._left)
            del conn.buffer[:take]
            self._left -= take
            read += take
        return read

    async def _read_chunked(self, conn: _Connection, max_body: int) -> int:
        read = 0
        while True:
            line = await _line(conn)
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise DroppedError("malformed chunked body") from None
            if size == 0:
                while await _line(conn):  # trailers, up to the empty line
                    pass
                return read
            while size + 2 > len(conn.buffer):
                if read + len(conn.buffer) >= max_body:
                    self._reusable = False
                    return read + len(conn.buffer)
                if not await conn.more():
                    raise DroppedError("connection closed inside a chunk")
            del conn.buffer[: size + 2]
            read += size
            if read >= max_body:
                self._reusable = False
                return read

    async def _read_to_end(self, conn: _Connection, max_body: int) -> int:
        read = len(conn.buffer)
        while read < max_body and await conn.more():
            read = len(conn.buffer)
        conn.buffer.clear()
        return read

    def release(self) -> None:
        """Give the connection back for reuse (body read to its end) or close it."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._reusable and self._left == 0 and conn.idle_and_open:
            self._pool.put_back(self._key, conn)
        else:
            conn.close()


class Pool:
    """Connections kept per host; :meth:`send` one request, get a :class:`Response`."""

    def __init__(self, headers: Mapping[str, str], *, max_hosts: int) -> None:
        self.idle: OrderedDict[str, list[_Connection]] = OrderedDict()
        self.max_hosts = max_hosts
        tail = dict(headers)
        tail.setdefault("Accept-Encoding", "gzip, deflate")
        tail["Connection"] = "keep-alive"
        self._tail = "".join(f"{name}: {value}\r\n" for name, value in tail.items()) + "\r\n"
        self._ssl: ssl.SSLContext | None = None
        self._proxies = _proxies_from_environment()
        #: :meth:`_origin` of each plain ``scheme://host:port`` met (see plain_origin_end).
        self._origins: dict[str, _Origin] = {}

    async def send(self, method: str, url: str) -> Response:
        """Send ``method url`` and read the answer's head (a reused, closed socket: once more)."""
        key, host, port, tls, head, proxy = self._request_head(method, url)
        for _ in range(2):
            conn = self._take(key)
            fresh = conn is None
            if conn is None:
                conn = await self._open(host, port, tls, proxy)
            try:
                assert conn.transport is not None
                conn.transport.write(head)
                status, headers, version = await _read_head(conn)
            except DroppedError:
                conn.close()
                if fresh or conn.buffer:
                    raise
                continue  # the server had closed this kept connection
            except BaseException:
                conn.close()
                raise
            return self._response(key, conn, method, status, headers, version)
        raise DroppedError("Server disconnected without sending a response.")  # pragma: no cover

    def _response(
        self,
        key: str,
        conn: _Connection,
        method: str,
        status: int,
        headers: dict[str, str],
        version: bytes,
    ) -> Response:
        response = Response(self, key, conn, status, headers)
        tokens = headers.get("connection", "").lower()
        response._reusable = version == b"HTTP/1.1" and "close" not in tokens
        if method == "HEAD" or status in _NO_BODY or status < 200:
            return response
        if "chunked" in headers.get("transfer-encoding", "").lower():
            response._left = -1
            return response
        length = headers.get("content-length")
        if length is not None and length.strip().isdigit():
            response._left = int(length)
            return response
        response._left = -2  # read to the end: the connection cannot be reused
        response._reusable = False
        return response

    def _request_head(
        self, method: str, url: str
    ) -> tuple[str, str, int, bool, bytes, _Proxy | None]:
        end = plain_origin_end(url)
        origin = self._origins.get(url[:end]) if end else None
        if origin is None:
            origin = self._origin(url)
            if end:  # the same for every URL of this scheme://host:port (see plain_origin_end)
                self._origins[url[:end]] = origin
        key, host, port, tls, shown, proxy, absolute = origin
        match = _NETLOC_END.search(url, url.find("//") + 2)
        target = url[match.start() :].split("#", 1)[0] if match else ""
        if not target.startswith("/"):
            target = "/" + target
        if not target.isascii() or " " in target:
            target = quote(target, safe=_TARGET_SAFE)
        auth = ""
        if absolute:  # an http URL through a proxy: the proxy fetches it, the request names it
            assert proxy is not None
            target, auth = f"http://{shown}{target}", proxy.auth.decode("latin-1")
        head = f"{method} {target} HTTP/1.1\r\nHost: {shown}\r\n{auth}{self._tail}"
        return key, host, port, tls, head.encode("latin-1"), proxy

    def _origin(self, url: str) -> _Origin:
        """Where a request for ``url`` goes: the pool's key, the host (IDNA), port, TLS or
        not, the Host header, the proxy (None: straight to the host), and whether the request
        names the whole URL (http through a proxy)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        if not host.isascii():
            host = _idna(host)
        port = parts.port or DEFAULT_PORTS.get(scheme, 80)
        shown = f"[{host}]" if ":" in host else host
        if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
            shown += f":{parts.port}"
        key = f"{scheme}://{host}:{port}"
        proxy = self._proxy_for(scheme, host) if self._proxies else None
        if proxy is not None:
            key = f"{key} via {proxy.key}"
        absolute = proxy is not None and scheme == "http"
        return key, host, port, scheme == "https", shown, proxy, absolute

    def _take(self, key: str) -> _Connection | None:
        conns = self.idle.get(key)
        while conns:
            conn = conns.pop()
            if conn.idle_and_open:
                return conn
            conn.close()
        return None

    def put_back(self, key: str, conn: _Connection) -> None:
        conns = self.idle.get(key)
        if conns is None:
            conns = self.idle[key] = []
        else:
            self.idle.move_to_end(key)
        conns.append(conn)
        while len(self.idle) > self.max_hosts:
            _old, dropped = self.idle.popitem(last=False)
            for old in dropped:
                old.close()

    def _proxy_for(self, scheme: str, host: str) -> _Proxy | None:
        """The proxy a request to ``host`` goes through (None: straight to the host)."""
        import urllib.request

        address = self._proxies.get(scheme) or self._proxies.get("all")
        bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
        if not address or bypass(host, self._proxies):
            return None
        return _Proxy.parse(address)

    async def _open(self, host: str, port: int, tls: bool, proxy: _Proxy | None) -> _Connection:
        """A connection to ``host``: straight, or through ``proxy`` (a tunnel for https)."""
        if proxy is None:
            return await self._connect(host, port, tls)
        conn = await self._connect(proxy.host, proxy.port, False)
        if not tls:
            return conn
        try:
            return await self._tunnel(conn, host, port, proxy)
        except BaseException:
            conn.close()
            raise

    async def _tunnel(self, conn: _Connection, host: str, port: int, proxy: _Proxy) -> _Connection:
        assert conn.transport is not None
        target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        conn.transport.write(
            f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n".encode("latin-1")
            + proxy.auth
            + b"\r\n"
        )
        status, _headers, _version = await _read_head(conn)
        if status != 200 or conn.buffer:
            raise ConnectError(f"the proxy {proxy.host}:{proxy.port} refused a tunnel ({status})")
        if self._ssl is None:
            self._ssl = ssl_context()
        loop = asyncio.get_running_loop()
        try:
            secure = await loop.start_tls(conn.transport, conn, self._ssl, server_hostname=host)
        except OSError as exc:  # the certificate of the site (ssl.SSLError is an OSError)
            raise ConnectError(str(exc)) from exc
        assert isinstance(secure, asyncio.Transport)
        conn.transport = secure
        return conn

    async def _connect(self, host: str, port: int, tls: bool) -> _Connection:
        loop = asyncio.get_running_loop()
        context = None
        if tls:
            if self._ssl is None:
                self._ssl = ssl_context()
            context = self._ssl
        try:
            _transport, conn = await loop.create_connection(
                lambda: _Connection(loop),
                host,
                port,
                ssl=context,
                server_hostname=host if tls else None,
            )
        except OSError as exc:  # refused, unknown host, TLS (ssl.SSLError is an OSError)
            raise ConnectError(str(exc)) from exc
        return conn

    def close(self) -> None:
        """Close every kept connection."""
        for conns in self.idle.values():
            for conn in conns:
                conn.close()
        self.idle.clear()


class _Proxy:
    """An ``http://[user:password@]host:port`` proxy."""

    __slots__ = ("auth", "host", "key", "port")

    def __init__(self, host: str, port: int, auth: bytes) -> None:
        self.host, self.port, self.auth = host, port, auth
        self.key = f"{host}:{port}"

    @classmethod
    def parse(cls, address: str) -> _Proxy:
        if "://" not in address:
            address = "http://" + address  # what curl and httpx make of "proxy:3128"
        parts = urlsplit(address)
        if parts.scheme.lower() != "http" or not parts.hostname:
            raise ConnectError(f"only http:// proxies are supported, not {parts.scheme}://")
        auth = b""
        if parts.username is not None:
            import base64
            from urllib.parse import unquote

            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            token = base64.b64encode(pair.encode("utf-8"))
            auth = b"Proxy-Authorization: Basic " + token + b"\r\n"
        return cls(parts.hostname, parts.port or 80, auth)


def _proxies_from_environment() -> dict[str, str]:
    """``urllib.request.getproxies_environment()``; without a ``*_proxy`` variable (any case)
    set, it is empty, and urllib.request (with http.client and email, ~6 ms) is not imported."""
    if not any(value and name.lower()[-6:] == "_proxy" for name, value in os.environ.items()):
        return {}
    import urllib.request

    return urllib.request.getproxies_environment()


def _idna(host: str) -> str:
    """A non-ASCII host name as ASCII (the standard library's IDNA codec)."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA accepts: the connection fails on the name as given
        return host


async def _line(conn: _Connection) -> bytes:
    """One line of a chunked body (without its line end)."""
    while True:
        end = conn.buffer.find(b"\n")
        if end >= 0:
            line = bytes(conn.buffer[:end]).rstrip(b"\r")
            del conn.buffer[: end + 1]
            return line
        if len(conn.buffer) > MAX_HEAD or not await conn.more():
            raise DroppedError("connection closed inside a chunked body")


async def _read_head(conn: _Connection) -> tuple[int, dict[str, str], bytes]:
    """The status, headers and HTTP version of the next final (not 1xx) answer."""
    while True:
        status, headers, version = await _one_head(conn)
        if status >= 200 or status == 101:
            return status, headers, version


async def _one_head(conn: _Connection) -> tuple[int, dict[str, str], bytes]:
    buffer = conn.buffer
    start = 0
    while True:
        end = buffer.find(b"\r\n\r\n", start)
        size = 4
        if end < 0:
            end, size = buffer.find(b"\n\n", start), 2
        if end >= 0:
            break
        start = max(0, len(buffer) - 3)
        if len(buffer) > MAX_HEAD:
            raise DroppedError("response headers too long")
        if not await conn.more():
            if buffer:
                raise DroppedError("connection closed inside the response headers")
            raise DroppedError("Server disconnected without sending a response.")
    block = bytes(buffer[:end])
    del buffer[: end + size]
    lines = block.split(b"\n")
    status_line = lines[0].rstrip(b"\r").split(None, 2)
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1."):
        raise DroppedError(f"not an HTTP/1 answer: {bytes(lines[0][:40])!r}")
    try:
        status = int(status_line[1])
    except ValueError:
        raise DroppedError(f"malformed status line: {bytes(lines[0][:40])!r}") from None
    try:
        text = b"\n".join(lines[1:]).decode("utf-8")
    except UnicodeDecodeError:
        text = b"\n".join(lines[1:]).decode("latin-1")
    headers: dict[str, str] = {}
    for line in text.split("\n"):
        name, colon, value = line.partition(":")
        if not colon:
            continue
        name = name.strip().lower()
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return status, headers, status_line[0]
