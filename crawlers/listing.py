"""A source's listing: the feed, sitemap or list page whose entries point to articles.

`read_listing` turns a fetched response into entries; a homepage is followed to the feed it
points to (autodiscovery) and a sitemap index to its child sitemaps.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal

from crawlers.articles import run_cpu
from crawlers.discover import feed_candidates
from crawlers.encoding import detect_and_decode
from crawlers.errors import CrawlError
from crawlers.feeds import looks_like_feed, parse_feed
from crawlers.fetch import Fetcher, FetchResponse
from crawlers.listpages import guess_list_entries, parse_list_page
from crawlers.nesting import check_nesting
from crawlers.records import CrawlOutcome, ListingEntry
from crawlers.sitemaps import looks_like_sitemap, parse_sitemap

MAX_CHILD_SITEMAPS = 50  # newest first; a city's whole archive is not re-read every crawl
MAX_FEED_CANDIDATES = 3  # feed links tried on a homepage before giving up
SITEMAP_MAX_AGE = timedelta(days=365)  # older pages in a sitemap are not news any more
FEED_CONTENT_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
ListingKind = Literal["feed", "sitemap", "html"]


@dataclass(slots=True)
class Listing:
    entries: list[ListingEntry] = field(default_factory=list)
    title: str = ""  # the feed's title, when there is one
    url: str = ""  # where the entries came from (a followed feed link may differ)
    response: FetchResponse | None = None  # the response the entries came from (validators)


def detect_kind(response: FetchResponse) -> ListingKind:
    """Feed, sitemap or HTML page, from the bytes first and the Content-Type second."""
    if looks_like_feed(response.content):
        return "feed"
    if looks_like_sitemap(response.content):
        return "sitemap"
    if response.content_type in FEED_CONTENT_TYPES:
        return "feed"
    return "html"


async def read_listing(
    response: FetchResponse,
    kind: ListingKind,
    rules: dict[str, str],
    fetcher: Fetcher,
    outcome: CrawlOutcome,
    *,
    now: datetime,
    discover: bool = False,
    cpu: Executor | None = None,
) -> Listing:
    """Entries of a listing. With `discover`, an HTML page must lead to a feed. `cpu`: where
    parsing runs (see `run_cpu`)."""
    if not response.content.strip():
        raise CrawlError("empty", f"{response.url}: the server sent an empty answer")
    if kind == "feed":
        feed = await run_cpu(
            cpu, parse_feed, response.content, base_url=response.url,
            http_charset=response.charset,
        )
        for link in feed.skipped:
            outcome.page_errors.append((link, _not_a_web_page(link, response.url)))
        return Listing(entries=feed.entries, title=feed.title, url=response.url, response=response)
    if kind == "sitemap":
        return await _read_sitemap(response, fetcher, outcome, now)
    text, _ = detect_and_decode(response.content, response.charset)
    check_nesting(text, response.url)
    if rules:
        entries = await run_cpu(cpu, parse_list_page, text, base_url=response.url, rules=rules)
        if not entries:
            raise CrawlError(
                "empty",
                f"{response.url}: no items match the list rule {rules.get('item')!r}; "
                "the page layout may have changed",
            )
        return Listing(entries=entries, url=response.url, response=response)
    feed = await follow_feed_link(text, response.url, fetcher, outcome, now=now, cpu=cpu)
    if feed is not None:
        return feed
    if discover:
        raise CrawlError(
            "empty", f"{response.url}: the page names no feed (no <link rel=\"alternate\">)"
        )
    entries = await run_cpu(cpu, guess_list_entries, text, base_url=response.url)
    if not entries:
        raise CrawlError(
            "empty",
            f"{response.url}: the page has no feed link and no dated list of links; "
            "add list rules (CSS selectors) for it",
        )
    return Listing(entries=entries, url=response.url, response=response)


async def follow_feed_link(
    html: str,
    page_url: str,
    fetcher: Fetcher,
    outcome: CrawlOutcome,
    *,
    now: datetime,
    anchors: bool = True,
    cpu: Executor | None = None,
) -> Listing | None:
    """The first feed a page points to that really is a feed, or None. Without `anchors`,
    only feeds the page declares (<link rel="alternate">) count."""
    candidates = feed_candidates(html, page_url, anchors=anchors)
    for feed_url in candidates[:MAX_FEED_CANDIDATES]:
        try:
            feed_response = await fetcher.fetch(feed_url)
            if detect_kind(feed_response) == "feed":
                listing = await read_listing(
                    feed_response, "feed", {}, fetcher, outcome, now=now, cpu=cpu
                )
                outcome.feed_url = feed_url
                return listing
        except CrawlError as exc:
            outcome.page_errors.append((feed_url, exc))
    return None


async def _read_sitemap(
    response: FetchResponse, fetcher: Fetcher, outcome: CrawlOutcome, now: datetime
) -> Listing:
    sitemap = parse_sitemap(response.content, base_url=response.url)
    entries = list(sitemap.entries)
    for child_url in sitemap.children[:MAX_CHILD_SITEMAPS]:
        try:
            child = await fetcher.fetch(child_url)
            entries.extend(parse_sitemap(child.content, base_url=child.url).entries)
        except CrawlError as exc:
            outcome.page_errors.append((child_url, exc))
    oldest = now - SITEMAP_MAX_AGE
    entries = [e for e in entries if e.updated is None or e.updated >= oldest]
    entries.sort(key=lambda e: e.updated.timestamp() if e.updated else float("-inf"), reverse=True)
    return Listing(entries=entries, url=response.url, response=response)


def _not_a_web_page(link: str, feed_url: str) -> CrawlError:
    shown = link if len(link) <= 80 else link[:79] + "…"
    return CrawlError(
        "invalid_url",
        f"{feed_url}: an entry links to {shown!r}, which is not a web page address "
        "(only http and https are read); the entry was skipped",
    )


def mark_invented_dates(entries: list[ListingEntry]) -> None:
    """A listing whose entries (three or more) all carry the same time of day, to the second,
    is stamping its build time, not publication dates: those dates are not to be trusted.
    (Dates without a time, as list pages show them, may well repeat on a busy day.)"""
    if len(entries) < 3:
        return
    stamps = {(e.published or e.updated) for e in entries}
    stamp = next(iter(stamps))
    if len(stamps) == 1 and stamp is not None and stamp.time() != time(0):
        for entry in entries:
            entry.date_kind = "invented"
