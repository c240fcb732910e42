"""The crawl of one source: fetch listing → parse entries → fetch + extract new pages → records.

`crawl_source` and `fetch_url` never raise: a failed source is `outcome.error`, a failed article
page is `outcome.page_errors` (and the record built from the feed entry is kept).
"""

from __future__ import annotations

import asyncio
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from crawlers.dates import resolve_published
from crawlers.dedupe import content_hash, dedup_key
from crawlers.encoding import detect_and_decode
from crawlers.errors import CrawlError
from crawlers.extract import (
    ATTACHMENT_EXTENSIONS,
    ExtractedPage,
    extract_page,
    find_deadline,
    find_event_date,
    find_feed_links,
)
from crawlers.feeds import looks_like_feed, parse_feed
from crawlers.fetch import Fetcher, FetchResponse
from crawlers.listpages import guess_list_entries, parse_list_page
from crawlers.normalize import (
    canonical_url,
    clean_whitespace,
    html_to_text,
    nfkc,
    nfkc_html,
    one_line,
)
from crawlers.records import (
    ArticleRecord,
    CrawlOutcome,
    ListingEntry,
    SourceSpec,
    record_to_dict,
)
from crawlers.sanitize import sanitize_html
from crawlers.sitemaps import looks_like_sitemap, parse_sitemap

__all__ = ["build_record", "crawl_source", "detect_kind", "fetch_url", "record_to_dict"]

PAGE_CONCURRENCY = 4  # article pages in flight per source (the Fetcher also limits per host)
MAX_CHILD_SITEMAPS = 3
SUMMARY_CHARS = 200
FEED_CONTENT_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
# Links straight to documents (common in municipal feeds): the record points at the file.
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
    }
)
ListingKind = Literal["feed", "sitemap", "html"]


@dataclass(slots=True)
class _Listing:
    entries: list[ListingEntry] = field(default_factory=list)
    title: str = ""  # the feed's title, when there is one
    url: str = ""  # where the entries came from (a followed feed link may differ)


def detect_kind(response: FetchResponse) -> ListingKind:
    """Feed, sitemap or HTML page, from the bytes first and the Content-Type second."""
    if looks_like_feed(response.content):
        return "feed"
    if looks_like_sitemap(response.content):
        return "sitemap"
    if response.content_type in FEED_CONTENT_TYPES:
        return "feed"
    return "html"


async def crawl_source(
    spec: SourceSpec,
    fetcher: Fetcher,
    *,
    known_urls: Container[str] = frozenset(),
    now: datetime | None = None,
    max_articles: int | None = None,
) -> CrawlOutcome:
    """Crawl one source once. 304 → `not_modified`; failures → `error` / `page_errors`."""
    now = now or datetime.now(UTC)
    outcome = CrawlOutcome(source_url=spec.url, etag=spec.etag, last_modified=spec.last_modified)
    try:
        response = await fetcher.fetch(spec.url, etag=spec.etag, last_modified=spec.last_modified)
        if not response.is_modified:
            outcome.not_modified = True
            outcome.etag = response.etag or spec.etag
            outcome.last_modified = response.last_modified or spec.last_modified
            return outcome
        kind: ListingKind
        if spec.kind in ("rss", "atom", "rdf", "feed"):
            kind = "feed"
        elif spec.kind in ("sitemap", "html"):
            kind = spec.kind
        else:
            kind = detect_kind(response)
        listing = await _read_listing(response, kind, spec.rules, fetcher, outcome)
        await _crawl_entries(
            listing, spec.department, fetcher, outcome, known_urls, now, max_articles
        )
        # Remember validators only once the listing was processed.
        outcome.etag = response.etag
        outcome.last_modified = response.last_modified
    except CrawlError as exc:
        outcome.error = exc
    except Exception as exc:  # a bug must not take the scheduler down with it
        outcome.error = CrawlError("parse_error", f"{type(exc).__name__}: {exc}")
    return outcome


