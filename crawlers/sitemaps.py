"""sitemap.xml (urlset) and sitemap index files → ListingEntry / child sitemap URLs."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused

from crawlers.dates import parse_date
from crawlers.errors import CrawlError
from crawlers.records import ListingEntry
from crawlers.sanitize import absolute_http_url

_SITEMAP_ROOT = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(urlset|sitemapindex)[\s>]")
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the sitemap protocol's own limit


@dataclass(slots=True)
class ParsedSitemap:
    """Page URLs (newest lastmod first) and, for an index, child sitemaps (newest first)."""

    entries: list[ListingEntry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)

    @property
    def is_index(self) -> bool:
        return bool(self.children)


def looks_like_sitemap(content: bytes) -> bool:
    return content[:2] == b"\x1f\x8b" or _SITEMAP_ROOT.search(content[:2048]) is not None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _gunzip(content: bytes) -> bytes:
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = inflater.decompress(content, MAX_UNCOMPRESSED)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise CrawlError("parse_error", f"bad gzip sitemap: {exc}") from None
    if inflater.unconsumed_tail:
        raise CrawlError("response_too_large", "sitemap over 50 MB uncompressed")
    return data


def parse_sitemap(content: bytes, *, base_url: str) -> ParsedSitemap:
    """Parse a urlset or sitemapindex. Raises CrawlError("parse_error") on broken XML."""
    if content[:2] == b"\x1f\x8b":
        content = _gunzip(content)
    try:
        # defusedxml refuses entity declarations when the parser meets them, before any
        # expansion: no entity bomb grows, no external entity is read.
        root = defused.fromstring(content)
    except DefusedXmlException:
        raise CrawlError(
            "parse_error",
            f"{base_url}: the sitemap declares XML entities (<!ENTITY>), the trick behind entity "
            "bombs and file-reading attacks; it was not read",
        ) from None
    except ET.ParseError as exc:
        raise CrawlError(
            "parse_error", f"{base_url}: the sitemap is broken XML and was not read ({exc})"
        ) from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise CrawlError("parse_error", f"{base_url}: not a sitemap (<{kind}>)")
    rows: list[tuple[str, datetime | None, str, datetime | None]] = []
    for node in root:
        loc, lastmod, title, news_date = "", None, "", None
        for child in node.iter():
            name = _local(child.tag)
            if name == "loc" and not loc:
                loc = (child.text or "").strip()
            elif name == "lastmod":
                lastmod = parse_date(child.text or "")
            elif name == "title":  # Google News sitemap: <news:title>
                title = " ".join((child.text or "").split())
            elif name == "publication_date":  # <news:publication_date>
                news_date = parse_date(child.text or "")
        if loc and (url := absolute_http_url(loc, base_url)):  # never javascript: or data:
            rows.append((url, lastmod, title, news_date))
    rows.sort(key=lambda row: _newest(row[3] or row[1]), reverse=True)
    if kind == "sitemapindex":
        return ParsedSitemap(children=[row[0] for row in rows])
    entries = [
        ListingEntry(
            url=url,
            title=title,
            published=news_date or lastmod,
            updated=lastmod,
            # A news sitemap states publication dates; a plain one only modification times.
            date_kind="published" if news_date else "modified",
        )
        for url, lastmod, title, news_date in rows
    ]
    return ParsedSitemap(entries=entries)


def _newest(value: datetime | None) -> float:
    return value.timestamp() if value is not None else float("-inf")
