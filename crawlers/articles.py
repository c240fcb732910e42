"""One article: fetch its page, extract it, and build the record a resident will read.

`page_record` is the CPU-heavy part (decode → extract → sanitize → normalize → hash) as one
picklable function of plain data, so a caller can run it in a process pool and use every core.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from crawlers.dates import resolve_published
from crawlers.dedupe import content_hash, dedup_key, fingerprint_text, near_dup_keys
from crawlers.encoding import detect_and_decode
from crawlers.errors import CrawlError, internal_error
from crawlers.extract import (
    ATTACHMENT_EXTENSIONS,
    ExtractedPage,
    extract_page,
    find_deadline,
    find_event_date,
)
from crawlers.fetch import Fetcher, FetchResponse
from crawlers.nesting import check_nesting
from crawlers.normalize import (
    canonical_url,
    clean_whitespace,
    html_to_text,
    nfkc,
    nfkc_html,
    one_line,
    strip_tags,
)
from crawlers.records import ArticleRecord, ListingEntry
from crawlers.sanitize import sanitize_html

log = logging.getLogger(__name__)

SUMMARY_CHARS = 200
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
T = TypeVar("T")


async def run_cpu(
    cpu: Executor | None, func: Callable[..., T], *args: object, **kwargs: object
) -> T:
    """CPU-bound work off the event loop: in `cpu` (e.g. a process pool) or a thread."""
    if cpu is None:
        return await asyncio.to_thread(func, *args, **kwargs)
    call = functools.partial(func, *args, **kwargs)  # picklable for a process pool
    try:
        return await asyncio.get_running_loop().run_in_executor(cpu, call)
    except BrokenExecutor:
        # A pool process died (out of memory, killed): the work is still done, here, rather
        # than failing every source left in the cycle; the pool's owner replaces the pool.
        return await asyncio.to_thread(call)


def listing_hash(entry: ListingEntry) -> str:
    """Fingerprint of what the listing says about an article; a change means "re-read it".
    Dates the listing invents (the same for every entry) are left out."""
    trusted = entry.date_kind != "invented"
    published = entry.published.isoformat() if entry.published and trusted else ""
    parts = (
        canonical_url(entry.url),
        entry.title,
        entry.summary_html,
        entry.content_html,
        published,
        entry.updated.isoformat() if entry.updated and trusted else "",
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


async def crawl_article(
    entry: ListingEntry,
    department: str,
    source_url: str,
    fetcher: Fetcher,
    now: datetime,
    cpu: Executor | None = None,
) -> tuple[ArticleRecord, CrawlError | None]:
    """Fetch and extract one article page. A failed page still gives a record (from the
    listing entry) with `page_error` set, and the error to report."""
    fetched_at = datetime.now(UTC)
    try:
        response = await fetcher.fetch(entry.url, text_only=True)
    except CrawlError as exc:
        record = await run_cpu(
            cpu, page_record, None, entry, department, source_url, fetched_at, now, exc.kind
        )
        return record, exc
    try:
        return await run_cpu(
            cpu, page_record, _page_input(response), entry, department, source_url,
            response.fetched_at, now, "",
        ), None
    except CrawlError as exc:  # the page was fetched but could not be read (too deep, …)
        error = exc
    except Exception:  # a parser bug on one page must not lose the article
        log.exception("reading the page %s failed unexpectedly", entry.url)
        error = internal_error(entry.url)
    record = await run_cpu(
        cpu, page_record, None, entry, department, source_url, fetched_at, now, error.kind
    )
    return record, error


PageInput = tuple[str, bytes, str | None, str]  # (final url, body, charset, kind of content)


def _page_input(response: FetchResponse) -> PageInput | None:
    if response.is_html or (not response.content_type and b"<html" in response.content[:1024]):
        return response.url, response.content, response.charset, "html"
    if response.content_type in ATTACHMENT_TYPES or ATTACHMENT_EXTENSIONS.search(
        urlsplit(response.url).path
    ):
        return response.url, b"", None, "document"
    return None  # something else (XML, plain text): the listing entry says it all


def page_record(
    page_input: PageInput | None,
    entry: ListingEntry,
    department: str,
    source_url: str,
    fetched_at: datetime,
    now: datetime,
    page_error: str,
) -> ArticleRecord:
    """Bytes of an article page (or None when it could not be read) → the record."""
    page: ExtractedPage | None = None
    if page_input is not None:
        url, body, charset, kind = page_input
        if kind == "document":
            page = ExtractedPage(url=url, attachments=[url], method="none")
        else:
            text, _ = detect_and_decode(body, charset)
            check_nesting(text, url)
            page = extract_page(text, url, reference=entry.published or now)
    record = build_record(entry, department, source_url, page, fetched_at, now)
    record.page_error = page_error
    return record


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def _entry_html(raw_html: str, url: str) -> str:
    """Feed-supplied HTML, made safe to parse: too deeply nested markup becomes plain text."""
    try:
        check_nesting(raw_html, url)
    except CrawlError:
        return _escape(strip_tags(raw_html))
    return raw_html


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
        raw_html = _entry_html(entry.content_html or entry.summary_html, url)
        extraction, base = ("feed" if raw_html.strip() else "none"), url
        if raw_html and "<" not in raw_html:  # plain-text description: keep its line breaks
            raw_html = "".join(f"<p>{line}</p>" for line in _escape(raw_html).splitlines())
    body_html = sanitize_html(nfkc_html(raw_html), base_url=base)
    body_text = clean_whitespace(html_to_text(body_html))
    summary_html = _entry_html(entry.summary_html, url)
    summary = _summary(nfkc(html_to_text(summary_html))) or _summary(body_text)
    if not title:
        title = _summary(body_text.split("\n", 1)[0]) if body_text else url
    page_date = page.published if page else None
    if entry.date_kind == "published":
        published, flagged = resolve_published(entry.published, (page_date,), fetched_at, now)
    else:  # a lastmod or an invented date: the page's own date comes first
        listed = entry.published or entry.updated
        published, flagged = resolve_published(page_date, (listed,), fetched_at, now)
    deadline = page.deadline if page else None
    event_date = page.event_date if page else None
    if page is None or not page.text:
        deadline = deadline or find_deadline(body_text, reference=published)
        event_date = event_date or find_event_date(body_text, reference=published)
    basis = fingerprint_text(body_text)
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
        dedup_key=dedup_key(body_text, title=title, summary=summary, basis=basis),
        extraction=extraction,
        attachments=attachments,
        deadline=deadline,
        event_date=event_date,
        listing_hash=listing_hash(entry),
        near_dup_keys=near_dup_keys(body_text, basis=basis),
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _links(html: str) -> list[str]:
    if "<a" not in html:
        return []
    tree = LexborHTMLParser(html)
    return [href for node in tree.css("a[href]") if (href := node.attributes.get("href"))]
