"""Plain records the crawler returns; portal/ stores them. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Literal

from crawlers.errors import CrawlError

SourceKind = Literal["auto", "rss", "atom", "rdf", "feed", "html", "sitemap"]


@dataclass(slots=True)
class SourceSpec:
    """What to crawl: one department feed, list page or sitemap."""

    url: str
    department: str
    kind: SourceKind = "auto"
    # For kind="html": CSS selectors, e.g. {"item": "ul.news li", "link": "a", "date": ".date"}.
    rules: dict[str, str] = field(default_factory=dict)
    # Conditional GET validators remembered from the last successful fetch.
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class ArticleRecord:
    """One article as a resident would read it, cleaned and normalized (NFKC) once."""

    url: str  # canonical absolute URL, the identity of the article
    title: str
    department: str
    source_url: str
    summary: str = ""
    body_text: str = ""
    body_html: str = ""  # sanitized (allowlist), absolute URLs
    published: datetime | None = None  # timezone-aware (JST when the page says nothing)
    updated: datetime | None = None
    date_flagged: bool = False  # published was missing/in the future and was inferred
    content_hash: str = ""  # sha256 of the normalized body text, to detect real updates
    dedup_key: str = ""  # same text across departments -> same key
    extraction: str = ""  # how the body was found: "trafilatura", "selector:main", "feed", ...
    attachments: list[str] = field(default_factory=list)  # absolute URLs of PDFs etc.
    deadline: datetime | None = None
    event_date: datetime | None = None


@dataclass(slots=True)
class CrawlOutcome:
    """The result of crawling one source once."""

    source_url: str
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    records: list[ArticleRecord] = field(default_factory=list)
    error: CrawlError | None = None  # the source itself failed
    # Article pages that failed while the listing succeeded: (url, error).
    page_errors: list[tuple[str, CrawlError]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(slots=True)
class ListingEntry:
    """One item of a listing (feed entry, list-page row, sitemap URL) before its page is read."""

    url: str  # absolute, as linked
    title: str = ""
    summary_html: str = ""  # feed description/summary (HTML or text), unsanitized
    content_html: str = ""  # full content when the feed carries it (content:encoded)
    published: datetime | None = None
    updated: datetime | None = None


def record_to_dict(record: ArticleRecord) -> dict[str, object]:
    """JSON-serializable dict of a record (datetimes as ISO 8601), for `mymachi fetch --json`."""
    out: dict[str, object] = {}
    for item in fields(record):
        value = getattr(record, item.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, list):
            value = list(value)
        out[item.name] = value
    return out
