"""crawlers: fetch → parse → extract → normalize → dedupe, as a library (no storage, no web).

Use: ``async with Fetcher(allow=...) as fetcher: outcome = await crawl_source(spec, fetcher)``.
"""

from crawlers.errors import CrawlError, CrawlErrorKind
from crawlers.fetch import Fetcher, FetchResponse
from crawlers.pipeline import crawl_source, fetch_url
from crawlers.records import (
    ArticleRecord,
    CrawlOutcome,
    KnownArticle,
    ListingEntry,
    SourceSpec,
    record_to_dict,
)
from crawlers.sites import SiteMemory

__all__ = [
    "ArticleRecord",
    "CrawlError",
    "CrawlErrorKind",
    "CrawlOutcome",
    "FetchResponse",
    "Fetcher",
    "KnownArticle",
    "ListingEntry",
    "SiteMemory",
    "SourceSpec",
    "crawl_source",
    "fetch_url",
    "record_to_dict",
]
