"""Checking links: many URLs, concurrently, politely, without crying wolf. Never prints.

:func:`check_links` takes URLs and :class:`CheckOptions` and returns one :class:`LinkResult`
per URL (in the order given). How a URL is checked:

- Only http and https URLs are ever requested (redirect targets included).
- A fixed pool of ``concurrency`` workers takes URLs from a queue ordered round-robin over
  hosts; at most ``per_host`` requests are in flight to one host, and two requests to one
  host start at least ``host_delay`` seconds apart. One :class:`mlsd_cli.web.transport.Pool`
  keeps connections per host, so thousands of URLs use a bounded number of sockets and tasks.
- HEAD first; when HEAD is not answered with an accepted status (405 and 501 are the usual
  ones, but servers answer HEAD with 400, 403, 404 or 500 too, or hang up), the same attempt
  asks again with GET. Bodies are streamed and at most ``max_body`` bytes of one are read.
- Redirects are followed by hand (at most ``max_redirects``), so the chain is known: a loop or
  a redirect to a non-http URL is an error, and the leading run of permanent redirects (301,
  308) gives ``moved_to``, the URL the catalogue should use instead.
- One attempt (every hop, HEAD and GET) may spend at most ``timeout`` seconds on the network:
  a slow server, a slow-drip or an endless body cannot hang the run. Time spent waiting for a
  host's turn does not count.
- 429, 5xx (but 501) and timeouts or dropped connections are retried ``retries`` times, after
  ``backoff * 2**n`` seconds or the server's ``Retry-After`` (seconds or an HTTP date; one longer
  than ``max_retry_after`` is not waited for).
- The outcome: ``ok`` (an accepted status), ``redirected`` (accepted after redirects),
  ``soft`` (403, 429 or 999 that persist: bot protection or rate limits, a warning) or
  ``broken`` (anything else). Whether a broken link is *dead* is decided across runs by
  :mod:`mlsd_cli.web.linkstate`.

Which URLs of a catalogue to check and what the results mean across runs:
:mod:`mlsd_cli.web.catalogue_check`. The User-Agent and the wording of network errors:
:mod:`mlsd_cli.web.http`; the HTTP/1.1 client and its connections: :mod:`mlsd_cli.web.transport`
(plain asyncio: no httpx on this path).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urljoin
from urllib.parse import urlsplit

from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.errors import InputError
from mlsd_cli.web import http
from mlsd_cli.web.results import BROKEN
from mlsd_cli.web.results import OK
from mlsd_cli.web.results import REDIRECTED
from mlsd_cli.web.results import SOFT
from mlsd_cli.web.results import LinkResult
from mlsd_cli.web.results import Redirect
from mlsd_cli.web.transport import Pool
from mlsd_cli.web.transport import plain_origin_end

if TYPE_CHECKING:
    from mlsd_cli.web.transport import Response

#: Statuses that mean "you look like a bot" or "slow down" rather than "gone".
SOFT_STATUSES = frozenset({403, 429, 999})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
DEFAULT_ACCEPT = frozenset(range(200, 300))


@dataclass(frozen=True)
class CheckOptions:
    """How to check. The defaults suit a few hundred links on the open web."""

    concurrency: int = 16
    per_host: int = 4
    #: Minimum seconds between the starts of two requests to one host.
    host_delay: float = 0.1
    #: Connect and read timeout of a request, and the network time budget of one attempt.
    timeout: float = http.DEFAULT_TIMEOUT
    retries: int = 2
    #: Base of the exponential backoff between attempts, in seconds.
    backoff: float = 1.0
    #: A Retry-After longer than this is not waited for (the link is reported as soft).
    max_retry_after: float = 30.0
    accept: frozenset[int] = DEFAULT_ACCEPT
    #: At most this many bytes of a body are read (a short one is read to its end).
    max_body: int = 4096
    max_redirects: int = http.MAX_REDIRECTS
    user_agent: str | None = None

    def __post_init__(self) -> None:
        """Refuse impossible values; the error names the field (the CLI shows its option)."""
        for name in ("concurrency", "per_host", "max_redirects", "max_body"):
            if getattr(self, name) < 1:
                raise InputError(f"must be at least 1, not {getattr(self, name)}", field=name)
        if self.timeout <= 0:
            raise InputError(f"must be more than 0 seconds, not {self.timeout:g}", field="timeout")
        for name in ("host_delay", "backoff", "max_retry_after", "retries"):
            if getattr(self, name) < 0:
                raise InputError(f"cannot be negative, not {getattr(self, name):g}", field=name)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # here: the module is slow to import

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def host_key(url: str, known: dict[str, str] | None = None) -> str:
    """The host whose limits a request for ``url`` counts against (lower case, "" for none);
    ``known`` remembers it per plain ``scheme://host:port`` (the rest of a URL does not change
    it: :func:`mlsd_cli.web.transport.plain_origin_end`)."""
    if known is None:
        return (urlsplit(url).hostname or "").lower()
    end = plain_origin_end(url)
    if not end:
        return (urlsplit(url).hostname or "").lower()
    host = known.get(url[:end])
    if host is None:
        host = known[url[:end]] = (urlsplit(url).hostname or "").lower()
    return host


def interleave_by_host(urls: Sequence[str]) -> list[str]:
    """Order URLs round-robin over their hosts, so workers spread over hosts."""
    queues: OrderedDict[str, list[str]] = OrderedDict()
    known: dict[str, str] = {}
    for url in urls:
        queues.setdefault(host_key(url, known), []).append(url)
    out: list[str] = []
    lists = [list(reversed(q)) for q in queues.values()]
    while lists:
        lists = [q for q in lists if q]
        for q in lists:
            out.append(q.pop())
    return out


# ----------------------------------------------------------------- the checker


class _HostGate:
    """At most ``limit`` requests in flight to a host, starts ``delay`` seconds apart."""

    def __init__(self, limit: int, delay: float) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.delay = delay
        self.next_start = 0.0

    async def enter(self) -> None:
        """Wait for this host's turn (then :meth:`leave` when the request is over)."""
        await self.semaphore.acquire()
        if self.delay:
            now = asyncio.get_running_loop().time()
            start = max(now, self.next_start)
            self.next_start = start + self.delay
            if start > now:
                try:
                    await asyncio.sleep(start - now)
                except BaseException:
                    self.semaphore.release()
                    raise

    def leave(self) -> None:
        self.semaphore.release()


