"""The crawler's HTTP client as the portal configures it: one place for its settings."""

from __future__ import annotations

from crawlers import Fetcher, SiteMemory
from portal.settings import Settings


def make_fetcher(settings: Settings, memory: SiteMemory | None = None) -> Fetcher:
    """A Fetcher with the allow list (MYMACHI_CRAWL_ALLOW) and timeout of `settings`.
    `memory`: robots.txt and Retry-After pauses kept across crawls (the context's); a fresh
    one by default."""
    return Fetcher(allow=settings.crawl_allow, timeout=settings.crawl_timeout_seconds,
                   memory=memory)
