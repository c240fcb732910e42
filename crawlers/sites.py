"""What the crawler remembers about each site between fetches (and between crawl cycles, when the
caller keeps one `SiteMemory` for the life of the process): robots.txt rules and pauses a
server asked for with Retry-After.

robots.txt follows RFC 9309: 2xx → its rules; 4xx (and an unreadable file) → no rules, crawl;
5xx or 429 → the site is treated as fully disallowed until a later retry, reusing a copy read
successfully in the last day if there is one. A network failure while reading robots.txt is
the site's own failure and is reported as such.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego

from crawlers.errors import CrawlError
from crawlers.robots import parse_robots, robots_url

log = logging.getLogger(__name__)

ROBOTS_TTL = 3600.0  # a robots.txt read successfully is reused for an hour
STALE_ROBOTS_OK = 86400.0  # RFC 9309: a cached copy may serve for a day when the site errs
UNAVAILABLE_RETRY = 600.0  # robots.txt answering 5xx: ask again after this long
NETWORK_RETRY = 120.0  # the site could not be reached: ask again after this long
MAX_PAUSE = 6 * 3600.0  # a Retry-After longer than this is capped


@dataclass(slots=True)
class RobotsState:
    """One site's robots.txt as last read: rules (None = allow all) or a standing error."""

    rules: Protego | None
    expires: float  # monotonic time after which robots.txt is read again
    read_at: float | None = None  # when rules came from a successful read
    error: CrawlError | None = None  # every request to the site fails with this until expires


class SiteMemory:
    """Per-site state keyed by "scheme://host:port"; safe to share between Fetchers."""

    def __init__(self) -> None:
        self._robots: dict[str, RobotsState] = {}
        self._pauses: dict[str, tuple[float, CrawlError]] = {}

    # -- robots.txt ------------------------------------------------------------------------

    def robots(self, site: str, now: float | None = None) -> RobotsState | None:
        """The still-valid robots state of a site, or None when it must be (re)read."""
        state = self._robots.get(site)
        now = time.monotonic() if now is None else now
        return state if state is not None and state.expires > now else None

    def robots_read(self, site: str, rules: Protego | None) -> RobotsState:
        now = time.monotonic()
        state = RobotsState(rules=rules, expires=now + ROBOTS_TTL, read_at=now)
        self._robots[site] = state
        return state

    def robots_unavailable(
        self, site: str, error: CrawlError, retry_after: float | None = None
    ) -> RobotsState:
        """robots.txt answered 5xx/429: reuse a recent good copy, else disallow until retry."""
        now = time.monotonic()
        wait = min(max(retry_after or 0.0, UNAVAILABLE_RETRY), MAX_PAUSE)
        previous = self._robots.get(site)
        read_at = previous.read_at if previous is not None else None
        if previous is not None and read_at is not None and now - read_at < STALE_ROBOTS_OK:
            previous.expires = now + wait
            return previous
        state = RobotsState(rules=None, expires=now + wait, error=error)
        self._robots[site] = state
        return state

    def site_unreachable(self, site: str, error: CrawlError) -> RobotsState:
        state = RobotsState(rules=None, expires=time.monotonic() + NETWORK_RETRY, error=error)
        self._robots[site] = state
        return state

    # -- Retry-After -------------------------------------------------------------------------

    def pause(self, site: str, seconds: float, error: CrawlError) -> None:
        """The server asked us to wait (429/503 + Retry-After): no request until then."""
        until = time.monotonic() + min(max(seconds, 0.0), MAX_PAUSE)
        current = self._pauses.get(site)
        if current is None or current[0] < until:
            self._pauses[site] = (until, error)

    def paused(self, site: str) -> tuple[float, CrawlError] | None:
        """(seconds left, the error that caused it) while a site's pause lasts."""
        entry = self._pauses.get(site)
        if entry is None:
            return None
        left = entry[0] - time.monotonic()
        if left <= 0:
            del self._pauses[site]
            return None
        return left, entry[1]


async def read_robots(
    memory: SiteMemory, site: str, get: Callable[[str], Awaitable[bytes]]
) -> RobotsState:
    """Read a site's robots.txt with `get` and remember the outcome (RFC 9309)."""
    try:
        content = await get(robots_url(*site.split("://", 1)))
    except CrawlError as exc:
        if exc.status is not None and (exc.status >= 500 or exc.status == 429):
            error = CrawlError(
                "robots_unavailable",
                f"its robots.txt answered HTTP {exc.status}, so the site is not crawled "
                "until it answers normally (RFC 9309)",
                status=exc.status,
            )
            return memory.robots_unavailable(site, error, exc.retry_after)
        if exc.kind in ("network_timeout", "network_error", "blocked_address"):
            return memory.site_unreachable(site, exc)
        # 4xx, too many redirects, oversize: "unavailable" in RFC terms → crawl freely.
        log.info("robots.txt unavailable for %s (%s); allowing", site, exc)
        return memory.robots_read(site, None)
    return memory.robots_read(site, parse_robots(content))