async def fetch_url(url: str, fetcher: Fetcher) -> CrawlOutcome:
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
        kind = detect_kind(response)
        if kind == "html":
            text, _ = detect_and_decode(response.content, response.charset)
            for feed_url in find_feed_links(text, response.url)[:1]:
                try:
                    feed_response = await fetcher.fetch(feed_url)
                except CrawlError as exc:
                    outcome.page_errors.append((feed_url, exc))
                    continue
                if detect_kind(feed_response) == "feed":
                    response, kind = feed_response, "feed"
            if kind == "html":
                page = await asyncio.to_thread(extract_page, text, response.url, reference=now)
                department = nfkc(page.site_name or urlsplit(response.url).hostname or "")
                entry = ListingEntry(url=response.url, title=page.title, published=page.published)
                outcome.records.append(
                    build_record(entry, department, url, page, response.fetched_at, now)
                )
                return outcome
        listing = await _read_listing(response, kind, {}, fetcher, outcome)
        department = listing.title or urlsplit(response.url).hostname or ""
        await _crawl_entries(listing, department, fetcher, outcome, frozenset(), now, None)
        outcome.etag, outcome.last_modified = response.etag, response.last_modified
    except CrawlError as exc:
        outcome.error = exc
    except Exception as exc:
        outcome.error = CrawlError("parse_error", f"{type(exc).__name__}: {exc}")
    return outcome


# -- listing -------------------------------------------------------------------------------


async def _read_listing(
    response: FetchResponse,
    kind: ListingKind,
    rules: dict[str, str],
    fetcher: Fetcher,
    outcome: CrawlOutcome,
) -> _Listing:
    if not response.content.strip():
        raise CrawlError("empty", f"{response.url}: empty response body")
    if kind == "feed":
        feed = await asyncio.to_thread(
            parse_feed, response.content, base_url=response.url, http_charset=response.charset
        )
        return _Listing(entries=feed.entries, title=feed.title, url=response.url)
    if kind == "sitemap":
        return await _read_sitemap(response, fetcher, outcome)
    text, _ = detect_and_decode(response.content, response.charset)
    if rules:
        entries = await asyncio.to_thread(parse_list_page, text, base_url=response.url, rules=rules)
        if not entries:
            raise CrawlError("empty", f"{response.url}: no items match {rules.get('item')!r}")
        return _Listing(entries=entries, url=response.url)
    for feed_url in find_feed_links(text, response.url)[:1]:
        try:
            feed_response = await fetcher.fetch(feed_url)
            if detect_kind(feed_response) == "feed":
                return await _read_listing(feed_response, "feed", {}, fetcher, outcome)
        except CrawlError as exc:
            outcome.page_errors.append((feed_url, exc))
    entries = await asyncio.to_thread(guess_list_entries, text, base_url=response.url)
    if not entries:
        raise CrawlError("empty", f"{response.url}: no feed link and no dated list of links")
    return _Listing(entries=entries, url=response.url)


async def _read_sitemap(
    response: FetchResponse, fetcher: Fetcher, outcome: CrawlOutcome
) -> _Listing:
    sitemap = parse_sitemap(response.content, base_url=response.url)
    entries = list(sitemap.entries)
    for child_url in sitemap.children[:MAX_CHILD_SITEMAPS]:
        try:
            child = await fetcher.fetch(child_url)
            entries.extend(parse_sitemap(child.content, base_url=child.url).entries)
        except CrawlError as exc:
            outcome.page_errors.append((child_url, exc))
    entries.sort(key=lambda e: e.updated.timestamp() if e.updated else float("-inf"), reverse=True)
    return _Listing(entries=entries, url=response.url)


# -- articles ------------------------------------------------------------------------------


