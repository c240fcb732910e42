"""HTTP for the crawler: politeness, robots.txt, conditional GET, size caps, SSRF-guarded redirects.

`Fetcher` is the only place in crawlers/ that touches the network. Every failure leaves it as a
`CrawlError` with a stable kind; callers never see httpx exceptions.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import SplitResult, urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from crawlers.errors import CrawlError, CrawlErrorKind
from crawlers.robots import MAX_ROBOTS_BYTES, crawl_delay, is_allowed, parse_robots, robots_url
from crawlers.ssrf import AddressPolicy, GuardedNetworkBackend, check_host

log = logging.getLogger(__name__)

USER_AGENT = "mymachi/0.1 (+https://github.com/mymachi)"
ACCEPT = (
    "application/rss+xml, application/rdf+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_POLITENESS_DELAY = 0.5


@dataclass(slots=True)
class FetchResponse:
    """A finished HTTP exchange that answers the crawler's questions."""

    url: str  # final URL after redirects
    status: int
    headers: httpx.Headers
    content: bytes = b""
    requested_url: str = ""
    redirects: list[str] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_modified(self) -> bool:
        return self.status != 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag") or None

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified") or None

    @property
    def content_type(self) -> str:
        """Media type without parameters, lowercased ("" when absent)."""
        value: str = self.headers.get("content-type", "")
        return value.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if the server sent one."""
        header: str = self.headers.get("content-type", "")
        for param in header.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def is_text(self) -> bool:
        """Text-like (HTML, XML, feeds, JSON) or unlabeled; False for PDFs, images, …"""
        return _is_text(self.headers)

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connections go through the SSRF-checking network backend."""

    def __init__(self, policy: AddressPolicy, *, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(policy),
        )


@dataclass(slots=True)
class _Host:
    """Per-host state: concurrency slots, politeness clock, robots rules."""

    slots: asyncio.Semaphore
    clock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    robots: Protego | None = None
    robots_task: asyncio.Task[Protego | None] | None = None
    loopback: bool = False


