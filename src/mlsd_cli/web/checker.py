"""Checking links: many URLs, concurrently, politely, without crying wolf. Never prints.

:func:`check_links` takes URLs and :class:`CheckOptions` and returns one :class:`LinkResult`
per URL (in the order given). How a URL is checked:

- Only http and https URLs are ever requested (redirect targets included).
- A fixed pool of ``concurrency`` workers takes URLs from a queue ordered round-robin over
  hosts; at most ``per_host`` requests are in flight to one host, and two requests to one
  host start at least ``host_delay`` seconds apart. One httpx ``AsyncClient`` with connection
  limits serves them all, so thousands of URLs use a bounded number of sockets and tasks.
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

httpx is imported when a check starts, never at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.errors import InputError
from mlsd_cli.web.linkstate import utc_stamp
from mlsd_cli.web.results import BROKEN, OK, REDIRECTED, SOFT, LinkResult, Redirect

if TYPE_CHECKING:
    import httpx

    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.store import CatalogueLocation

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
    timeout: float = 10.0
    retries: int = 2
    #: Base of the exponential backoff between attempts, in seconds.
    backoff: float = 1.0
    #: A Retry-After longer than this is not waited for (the link is reported as soft).
    max_retry_after: float = 30.0
    accept: frozenset[int] = DEFAULT_ACCEPT
    #: At most this many bytes of a body are read (a short one is read to its end).
    max_body: int = 4096
    max_redirects: int = 10
    user_agent: str | None = None

    def __post_init__(self) -> None:
        for name in ("concurrency", "per_host", "max_redirects"):
            if getattr(self, name) < 1:
                raise InputError(f"--{name.replace('_', '-')} must be at least 1")
        for name in ("timeout",):
            if getattr(self, name) <= 0:
                raise InputError(f"--{name} must be more than 0 seconds")
        for name in ("host_delay", "backoff", "max_retry_after", "retries"):
            if getattr(self, name) < 0:
                raise InputError(f"--{name.replace('_', '-')} cannot be negative")


# ----------------------------------------------------------------- parsing options


def parse_status_codes(text: str) -> frozenset[int]:
    """``"200..299,403"`` -> the set of those codes. Raises InputError."""
    codes: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(\d{3})\s*(?:(?:\.\.|-)\s*(\d{3}))?", part)
        if not match:
            raise InputError(
                f"--accept: '{part}' is not a status code or a range",
                hint="write codes and ranges like 200..299,403",
            )
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not (100 <= low <= high <= 999):
            raise InputError(f"--accept: '{part}' is not a range of HTTP status codes")
        codes.update(range(low, high + 1))
    if not codes:
        raise InputError("--accept: no status codes given", hint="for example --accept 200..299")
    return frozenset(codes)


def compile_excludes(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile ``--exclude`` regular expressions. Raises InputError on a bad one."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise InputError(
                f"--exclude: '{pattern}' is not a valid regular expression ({exc})",
                hint="escape special characters, e.g. 'example\\.com'",
            ) from None
    return compiled


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def interleave_by_host(urls: Sequence[str]) -> list[str]:
    """Order URLs round-robin over their hosts, so workers spread over hosts."""
    queues: OrderedDict[str, list[str]] = OrderedDict()
    for url in urls:
        queues.setdefault((urlsplit(url).hostname or "").lower(), []).append(url)
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
        self.lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self.semaphore:
            if self.delay:
                async with self.lock:
                    loop = asyncio.get_running_loop()
                    now = loop.time()
                    start = max(now, self.next_start)
                    self.next_start = start + self.delay
                if start > now:
                    await asyncio.sleep(start - now)
            yield


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
    def __init__(self, client: httpx.AsyncClient, options: CheckOptions) -> None:
        self.client = client
        self.options = options
        self.gates: dict[str, _HostGate] = {}

    def gate(self, url: str) -> _HostGate:
        host = (urlsplit(url).hostname or "").lower()
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
            result.error = _status_text(status) + (
                " (bot protection?)" if status != 429 else " (rate limited)"
            )
        elif answer.error is None and status is not None:
            result.error = _status_text(status)
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
                    error=f"timed out after {self.options.timeout:g} s",
                    retryable=True,
                    redirects=redirects,
                    final_url=current,
                    method=method,
                )
            except Exception as exc:  # httpx errors, SSL errors, anything from the socket
                reason, retryable = _describe_error(exc)
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
        async with self.gate(url).turn():
            if budget[0] <= 0:
                raise _OutOfTime
            started = time.monotonic()
            deadline = started + budget[0]
            try:
                try:
                    async with asyncio.timeout(budget[0]):
                        request = self.client.build_request(method, url)
                        response = await self.client.send(request, stream=True)
                except TimeoutError:
                    raise _OutOfTime from None
                try:
                    # Reading to the end (an empty HEAD body, a short page or redirect body)
                    # lets the connection be reused; a longer body is cut at the cap.
                    await _read_some_body(response, self.options.max_body, deadline)
                finally:
                    await response.aclose()
            finally:
                budget[0] -= time.monotonic() - started
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status_code, headers


async def _read_some_body(response: httpx.Response, max_body: int, deadline: float) -> int:
    """Read at most ``max_body`` bytes of the body, until ``deadline`` at the latest.

    The status line already decided the verdict: a slow, endless or broken body changes
    nothing, so reading just stops (and closing the response drops the connection).
    """
    read = 0
    with contextlib.suppress(Exception):
        async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read >= max_body:
                    break
    return read


def _status_text(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _describe_error(exc: BaseException) -> tuple[str, bool]:
    """A few words for a network error, and whether trying again may help."""
    import httpx

    text = str(exc).strip()
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    if isinstance(exc, httpx.TimeoutException):
        return "timed out", True
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused", False
    if isinstance(exc, httpx.ConnectError):
        if "Name or service not known" in text or "nodename nor servname" in text:
            return "host name does not resolve", False
        if "Temporary failure in name resolution" in text:
            return "host name lookup failed", True
        if "Connection refused" in text:
            return "connection refused", False
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return f"TLS error: {text.splitlines()[0][:120]}", False
        return f"cannot connect: {text.splitlines()[0][:120] if text else type(exc).__name__}", True
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return f"connection dropped: {text[:120] if text else type(exc).__name__}", True
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "not an http(s) URL", False
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {text[:120]}", False
    return f"{type(exc).__name__}: {text[:120]}", False


def _per_host_transport(options: CheckOptions) -> httpx.AsyncBaseTransport:
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
        max_connections=options.per_host,
        max_keepalive_connections=options.per_host,
        keepalive_expiry=10.0,
    )
    max_pools = max(2 * options.concurrency, 8)

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


def _client(options: CheckOptions) -> httpx.AsyncClient:
    import httpx

    from mlsd_cli.web.metadata import user_agent

    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(options.timeout),
        transport=_per_host_transport(options),
        headers={
            "User-Agent": options.user_agent or user_agent(),
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        },
    )


async def check_links_async(
    urls: Iterable[str],
    options: CheckOptions | None = None,
    *,
    on_result: Callable[[LinkResult], Any] | None = None,
) -> list[LinkResult]:
    """Check ``urls`` (duplicates are checked once); results in the order given."""
    options = options or CheckOptions()
    unique = list(dict.fromkeys(urls))
    if not unique:
        return []
    queue = iter(interleave_by_host(unique))
    results: dict[str, LinkResult] = {}
    async with _client(options) as client:
        checker = _Checker(client, options)

        async def worker() -> None:
            for url in queue:  # a shared iterator: each URL goes to exactly one worker
                result = await checker.check(url)
                results[url] = result
                if on_result is not None:
                    on_result(result)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(options.concurrency, len(unique))):
                group.create_task(worker())
    return [results[url] for url in unique]


def check_links(
    urls: Iterable[str],
    options: CheckOptions | None = None,
    *,
    on_result: Callable[[LinkResult], Any] | None = None,
) -> list[LinkResult]:
    """Check ``urls`` and return one result per distinct URL (see the module docstring)."""
    return asyncio.run(check_links_async(urls, options, on_result=on_result))


# ----------------------------------------------------------------- a whole catalogue

#: The verdicts of a run, in the order reports list them.
VERDICTS = ("ok", "redirected", "soft", "failing", "dead", "skipped")


@dataclass
class LinkReport:
    """One URL of a run: what was found and what it means, given earlier runs."""

    url: str
    #: Ids of the resources with this URL.
    resources: list[str]
    #: ok, redirected, soft, failing, dead or skipped.
    verdict: str
    result: LinkResult | None = None
    #: Consecutive failing runs, this one included.
    failures: int = 0
    #: Why the link was skipped, or what is wrong with it.
    reason: str | None = None
    last_ok: datetime | None = None
    last_checked: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        result = self.result
        return {
            "url": self.url,
            "resources": self.resources,
            "verdict": self.verdict,
            "status": result.status if result else None,
            "reason": self.reason,
            "final_url": result.final_url if result else None,
            "redirects": [
                {"status": r.status, "url": r.url, "location": r.location}
                for r in (result.redirects if result else [])
            ],
            "moved_to": result.moved_to if result else None,
            "failures": self.failures,
            "attempts": result.attempts if result else 0,
            "method": result.method if result else None,
            "last_checked": utc_stamp(self.last_checked),
            "last_ok": utc_stamp(self.last_ok),
        }


@dataclass
class CheckReport:
    links: list[LinkReport]
    state_file: Path
    checked_at: datetime
    dead_after: int
    state_warning: str | None = None
    catalogue: Path | None = None

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for link in self.links:
            counts[link.verdict] += 1
        return counts

    @property
    def has_dead(self) -> bool:
        return any(link.verdict == "dead" for link in self.links)

    def to_json(self, fixed: Sequence[tuple[str, str, str]] = ()) -> dict[str, Any]:
        """The ``mlsd check --json`` document (schema in docs/check.md)."""
        counts = self.counts()
        return {
            "catalogue": str(self.catalogue) if self.catalogue else None,
            "state_file": str(self.state_file),
            "checked_at": utc_stamp(self.checked_at),
            "dead_after": self.dead_after,
            "summary": {"total": len(self.links), **counts},
            "links": [link.to_json() for link in self.links],
            "fixed": [{"resource": rid, "old": old, "new": new} for rid, old, new in fixed],
        }

    def moves(self) -> dict[str, str]:
        """Permanently moved URLs that work at their new address: old -> new."""
        return {
            link.url: link.result.moved_to
            for link in self.links
            if link.result is not None and link.result.moved_to
        }


def check_catalogue(
    location: CatalogueLocation,
    resources: Sequence[Resource],
    options: CheckOptions | None = None,
    *,
    all_urls: Iterable[str] | None = None,
    dead_after: int = 2,
    max_age: timedelta | None = None,
    exclude: Sequence[re.Pattern[str]] = (),
    now: datetime | None = None,
    on_start: Callable[[int], Any] | None = None,
    on_result: Callable[[LinkResult], Any] | None = None,
) -> CheckReport:
    """Check the URLs of ``resources``, remember the results, and judge them.

    ``all_urls`` (every URL of the catalogue) lets the state file forget URLs that left the
    catalogue. ``on_start`` receives the number of URLs about to be requested.
    """
    from mlsd_cli.web import linkstate

    if dead_after < 1:
        raise InputError("--dead-after must be at least 1")
    now = now or datetime.now(UTC)
    by_url: dict[str, list[str]] = {}
    for resource in resources:
        if resource.url:
            by_url.setdefault(resource.url, []).append(resource.id)
    state = linkstate.load_state(linkstate.state_path(location))

    reports: dict[str, LinkReport] = {}
    to_check: list[str] = []
    for url, ids in by_url.items():
        record = state.links.get(url)
        report = LinkReport(url, ids, "skipped")
        if record is not None:
            report.failures, report.last_ok = record.failures, record.last_ok
            report.last_checked = record.last_checked
        reports[url] = report
        pattern = next((p.pattern for p in exclude if p.search(url)), None)
        if pattern is not None:
            report.reason = f"excluded by --exclude {pattern!r}"
        elif url_problem(url):
            report.reason = f"not checked: the URL {url_problem(url)}"
        elif max_age is not None and linkstate.checked_ok_within(record, max_age, now):
            assert record is not None and record.last_ok is not None
            report.reason = f"checked OK {linkstate.age_text(now - record.last_ok)} ago"
        else:
            to_check.append(url)
    if on_start is not None:
        on_start(len(to_check))

    results = check_links(to_check, options, on_result=on_result)
    for result in results:
        record = linkstate.record_result(state, result, now)
        report = reports[result.url]
        report.result = result
        report.verdict = linkstate.verdict(result, record, dead_after)
        report.failures = record.failures
        report.last_ok = record.last_ok
        report.last_checked = record.last_checked
        report.reason = result.error
    keep = set(all_urls) if all_urls is not None else None
    if keep is not None:
        keep.update(by_url)
    linkstate.save_state(
        state, updated={r.url for r in results}, keep=keep, catalogue=location.path
    )
    return CheckReport(
        links=list(reports.values()),
        state_file=state.path,
        checked_at=now,
        dead_after=dead_after,
        state_warning=state.warning,
        catalogue=location.path,
    )