@dataclass
class _Answer:
    """The end of one redirect chain."""

    status: int | None = None
    final_url: str | None = None
    redirects: list[Redirect] = field(default_factory=list)
    error: str | None = None
    retryable: bool = False
    retry_after: str | None = None
    method: str = "HEAD"


class _OutOfTime(Exception):
    pass


class _Checker:
    def __init__(self, pool: Pool, options: CheckOptions) -> None:
        self.pool = pool
        self.options = options
        self.gates: dict[str, _HostGate] = {}
        self.hosts: dict[str, str] = {}

    def gate(self, url: str) -> _HostGate:
        host = host_key(url, self.hosts)
        gate = self.gates.get(host)
        if gate is None:
            gate = self.gates[host] = _HostGate(self.options.per_host, self.options.host_delay)
        return gate

    async def check(self, url: str) -> LinkResult:
        started = time.monotonic()
        problem = url_problem(url)
        if problem:
            return LinkResult(url, BROKEN, error=f"not checked: the URL {problem}")
        options = self.options
        use_get = False
        attempt = 0
        waited = 0.0
        while True:
            attempt += 1
            answer, head_failed = await self._attempt(url, use_get)
            use_get = use_get or head_failed
            status = answer.status
            wait = None
            if status is None or status not in options.accept or answer.error is not None:
                wait = self._retry_wait(answer, attempt)
            if wait is None:
                result = self._result(url, answer, attempt, started)
                result.waited = waited
                return result
            waited += wait
            await asyncio.sleep(wait)

    def _retry_wait(self, answer: _Answer, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None to give up."""
        options = self.options
        if attempt > options.retries or not answer.retryable:
            return None
        backoff: float = options.backoff * 2.0 ** (attempt - 1)
        backoff += random.uniform(0, options.backoff / 10) if options.backoff else 0.0
        retry_after = parse_retry_after(answer.retry_after)
        if retry_after is None:
            return backoff
        if retry_after > options.max_retry_after:
            return None
        return max(retry_after, 0.0)

    def _result(self, url: str, answer: _Answer, attempts: int, started: float) -> LinkResult:
        options = self.options
        status = answer.status
        result = LinkResult(
            url,
            BROKEN,
            status=status,
            final_url=answer.final_url if answer.redirects else None,
            redirects=answer.redirects,
            error=answer.error,
            attempts=attempts,
            method=answer.method,
            elapsed=time.monotonic() - started,
        )
        if answer.error is None and status is not None and status in options.accept:
            result.outcome = REDIRECTED if answer.redirects else OK
            moved = None
            for hop in answer.redirects:
                if hop.status not in PERMANENT_REDIRECTS:
                    break
                moved = hop.location
            result.moved_to = moved if moved != url else None
        elif answer.error is None and status in SOFT_STATUSES:
            result.outcome = SOFT
            result.error = http.status_text(status) + (
                " (bot protection?)" if status != 429 else " (rate limited)"
            )
        elif answer.error is None and status is not None:
            result.error = http.status_text(status)
        return result

    async def _attempt(self, url: str, use_get: bool) -> tuple[_Answer, bool]:
        """HEAD (unless told to GET), then GET if HEAD did not give an accepted status.

        Returns the answer and whether HEAD failed in a way that warrants GET from now on.
        """
        budget = [self.options.timeout]
        if not use_get:
            head = await self._follow(url, "HEAD", budget)
            if head.status in self.options.accept and head.error is None:
                return head, False
            if head.status is None and head.error and not head.retryable and budget[0] > 0:
                return head, False  # refused, unknown host, TLS: GET would fare no better
            if head.status == 429 or budget[0] <= 0:
                return head, head.status != 429  # rate limited, or out of time: retry later
            get = await self._follow(url, "GET", budget)
            return get, True
        return await self._follow(url, "GET", budget), True

    async def _follow(self, url: str, method: str, budget: list[float]) -> _Answer:
        """Request ``url`` and follow its redirects by hand, within the time budget."""
        redirects: list[Redirect] = []
        seen = {url}
        current = url
        for _ in range(self.options.max_redirects + 1):
            try:
                status, headers = await self._request(method, current, budget)
            except _OutOfTime:
                return _Answer(
                    error=http.timed_out(self.options.timeout),
                    retryable=True,
                    redirects=redirects,
                    final_url=current,
                    method=method,
                )
            except Exception as exc:  # refused, TLS, dropped, anything from the socket
                reason, retryable = http.describe_error(exc)
                return _Answer(
                    error=reason,
                    retryable=retryable,
                    redirects=redirects,
                    final_url=current,
                    method=method,
                )
            location = headers.get("location")
            if status in REDIRECT_STATUSES and location:
                target = urljoin(current, location.strip())
                redirects.append(Redirect(status, current, target))
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    return _Answer(
                        status=status,
                        error=f"redirects to a non-http URL ({target[:80]})",
                        redirects=redirects,
                        final_url=target,
                        method=method,
                    )
                if target in seen:
                    return _Answer(
                        status=status,
                        error="redirect loop",
                        redirects=redirects,
                        final_url=target,
                        method=method,
                    )
                seen.add(target)
                current = target
                continue
            retryable = status == 429 or (status >= 500 and status != 501)
            return _Answer(
                status=status,
                final_url=current,
                redirects=redirects,
                retryable=retryable,
                retry_after=headers.get("retry-after"),
                method=method,
            )
        return _Answer(
            error=f"more than {self.options.max_redirects} redirects",
            redirects=redirects,
            final_url=current,
            method=method,
        )

    async def _request(
        self, method: str, url: str, budget: list[float]
    ) -> tuple[int, dict[str, str]]:
        """One request; at most ``max_body`` bytes of the body read; time taken off budget."""
        gate = self.gate(url)
        await gate.enter()
        try:
            if budget[0] <= 0:
                raise _OutOfTime
            started = time.monotonic()
            try:
                try:
                    async with asyncio.timeout(budget[0]):
                        response = await self.pool.send(method, url)
                except TimeoutError:
                    raise _OutOfTime from None
                try:
                    # Reading to the end (an empty HEAD body, a short page or redirect body)
                    # lets the connection be reused; a longer body is cut at the cap.
                    await _read_some_body(response, self.options.max_body, started + budget[0])
                finally:
                    response.release()
            finally:
                budget[0] -= time.monotonic() - started
            return response.status, response.headers
        finally:
            gate.leave()


async def _read_some_body(response: Response, max_body: int, deadline: float) -> None:
    """Read at most ``max_body`` bytes of the body, until ``deadline`` at the latest.

    The status line already decided the verdict: a slow, endless or broken body changes
    nothing, so reading just stops (and the connection is closed, not reused).
    """
    if not response.has_body:
        return
    with contextlib.suppress(Exception):
        async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
            await response.drain(max_body)


async def check_links_async(
    urls: Iterable[str],
    options: CheckOptions | None = None,
    *,
    on_result: Callable[[LinkResult], Any] | None = None,
) -> list[LinkResult]:
    """Check ``urls`` (duplicates are checked once); results in the order given.

    ``on_result`` is called once for each result, soon after it came in: by a task of its own
    that runs once the workers woken with it have sent their next requests, so what it does
    (bookkeeping, a progress bar) overlaps the wait for answers instead of delaying requests.
    """
    options = options or CheckOptions()
    unique = list(dict.fromkeys(urls))
    if not unique:
        return []
    queue = iter(interleave_by_host(unique))
    results: dict[str, LinkResult] = {}
    pool = Pool(http.request_headers(options.user_agent), max_hosts=max(2 * options.concurrency, 8))
    arrived: list[LinkResult] = []
    wake = asyncio.Event()
    try:
        checker = _Checker(pool, options)

        async def worker() -> None:
            for url in queue:  # a shared iterator: each URL goes to exactly one worker
                result = await checker.check(url)
                results[url] = result
                if on_result is not None:
                    arrived.append(result)
                    wake.set()

        async def report(callback: Callable[[LinkResult], Any]) -> None:
            told = 0
            while told < len(unique):
                await wake.wait()
                wake.clear()
                batch = arrived[:]
                arrived.clear()
                for result in batch:
                    callback(result)
                told += len(batch)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(options.concurrency, len(unique))):
                group.create_task(worker())
            if on_result is not None:
                group.create_task(report(on_result))
    finally:
        pool.close()
    return [results[url] for url in unique]


def check_links(
    urls: Iterable[str],
    options: CheckOptions | None = None,
    *,
    on_result: Callable[[LinkResult], Any] | None = None,
) -> list[LinkResult]:
    """Check ``urls`` and return one result per distinct URL (see the module docstring)."""
    return asyncio.run(check_links_async(urls, options, on_result=on_result))
