"""Politeness toward one site: request spacing, robots.txt, and the pauses a site asked for.

A `Site` is one Fetcher's state for one scheme://host[:port]: its concurrency slots, its
clock of request starts, its robots.txt load and its connection pool. What outlives a Fetcher
(robots.txt rules, Retry-After pauses) is kept in `SiteMemory` (sites.py).
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

import httpx

from crawlers.errors import CrawlError
from crawlers.robots import crawl_delay, is_allowed
from crawlers.sites import RobotsState, SiteMemory

DEFAULT_POLITENESS_DELAY = 0.5


@dataclass(slots=True)
class Site:
    """Per-site state of one Fetcher: concurrency slots, politeness clock, robots loading."""

    slots: asyncio.Semaphore
    clock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    robots: RobotsState | None = None
    robots_task: asyncio.Task[RobotsState] | None = None
    loopback: bool = False
    client: httpx.AsyncClient | None = None

    @classmethod
    def open(cls, key: str, concurrency: int) -> Site:
        hostname = (urlsplit(key).hostname or "").lower()
        return cls(slots=asyncio.Semaphore(concurrency),
                   loopback=hostname == "localhost" or _is_loopback_literal(hostname))

    async def close(self) -> None:
        if self.robots_task is not None and not self.robots_task.done():
            self.robots_task.cancel()
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    async def wait_turn(self, politeness_delay: float | None) -> None:
        """Space request starts to this site by the delay (or robots Crawl-delay); None
        means DEFAULT_POLITENESS_DELAY for remote sites and none for loopback (the demo)."""
        delay = politeness_delay
        if delay is None:
            delay = 0.0 if self.loopback else DEFAULT_POLITENESS_DELAY
        rules = self.robots.rules if self.robots is not None else None
        delay = max(delay, crawl_delay(rules) or 0.0)
        if delay <= 0:
            return
        async with self.clock:
            now = time.monotonic()
            wait = self.next_start - now
            self.next_start = max(now, self.next_start) + delay
        if wait > 0:
            await asyncio.sleep(wait)

    async def check_robots(self, memory: SiteMemory, key: str, url: str,
                           load: Callable[[str], Awaitable[RobotsState]]) -> None:
        """Refuse `url` when robots.txt disallows it (or could not be read); `load` reads
        the site's robots.txt once for every request waiting on it."""
        state = memory.robots(key)
        if state is None:
            if self.robots_task is None or self.robots_task.done():
                self.robots_task = asyncio.ensure_future(load(key))
            state = await asyncio.shield(self.robots_task)
        self.robots = state
        if state.error is not None:
            left = max(0.0, state.expires - time.monotonic())
            raise CrawlError(
                state.error.kind,
                f"{url}: not requested; {state.error.detail}",
                status=state.error.status,
                retry_after=left,
            )
        if not is_allowed(state.rules, url):
            raise CrawlError(
                "robots_disallowed", f"{url}: the site's robots.txt asks crawlers not to read it"
            )


def check_pause(memory: SiteMemory, key: str, url: str) -> None:
    """Refuse `url` while its site's pause (Retry-After, a 429) is not over."""
    paused = memory.paused(key)
    if paused is not None:
        left, cause = paused
        raise CrawlError(
            cause.kind,
            f"{url}: not requested; the site asked us to wait, {left:.0f} s to go "
            f"(after: {cause.detail})",
            status=cause.status,
            retry_after=left,
        )


def site_key(scheme: str, netloc: str) -> str:
    return f"{scheme.lower()}://{netloc.lower()}"


def _is_loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> SplitResult:
    """The parts of a crawlable address (http or https, a host, a valid port), or CrawlError."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise CrawlError("invalid_url", f"{url!r}: not a usable address ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise CrawlError("invalid_url", f"{url!r}: only http and https addresses can be crawled")
    if not parts.hostname:
        raise CrawlError("invalid_url", f"{url!r}: the address has no host name")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise CrawlError("invalid_url", f"{url!r}: not a usable address ({exc})") from None
    return parts