class Fetcher:
    """Async HTTP client for crawling; use as ``async with Fetcher(allow=...) as f:``."""

    def __init__(
        self,
        allow: str | None = None,
        *,
        user_agent: str = USER_AGENT,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        total_timeout: float = 60.0,
        max_bytes: int = 10 * 1024 * 1024,
        max_redirects: int = 5,
        per_host_concurrency: int = 2,
        politeness_delay: float | None = None,
        respect_robots: bool = True,
        timeout: float | None = None,
    ) -> None:
        """`allow`: MYMACHI_CRAWL_ALLOW-style hosts/CIDRs exempt from the SSRF guard.
        `politeness_delay`: seconds between request starts to one host; None means
        DEFAULT_POLITENESS_DELAY for remote hosts and none for loopback (the demo city).
        `timeout`: shorthand capping the connect/read timeouts and the per-request deadline.
        """
        if timeout is not None:
            connect_timeout = min(connect_timeout, timeout)
            read_timeout = min(read_timeout, timeout)
            total_timeout = timeout
        self.policy = AddressPolicy(allow)
        self.user_agent = user_agent
        self.timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=total_timeout
        )
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout  # per request/redirect hop, body included
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host_concurrency = max(1, per_host_concurrency)
        self.politeness_delay = None if politeness_delay is None else max(0.0, politeness_delay)
        self.respect_robots = respect_robots
        self._hosts: dict[str, _Host] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(self.policy, limits=limits),
            timeout=self.timeout,
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": self.user_agent,
                "Accept": ACCEPT,
                "Accept-Language": "ja,en;q=0.5",
            },
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for host in self._hosts.values():
            if host.robots_task is not None and not host.robots_task.done():
                host.robots_task.cancel()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        text_only: bool = False,
    ) -> FetchResponse:
        """GET `url`, following up to `max_redirects` redirects; 304 is a normal response.

        With `text_only`, a binary answer (PDF, images, office files) is not downloaded: the
        response comes back with its headers and an empty `content`.
        """
        self._require_client()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return await self._fetch_following(url, headers, check_robots=True, text_only=text_only)
        except CrawlError:
            raise
        except TimeoutError:
            raise CrawlError("network_timeout", f"{url}: timed out") from None
        except httpx.TimeoutException as exc:
            raise CrawlError("network_timeout", f"{url}: {type(exc).__name__}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise CrawlError("invalid_url", f"{url}: {exc}") from None
        except httpx.HTTPError as exc:
            raise CrawlError("network_error", f"{url}: {type(exc).__name__}: {exc}") from None
        except Exception as exc:  # anything else from the stack is still a network failure
            raise CrawlError("network_error", f"{url}: {type(exc).__name__}: {exc}") from None

    # -- internals -------------------------------------------------------------------------

    async def _fetch_following(
        self,
        url: str,
        headers: dict[str, str],
        *,
        check_robots: bool,
        max_bytes: int | None = None,
        text_only: bool = False,
    ) -> FetchResponse:
        client = self._require_client()
        current = url
        hops: list[str] = []
        while True:
            parts = _check_url(current)
            host = self._host(parts.scheme, parts.netloc)
            if check_robots and self.respect_robots:
                await self._check_robots(current, parts.scheme, parts.netloc)
            async with asyncio.timeout(self.connect_timeout):
                await check_host(parts.hostname or "", self.policy, parts.port)
            async with host.slots:
                await self._wait_turn(host)
                # The deadline covers the exchange itself, not the wait for a polite turn.
                async with asyncio.timeout(self.total_timeout):
                    request = client.build_request("GET", current, headers=headers)
                    response = await client.send(request, stream=True)
                    try:
                        if response.status_code in REDIRECT_STATUSES and "location" in (
                            response.headers
                        ):
                            location = response.headers["location"].strip()
                        else:
                            body = b""
                            if not text_only or _is_text(response.headers):
                                body = await self._read_body(response, current, max_bytes)
                            return self._finish(url, current, hops, response, body)
                    finally:
                        await response.aclose()
            hops.append(current)
            if len(hops) > self.max_redirects:
                raise CrawlError(
                    "too_many_redirects", f"{url}: more than {self.max_redirects} redirects"
                )
            current = urljoin(current, location).split("#", 1)[0]
            if current in hops:
                raise CrawlError("too_many_redirects", f"{url}: redirect loop via {current}")

    def _finish(
        self,
        requested: str,
        final: str,
        hops: list[str],
        response: httpx.Response,
        body: bytes,
    ) -> FetchResponse:
        status = response.status_code
        if status == 304 or 200 <= status < 300:
            return FetchResponse(
                url=final,
                status=status,
                headers=response.headers,
                content=body,
                requested_url=requested,
                redirects=hops,
            )
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        detail = f"HTTP {status} for {final}"
        if retry_after is not None:
            detail += f" (Retry-After: {retry_after:g}s)"
        kind: CrawlErrorKind = "http_too_many_requests" if status == 429 else "http_status"
        raise CrawlError(kind, detail, status=status, retry_after=retry_after)

    async def _read_body(self, response: httpx.Response, url: str, max_bytes: int | None) -> bytes:
        limit = self.max_bytes if max_bytes is None else max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise CrawlError(
                "response_too_large", f"{url}: Content-Length {declared} > {limit} bytes"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise CrawlError("response_too_large", f"{url}: body exceeds {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _require_client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("use Fetcher as an async context manager")
        return self._client

    def _host(self, scheme: str, netloc: str) -> _Host:
        key = f"{scheme}://{netloc.lower()}"
        host = self._hosts.get(key)
        if host is None:
            hostname = (urlsplit(key).hostname or "").lower()
            host = _Host(
                slots=asyncio.Semaphore(self.per_host_concurrency),
                loopback=hostname == "localhost" or _is_loopback_literal(hostname),
            )
            self._hosts[key] = host
        return host

    async def _wait_turn(self, host: _Host) -> None:
        """Politeness: space request starts to one host by the delay (or robots Crawl-delay)."""
        delay = self.politeness_delay
        if delay is None:
            delay = 0.0 if host.loopback else DEFAULT_POLITENESS_DELAY
        delay = max(delay, crawl_delay(host.robots) or 0.0)
        if delay <= 0:
            return
        async with host.clock:
            now = time.monotonic()
            wait = host.next_start - now
            host.next_start = max(now, host.next_start) + delay
        if wait > 0:
            await asyncio.sleep(wait)

    async def _check_robots(self, url: str, scheme: str, netloc: str) -> None:
        host = self._host(scheme, netloc)
        if host.robots_task is None:
            host.robots_task = asyncio.ensure_future(self._load_robots(scheme, netloc))
        robots = await asyncio.shield(host.robots_task)
        host.robots = robots
        if not is_allowed(robots, url):
            raise CrawlError("robots_disallowed", f"{url} is disallowed by robots.txt")

    async def _load_robots(self, scheme: str, netloc: str) -> Protego | None:
        """robots.txt once per host. Missing or unreadable robots.txt allows everything."""
        try:
            response = await self._fetch_following(
                robots_url(scheme, netloc), {}, check_robots=False, max_bytes=MAX_ROBOTS_BYTES
            )
        except Exception as exc:  # unreachable robots.txt: crawl anyway, politely
            log.info("robots.txt unavailable for %s (%s); allowing", netloc, exc)
            return None
        return parse_robots(response.content)


def _is_loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_text(headers: httpx.Headers) -> bool:
    media: str = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return not media or media.startswith("text/") or any(k in media for k in ("xml", "json"))


def _check_url(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise CrawlError("invalid_url", f"{url!r}: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise CrawlError("invalid_url", f"{url!r}: only http and https can be crawled")
    if not parts.hostname:
        raise CrawlError("invalid_url", f"{url!r}: no host")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise CrawlError("invalid_url", f"{url!r}: {exc}") from None
    return parts