async def _crawl_entries(
    listing: _Listing,
    department: str,
    fetcher: Fetcher,
    outcome: CrawlOutcome,
    known_urls: Container[str],
    now: datetime,
    max_articles: int | None,
) -> None:
    department = one_line(nfkc(department))
    fresh: list[ListingEntry] = []
    seen: set[str] = set()
    for entry in listing.entries:
        if not entry.url:
            outcome.page_errors.append(
                ("", CrawlError("invalid_url", f"entry without a link: {entry.title!r}"))
            )
            continue
        url = canonical_url(entry.url)
        if url in seen or url in known_urls or entry.url in known_urls:
            continue
        seen.add(url)
        fresh.append(entry)
    if max_articles is not None:
        fresh = fresh[: max(0, max_articles)]
    slots = asyncio.Semaphore(PAGE_CONCURRENCY)

    async def one(entry: ListingEntry) -> tuple[ArticleRecord, CrawlError | None]:
        async with slots:
            return await _crawl_article(entry, department, listing.url, fetcher, now)

    for record, error in await asyncio.gather(*(one(entry) for entry in fresh)):
        outcome.records.append(record)
        if error is not None:
            outcome.page_errors.append((record.url, error))


async def _crawl_article(
    entry: ListingEntry, department: str, source_url: str, fetcher: Fetcher, now: datetime
) -> tuple[ArticleRecord, CrawlError | None]:
    page: ExtractedPage | None = None
    error: CrawlError | None = None
    fetched_at = datetime.now(UTC)
    try:
        response = await fetcher.fetch(entry.url, text_only=True)
        fetched_at = response.fetched_at
        if response.is_html or (not response.content_type and b"<html" in response.content[:1024]):
            text, _ = detect_and_decode(response.content, response.charset)
            reference = entry.published or now
            page = await asyncio.to_thread(extract_page, text, response.url, reference=reference)
        elif response.content_type in ATTACHMENT_TYPES or ATTACHMENT_EXTENSIONS.search(
            urlsplit(response.url).path
        ):
            page = ExtractedPage(url=response.url, attachments=[response.url], method="none")
    except CrawlError as exc:
        error = exc
    except Exception as exc:
        error = CrawlError("parse_error", f"{entry.url}: {type(exc).__name__}: {exc}")
    return build_record(entry, department, source_url, page, fetched_at, now), error


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def build_record(
    entry: ListingEntry,
    department: str,
    source_url: str,
    page: ExtractedPage | None,
    fetched_at: datetime,
    now: datetime,
) -> ArticleRecord:
    """The record boundary: NFKC once, sanitize, dates resolved, hashes computed."""
    url = canonical_url(entry.url)
    title = one_line(nfkc(entry.title or (page.title if page else "")))
    if page is not None and page.text:
        raw_html, extraction, base = page.html, page.method, page.url
    else:
        raw_html = entry.content_html or entry.summary_html
        extraction, base = ("feed" if raw_html.strip() else "none"), url
        if raw_html and "<" not in raw_html:  # plain-text description: keep its line breaks
            raw_html = "".join(f"<p>{line}</p>" for line in _escape(raw_html).splitlines())
    body_html = sanitize_html(nfkc_html(raw_html), base_url=base)
    body_text = clean_whitespace(html_to_text(body_html))
    summary = _summary(nfkc(html_to_text(entry.summary_html))) or _summary(body_text)
    if not title:
        title = _summary(body_text.split("\n", 1)[0]) if body_text else url
    published, flagged = resolve_published(
        entry.published, (page.published if page else None,), fetched_at, now
    )
    reference = published
    deadline = page.deadline if page else None
    event_date = page.event_date if page else None
    if page is None or not page.text:
        deadline = deadline or find_deadline(body_text, reference=reference)
        event_date = event_date or find_event_date(body_text, reference=reference)
    attachments = list(page.attachments) if page else []
    for href in _links(body_html):
        if ATTACHMENT_EXTENSIONS.search(urlsplit(href).path) and href not in attachments:
            attachments.append(href)
    return ArticleRecord(
        url=url,
        title=title,
        department=department,
        source_url=source_url,
        summary=summary,
        body_text=body_text,
        body_html=body_html,
        published=published,
        updated=entry.updated or (page.updated if page else None),
        date_flagged=flagged,
        content_hash=content_hash(body_text),
        dedup_key=dedup_key(body_text, title=title, summary=summary),
        extraction=extraction,
        attachments=attachments,
        deadline=deadline,
        event_date=event_date,
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _links(html: str) -> list[str]:
    if "<a" not in html:
        return []
    tree = LexborHTMLParser(html)
    return [href for node in tree.css("a[href]") if (href := node.attributes.get("href"))]
