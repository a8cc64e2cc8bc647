"""The link checker's transport: one small connection pool per host, a bounded number of pools.

httpx is imported when a transport is made, never at import time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


def per_host_transport(*, per_host: int, concurrency: int) -> httpx.AsyncBaseTransport:
    """A transport with one small connection pool per host (scheme, host and port).

    httpcore's pool scans all of its connections for every waiting request, so a single pool
    of N connections costs O(N^2) work per wave of requests: at 100 connections that is most
    of the CPU of a run. Pools per host stay at ``per_host`` connections. At most
    ``2 x concurrency`` pools are kept; the least recently used idle one is closed when
    another is needed, so sockets stay bounded (``2 x concurrency x per_host`` at most).
    """
    import httpx

    ssl_context = httpx.create_ssl_context()  # built once: it reads the CA bundle
    limits = httpx.Limits(
        max_connections=per_host,
        max_keepalive_connections=per_host,
        keepalive_expiry=10.0,
    )
    max_pools = max(2 * concurrency, 8)

    class TrackedStream(httpx.AsyncByteStream):
        def __init__(self, stream: httpx.AsyncByteStream, done: Callable[[], None]) -> None:
            self.stream = stream
            self.done: Callable[[], None] | None = done

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for chunk in self.stream:
                yield chunk

        async def aclose(self) -> None:
            try:
                await self.stream.aclose()
            finally:
                if self.done is not None:
                    self.done()
                    self.done = None

    class PerHostTransport(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.pools: OrderedDict[str, httpx.AsyncHTTPTransport] = OrderedDict()
            self.active: dict[str, int] = {}

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            url = request.url
            key = f"{url.scheme}://{url.host}:{url.port}"
            pool = self.pools.get(key)
            if pool is None:
                pool = httpx.AsyncHTTPTransport(verify=ssl_context, limits=limits)
                self.pools[key] = pool
            else:
                self.pools.move_to_end(key)
            self.active[key] = self.active.get(key, 0) + 1
            try:
                await self._evict()
                response = await pool.handle_async_request(request)
            except BaseException:
                self._done(key)
                raise
            assert isinstance(response.stream, httpx.AsyncByteStream)
            response.stream = TrackedStream(response.stream, lambda: self._done(key))
            return response

        def _done(self, key: str) -> None:
            self.active[key] -= 1
            if not self.active[key]:
                del self.active[key]

        async def _evict(self) -> None:
            while len(self.pools) > max_pools:
                idle = next((k for k in self.pools if k not in self.active), None)
                if idle is None:
                    return
                await self.pools.pop(idle).aclose()

        async def aclose(self) -> None:
            pools = list(self.pools.values())
            self.pools.clear()
            for pool in pools:
                await pool.aclose()

    return PerHostTransport()
