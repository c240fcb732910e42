"""The crawl of one source: fetch listing → pick entries → fetch + extract their pages → records.

`crawl_source` and `fetch_url` never raise: a failed source is `outcome.error`, a failed article
page is `outcome.page_errors` and a record built from the listing entry with `page_error` set.

Incremental: an entry is read when its URL is new, when the listing says something else about
it than last time (`listing_hash`: a changed title, summary or lastmod), or when its page failed
before and is due for another try (`KnownArticle.retry`, `retry` entries even when the listing
itself is unchanged). Everything else is skipped without a request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Container, Mapping, Sequence
from concurrent.futures import Executor
from datetime import UTC, datetime
from urllib.parse import urlsplit

from crawlers.articles import build_record, crawl_article, listing_hash, run_cpu
from crawlers.encoding import detect_and_decode
from crawlers.errors import CrawlError, internal_error
from crawlers.extract import ExtractedPage, extract_page
from crawlers.fetch import Fetcher, FetchResponse
from crawlers.listing import (
    Listing,
    ListingKind,
    detect_kind,
    follow_feed_link,
    mark_invented_dates,
    read_listing,
)
from crawlers.nesting import check_nesting
from crawlers.normalize import canonical_url, nfkc, one_line
from crawlers.records import (
    ArticleRecord,
    CrawlOutcome,
    KnownArticle,
    ListingEntry,
    SourceSpec,
    record_to_dict,
)

log = logging.getLogger(__name__)

__all__ = ["build_record", "crawl_source", "detect_kind", "fetch_url", "record_to_dict"]

PAGE_CONCURRENCY = 4  # article pages in flight per source (the Fetcher also limits per host)
MAX_PAGES_PER_CRAWL = 200  # more waits for the next crawl (the listing is read again then)
_FEED_KINDS = frozenset({"rss", "atom", "rdf", "feed"})
_REDISCOVER_STATUSES = frozenset({404, 410})


async def crawl_source(
    spec: SourceSpec,
    fetcher: Fetcher,
    *,
    known: Mapping[str, KnownArticle] | Container[str] = frozenset(),
    retry: Sequence[ListingEntry] = (),
    now: datetime | None = None,
    max_articles: int | None = MAX_PAGES_PER_CRAWL,
    cpu: Executor | None = None,
) -> CrawlOutcome:
    """Crawl one source once. 304 → `not_modified` (pages due for a retry are still read).

    `known`: what is already stored, by canonical URL (a plain set of URLs means "known,
    never re-read"). `retry`: entries whose pages failed before and are due again. `cpu`: an
    executor for extraction (a process pool uses every core; default: a thread).
    """
    now = now or datetime.now(UTC)
    outcome = CrawlOutcome(
        source_url=spec.url, etag=spec.etag, last_modified=spec.last_modified,
        feed_url=spec.feed_url,
    )
    try:
        listing = await _fetch_listing(spec, fetcher, outcome, now, cpu)
        entries = listing.entries if listing is not None else []
        source_url = listing.url if listing is not None else spec.url
        chosen = _choose(entries, known, retry)
        if max_articles is not None and len(chosen) > max_articles:
            chosen, outcome.truncated = chosen[: max(0, max_articles)], True
        await _crawl_entries(chosen, spec.department, source_url, fetcher, outcome, now, cpu)
        if listing is not None and listing.response is not None and not outcome.truncated:
            # Remember validators only once the whole listing was processed.
            outcome.etag = listing.response.etag
            outcome.last_modified = listing.response.last_modified
    except CrawlError as exc:
        outcome.error = exc
    except Exception:  # a bug must not take the scheduler down with it
        log.exception("crawling %s failed unexpectedly", spec.url)
        outcome.error = internal_error(spec.url)
    return outcome


async def _fetch_listing(
    spec: SourceSpec, fetcher: Fetcher, outcome: CrawlOutcome, now: datetime,
    cpu: Executor | None,
) -> Listing | None:
    """The source's listing, or None when it has not changed (304)."""
    etag, last_modified = spec.etag, spec.last_modified
    if spec.feed_url and spec.kind in ("auto", "discover"):
        # The feed found on the homepage last time, read directly with its validators.
        listing = await _read_remembered_feed(spec, fetcher, outcome, now, cpu)
        if listing is not None or outcome.not_modified:
            return listing
        # The feed moved or stopped being a feed: look on the homepage again, afresh.
        outcome.feed_url = outcome.etag = outcome.last_modified = None
        etag = last_modified = None
    response = await fetcher.fetch(spec.url, etag=etag, last_modified=last_modified)
    if not response.is_modified:
        _not_modified(outcome, response, spec)
        return None
    kind: ListingKind
    if spec.kind in _FEED_KINDS:
        kind = "feed"
    elif spec.kind in ("sitemap", "html"):
        kind = spec.kind  # type: ignore[assignment]
    else:
        kind = detect_kind(response)
    listing = await read_listing(
        response, kind, spec.rules, fetcher, outcome, now=now,
        discover=spec.kind == "discover", cpu=cpu,
    )
    mark_invented_dates(listing.entries)
    return listing


async def _read_remembered_feed(
    spec: SourceSpec, fetcher: Fetcher, outcome: CrawlOutcome, now: datetime,
    cpu: Executor | None,
) -> Listing | None:
    assert spec.feed_url is not None
    try:
        response = await fetcher.fetch(
            spec.feed_url, etag=spec.etag, last_modified=spec.last_modified
        )
    except CrawlError as exc:
        if exc.status in _REDISCOVER_STATUSES:
            return None
        raise
    if not response.is_modified:
        _not_modified(outcome, response, spec)
        return None
    if detect_kind(response) != "feed":
        return None
    listing = await read_listing(response, "feed", {}, fetcher, outcome, now=now, cpu=cpu)
    mark_invented_dates(listing.entries)
    return listing


def _not_modified(outcome: CrawlOutcome, response: FetchResponse, spec: SourceSpec) -> None:
    outcome.not_modified = True
    outcome.etag = response.etag or spec.etag
    outcome.last_modified = response.last_modified or spec.last_modified


def _choose(
    entries: Sequence[ListingEntry],
    known: Mapping[str, KnownArticle] | Container[str],
    retry: Sequence[ListingEntry],
) -> list[ListingEntry]:
    """Entries whose pages must be read now: new ones first, then changed and retried ones."""
    is_map = isinstance(known, Mapping)
    new: list[ListingEntry] = []
    again: list[ListingEntry] = []
    seen: set[str] = set()
    for entry in [*entries, *retry]:
        if not entry.url:
            continue
        url = canonical_url(entry.url)
        if url in seen:
            continue
        seen.add(url)
        if is_map:
            previous = known.get(url) or known.get(entry.url)  # type: ignore[union-attr]
            if previous is None:
                new.append(entry)
            elif previous.retry or (
                previous.listing_hash and previous.listing_hash != listing_hash(entry)
            ):
                again.append(entry)
        elif url not in known and entry.url not in known:
            new.append(entry)
    return new + again


async def _crawl_entries(
    entries: Sequence[ListingEntry],
    department: str,
    source_url: str,
    fetcher: Fetcher,
    outcome: CrawlOutcome,
    now: datetime,
    cpu: Executor | None,
) -> None:
    department = one_line(nfkc(department))
    slots = asyncio.Semaphore(PAGE_CONCURRENCY)

    async def one(entry: ListingEntry) -> tuple[ArticleRecord, CrawlError | None]:
        async with slots:
            return await crawl_article(entry, department, source_url, fetcher, now, cpu)

    for record, error in await asyncio.gather(*(one(entry) for entry in entries)):
        outcome.records.append(record)
        if error is not None:
            outcome.page_errors.append((record.url, error))


async def fetch_url(url: str, fetcher: Fetcher, *, cpu: Executor | None = None) -> CrawlOutcome:
    """`mymachi fetch URL`: a feed/sitemap is crawled like a source (department = feed title),
    an HTML page with a feed link follows it, any other page becomes a single record."""
    now = datetime.now(UTC)
    outcome = CrawlOutcome(source_url=url)
    try:
        response = await fetcher.fetch(url, text_only=True)
        if not response.is_text:  # a document (PDF, …), not a page
            name = urlsplit(response.url).path.rsplit("/", 1)[-1] or response.url
            entry = ListingEntry(url=response.url, title=name)
            page = ExtractedPage(url=response.url, attachments=[response.url])
            department = urlsplit(response.url).hostname or ""
            outcome.records.append(
                build_record(entry, department, url, page, response.fetched_at, now)
            )
            return outcome
        listing = await _single_listing(response, fetcher, outcome, now, cpu)
        if listing is None:
            return outcome
        department = listing.title or urlsplit(listing.url).hostname or ""
        mark_invented_dates(listing.entries)
        await _crawl_entries(listing.entries, department, listing.url, fetcher, outcome, now, cpu)
        if listing.response is not None:
            outcome.etag = listing.response.etag
            outcome.last_modified = listing.response.last_modified
    except CrawlError as exc:
        outcome.error = exc
    except Exception:
        log.exception("fetching %s failed unexpectedly", url)
        outcome.error = internal_error(url)
    return outcome


async def _single_listing(
    response: FetchResponse,
    fetcher: Fetcher,
    outcome: CrawlOutcome,
    now: datetime,
    cpu: Executor | None,
) -> Listing | None:
    """For `fetch_url`: the listing behind a response, or None after storing the page itself
    as the single record (an article page without a feed)."""
    kind = detect_kind(response)
    if kind != "html":
        return await read_listing(response, kind, {}, fetcher, outcome, now=now, cpu=cpu)
    text, _ = detect_and_decode(response.content, response.charset)
    check_nesting(text, response.url)
    listing = await follow_feed_link(
        text, response.url, fetcher, outcome, now=now, anchors=False, cpu=cpu
    )
    if listing is not None:
        return listing
    page = await run_cpu(cpu, _extract, text, response.url, now)
    department = nfkc(page.site_name or urlsplit(response.url).hostname or "")
    entry = ListingEntry(url=response.url, title=page.title, published=page.published)
    record = build_record(entry, department, response.url, page, response.fetched_at, now)
    outcome.records.append(record)
    return None


def _extract(text: str, url: str, now: datetime) -> ExtractedPage:
    return extract_page(text, url, reference=now)

