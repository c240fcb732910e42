"""Plain records the crawler returns; portal/ stores them. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Literal

from crawlers.errors import CrawlError

# "discover": a homepage whose <link rel="alternate"> (or RSS link) names the feed to read.
DateKind = Literal["published", "modified", "invented"]
SourceKind = Literal["auto", "rss", "atom", "rdf", "feed", "html", "sitemap", "discover"]


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
    # The feed found on the homepage last time (kind "discover"/"auto"): read it directly,
    # with the validators above, and go back to the homepage only if it stops working.
    feed_url: str | None = None


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
    listing_hash: str = ""  # fingerprint of the listing entry: when it changes, re-read the page
    # The article page could not be read (a CrawlErrorKind); the record comes from the listing
    # alone and the page should be tried again later.
    page_error: str = ""
    near_dup_keys: list[str] = field(default_factory=list)  # MinHash LSH band keys


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """What the caller already stored for a URL, so unchanged pages are not fetched again."""

    listing_hash: str = ""  # "" = known from elsewhere: never re-read for this source
    content_hash: str = ""
    retry: bool = False  # its page failed earlier and is due for another try


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
    feed_url: str | None = None  # the feed a homepage pointed to (remember it in the spec)
    # More new pages than one crawl reads: the rest come next time, so the validators above
    # are not advanced and the listing is read again.
    truncated: bool = False

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
    # What the dates above are: "published" (a feed's pubDate, a list page's date),
    # "modified" (a sitemap's lastmod: the page's own date comes first) or "invented" (the
    # listing gives every entry the same date, e.g. the feed's build time: not to be trusted).
    date_kind: DateKind = "published"


# Bookkeeping for storage, not something a person reading `mymachi fetch --json` needs.
_INTERNAL_FIELDS = frozenset({"listing_hash", "near_dup_keys"})


def record_to_dict(record: ArticleRecord) -> dict[str, object]:
    """JSON-serializable dict of a record (datetimes as ISO 8601), for `mymachi fetch --json`."""
    out: dict[str, object] = {}
    for item in fields(record):
        if item.name in _INTERNAL_FIELDS:
            continue
        value = getattr(record, item.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, list):
            value = list(value)
        out[item.name] = value
    return out
