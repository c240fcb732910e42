"""robots.txt rules (protego). Missing, unreachable or unparsable robots.txt allows everything;
the Fetcher loads it once per host and asks these questions before each request."""

from __future__ import annotations

import logging

from protego import Protego

log = logging.getLogger(__name__)

ROBOTS_AGENT = "mymachi"
MAX_ROBOTS_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 10.0  # a Crawl-delay above this is capped, not obeyed literally


def robots_url(scheme: str, netloc: str) -> str:
    return f"{scheme}://{netloc}/robots.txt"


def parse_robots(content: bytes) -> Protego | None:
    """Rules from robots.txt bytes, or None (allow all) when they cannot be read."""
    try:
        return Protego.parse(content.decode("utf-8", errors="replace"))
    except Exception:  # a broken robots.txt is treated as absent
        log.info("robots.txt could not be parsed; allowing")
        return None


def is_allowed(robots: Protego | None, url: str) -> bool:
    return robots is None or bool(robots.can_fetch(url, ROBOTS_AGENT))


def crawl_delay(robots: Protego | None) -> float | None:
    """The Crawl-delay for our agent, capped at MAX_CRAWL_DELAY; None when not set."""
    if robots is None:
        return None
    try:
        delay = robots.crawl_delay(ROBOTS_AGENT)
    except Exception:
        return None
    return min(float(delay), MAX_CRAWL_DELAY) if delay else None
