"""HTTP for the crawler: conditional GET, size caps, SSRF-guarded redirects (politeness.py: per-site
spacing, robots.txt and pauses).

`Fetcher` is the only place in crawlers/ that touches the network. Every failure leaves it as a
`CrawlError` with a stable kind and a plain-words detail; callers never see httpx exceptions.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from types import TracebackType
from urllib.parse import urljoin

import httpx

from crawlers.compression import ACCEPT_ENCODING, BoundedDecoder
from crawlers.errors import CrawlError, CrawlErrorKind
from crawlers.politeness import Site, check_pause, check_url, site_key
from crawlers.response import (
    FetchResponse,
    describe_status,
    is_text_type,
    network_error,
    parse_retry_after,
)
from crawlers.robots import MAX_ROBOTS_BYTES
from crawlers.sites import RobotsState, SiteMemory, read_robots
from crawlers.ssrf import AddressPolicy, GuardedTransport, check_host

__all__ = ["USER_AGENT", "FetchResponse", "Fetcher", "parse_retry_after"]

try:  # pragma: no cover - depends on what is installed
    import sniffio  # noqa: F401
except ImportError:
    # httpcore runs `import sniffio` on every request; when it is not installed, every try
    # searches sys.path on disk again (a profiled hot spot: ~1 ms a request on a busy disk).
    # A None entry makes the import fail at once, and httpcore then assumes asyncio.
    sys.modules["sniffio"] = None  # type: ignore[assignment]

USER_AGENT = "mymachi/0.1 (+https://github.com/mymachi)"
ACCEPT = (
    "application/rss+xml, application/rdf+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_429_PAUSE = 60.0  # a 429 without Retry-After still means "slow down"


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
        memory: SiteMemory | None = None,
    ) -> None:
        """`allow`: MYMACHI_CRAWL_ALLOW-style hosts/CIDRs exempt from the SSRF guard.
        `politeness_delay`: seconds between request starts to one host; None means
        DEFAULT_POLITENESS_DELAY for remote hosts and none for loopback (the demo city).
        `timeout`: shorthand capping the connect/read timeouts and the per-request deadline.
        `memory`: robots.txt and Retry-After pauses to share with other Fetchers (a crawl
        scheduler keeps one for the life of the process); a fresh one by default.
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
        self.memory = memory if memory is not None else SiteMemory()
        self._sites: dict[str, Site] = {}
        self._entered = False
        self._ssl: ssl.SSLContext | None = None

    async def __aenter__(self) -> Fetcher:
        self._ssl = httpx.create_ssl_context(trust_env=False)
        self._entered = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._entered = False
        for site in self._sites.values():
            await site.close()

    def _client_for(self, host: Site) -> httpx.AsyncClient:
        """One small connection pool per site: httpcore checks every idle connection of a
        pool on each request, so one shared pool of hundreds of sites costs O(sites) each."""
        if host.client is None:
            slots = self.per_host_concurrency
            host.client = httpx.AsyncClient(
                transport=GuardedTransport(
                    self.policy,
                    limits=httpx.Limits(max_connections=slots, max_keepalive_connections=slots),
                    ssl_context=self._ssl,
                ),
                timeout=self.timeout,
                follow_redirects=False,
                trust_env=False,
                headers={
                    "User-Agent": self.user_agent,
                    "Accept": ACCEPT,
                    "Accept-Language": "ja,en;q=0.5",
                    "Accept-Encoding": ACCEPT_ENCODING,
                },
            )
        return host.client

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
        return await self._guarded(url, headers, check_robots=True, text_only=text_only)

    # -- internals -------------------------------------------------------------------------

    async def _guarded(
        self,
        url: str,
        headers: dict[str, str],
        *,
        check_robots: bool,
        max_bytes: int | None = None,
        text_only: bool = False,
    ) -> FetchResponse:
        """One fetch with redirects, every lower-level failure turned into a CrawlError."""
        try:
            return await self._fetch_following(
                url, headers, check_robots=check_robots, max_bytes=max_bytes, text_only=text_only
            )
        except CrawlError:
            raise
        except Exception as exc:  # whatever the stack raised is still a network failure
            raise network_error(exc, url, self.total_timeout) from None

    async def _fetch_following(
        self,
        url: str,
        headers: dict[str, str],
        *,
        check_robots: bool,
        max_bytes: int | None = None,
        text_only: bool = False,
    ) -> FetchResponse:
        self._require_client()
        current = url
        hops: list[str] = []
        while True:
            parts = check_url(current)
            site = site_key(parts.scheme, parts.netloc)
            host = self._site(site)
            check_pause(self.memory, site, current)
            async with asyncio.timeout(self.connect_timeout):  # SSRF: before any request
                await check_host(parts.hostname or "", self.policy, parts.port)
            if check_robots and self.respect_robots:
                await host.check_robots(self.memory, site, current, self._load_robots)
            async with host.slots:
                await host.wait_turn(self.politeness_delay)
                # Again now: a request that held the slot may have just been told to wait.
                check_pause(self.memory, site, current)
                # The deadline covers the exchange itself, not the wait for a polite turn.
                async with asyncio.timeout(self.total_timeout):
                    client = self._client_for(host)
                    request = client.build_request("GET", current, headers=headers)
                    response = await client.send(request, stream=True)
                    try:
                        if response.status_code in REDIRECT_STATUSES and "location" in (
                            response.headers
                        ):
                            location = response.headers["location"].strip()
                        else:
                            body = b""
                            if response.status_code != 304 and (
                                not text_only or is_text_type(response.headers)
                            ) and 200 <= response.status_code < 300:
                                body = await self._read_body(response, current, max_bytes)
                            return self._finish(url, current, site, hops, response, body)
                    finally:
                        await response.aclose()
            hops.append(current)
            if len(hops) > self.max_redirects:
                raise CrawlError(
                    "too_many_redirects",
                    f"{url}: more than {self.max_redirects} redirects in a row; "
                    "the address probably moved in a loop",
                )
            current = urljoin(current, location).split("#", 1)[0]
            if current in hops:
                raise CrawlError(
                    "too_many_redirects", f"{url}: the redirects loop back to {current}"
                )

    def _finish(
        self,
        requested: str,
        final: str,
        site: str,
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
        detail = f"{final}: HTTP {status}, {describe_status(status)}"
        if retry_after is not None:
            detail += f"; it asked us to come back in {retry_after:.0f} s (Retry-After)"
        kind: CrawlErrorKind = "http_too_many_requests" if status == 429 else "http_status"
        error = CrawlError(kind, detail, status=status, retry_after=retry_after)
        pause = retry_after if retry_after is not None else (
            DEFAULT_429_PAUSE if status == 429 else None
        )
        if pause:
            # Politeness: nothing more goes to this site until the server's pause is over.
            self.memory.pause(site, pause, error)
        raise error

    async def _read_body(self, response: httpx.Response, url: str, max_bytes: int | None) -> bytes:
        limit = self.max_bytes if max_bytes is None else max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise CrawlError(
                "response_too_large",
                f"{url}: the answer announces {declared} bytes, more than the {limit} allowed",
            )
        decoder = BoundedDecoder.for_header(
            response.headers.get("content-encoding"), limit=limit, url=url
        )
        chunks: list[bytes] = []
        raw_size = 0
        async for chunk in response.aiter_raw():
            raw_size += len(chunk)
            if raw_size > limit:
                raise CrawlError(
                    "response_too_large",
                    f"{url}: the answer is larger than {limit} bytes (endless?); it was cut off",
                )
            chunks.append(decoder.feed(chunk))
        decoder.finish()
        return b"".join(chunks)

    def _require_client(self) -> None:
        if not self._entered:
            raise RuntimeError("use Fetcher as an async context manager")

    def _site(self, key: str) -> Site:
        site = self._sites.get(key)
        if site is None:
            site = self._sites[key] = Site.open(key, self.per_host_concurrency)
        return site

    async def _load_robots(self, site: str) -> RobotsState:
        async def get(address: str) -> bytes:
            response = await self._guarded(
                address, {}, check_robots=False, max_bytes=MAX_ROBOTS_BYTES
            )
            return response.content

        return await read_robots(self.memory, site, get)
