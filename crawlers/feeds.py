"""RSS 0.9x / 1.0 (RDF) / 2.0 and Atom → ListingEntry, via feedparser.

feedparser guesses encodings on its own and turns a Shift_JIS feed with ①/㈱ into mojibake, so
the bytes are decoded here (crawlers.encoding) and handed over as UTF-8 with the XML
declaration rewritten to say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape
from html.entities import html5
from typing import Any
from urllib.parse import urljoin

import feedparser

from crawlers.dates import from_struct_time, parse_date
from crawlers.encoding import detect_and_decode
from crawlers.errors import CrawlError
from crawlers.nesting import check_nesting
from crawlers.normalize import html_to_text, one_line, strip_tags
from crawlers.records import ListingEntry
from crawlers.sanitize import absolute_http_url

_FEED_ROOT = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(rss|feed|RDF)[\s>]")
_HTML_ROOT = re.compile(rb"<(!doctype\s+html|html)[\s>]", re.IGNORECASE)
_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
# Markup that is text to an XML parser: where "<!ENTITY" does not declare anything.
_XML_TEXT = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


@dataclass(slots=True)
class ParsedFeed:
    """A feed's channel data and its entries (absolute links, aware dates)."""

    title: str
    link: str
    version: str  # feedparser's: "rss20", "rss10", "atom10", ...
    entries: list[ListingEntry] = field(default_factory=list)
    bozo: bool = False  # the XML was broken but entries could still be read
    # Entries dropped because their link is no web address (javascript:, data:, …): the links.
    skipped: list[str] = field(default_factory=list)


def declares_entities(text: str) -> bool:
    """Whether an XML document declares entities (<!ENTITY> in its DTD). No feed or sitemap
    needs them; they are how entity-expansion bombs and external entities (XXE) work."""
    return _ENTITY_DECLARATION.search(_XML_TEXT.sub("", text)) is not None


def looks_like_feed(content: bytes) -> bool:
    """Sniff the first bytes for an RSS/RDF/Atom root element."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    match = _FEED_ROOT.search(head)
    if match is None:
        return False
    html = _HTML_ROOT.search(head)
    return html is None or html.start() > match.start()


def parse_feed(content: bytes, *, base_url: str, http_charset: str | None = None) -> ParsedFeed:
    """Parse feed bytes. Raises CrawlError("parse_error") if nothing usable is in them."""
    text, _ = detect_and_decode(content, http_charset)
    if declares_entities(text):
        raise CrawlError(
            "parse_error",
            f"{base_url}: the feed declares XML entities (<!ENTITY>), the trick behind entity "
            "bombs and file-reading attacks; it was not read",
        )
    utf8 = _XML_ENCODING.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8", "replace")
    try:
        parsed = feedparser.parse(
            utf8,
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser is robust, but a crash must not escape
        raise CrawlError("parse_error", f"{base_url}: {type(exc).__name__}: {exc}") from None
    bozo = bool(parsed.get("bozo"))
    if not parsed.entries and not bozo and not parsed.get("version"):
        raise CrawlError("parse_error", f"{base_url}: not an RSS/Atom feed")
    channel = parsed.get("feed", {})
    feed_link = urljoin(base_url, channel.get("link") or "") if channel.get("link") else base_url
    feed = ParsedFeed(
        title=one_line(_plain(channel.get("title", ""))),
        link=feed_link,
        version=str(parsed.get("version") or ""),
        bozo=bozo,
    )
    for raw in parsed.entries:
        entry = _entry(raw, base_url)
        if entry is None:
            continue
        if entry.url or not (written := _entry_link(raw, base_url)[1]):
            feed.entries.append(entry)
        else:
            feed.skipped.append(written)
    if bozo and not feed.entries and not feed.skipped:
        # Broken XML that yielded nothing (feedparser may still report an empty entry).
        what = "the feed is broken XML" if parsed.get("version") else "not a readable feed"
        raise CrawlError(
            "parse_error",
            f"{base_url}: {what} and no entry could be read ({parsed.get('bozo_exception')})",
        )
    return feed


_ESCAPED_TAG = re.compile(
    r"&lt;/?(p|br|b|strong|em|i|u|a|div|span|li|ul|ol|img|table|tr|td|th|h[1-6])\b",
    re.IGNORECASE,
)
_DOUBLE_ENTITY = re.compile(
    r"&amp;(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
)


def undo_double_escaping(html: str) -> str:
    """Feed HTML escaped once too often (common in CMS exports): `&lt;p&gt;` that would show
    as literal tags and `&amp;nbsp;` that would show as "&nbsp;" get one level unescaped."""
    if "&" not in html:
        return html
    if _ESCAPED_TAG.search(html):
        return unescape(html)

    def one_level(match: re.Match[str]) -> str:
        entity = match[1]
        known = entity.startswith("#") or entity in html5
        return f"&{entity}" if known else match[0]

    return _DOUBLE_ENTITY.sub(one_level, html)


def _plain(value: str) -> str:
    """A title as text: markup removed, entities (even double-escaped ones) decoded."""
    for _ in range(3):  # "&amp;amp;" needs two rounds; stop once nothing changes
        if "&" not in value:
            break
        decoded = unescape(value)
        if decoded == value:
            break
        value = decoded
    if "<" not in value:
        return value
    try:
        check_nesting(value, "")
    except CrawlError:  # a title nested thousands deep would stall the HTML parser
        return strip_tags(value)
    return html_to_text(value)


def _entry_link(raw: Any, base_url: str) -> tuple[str, str]:
    """(the entry's web address or "", the link as the feed wrote it). `link` first, then
    alternate links, then an http(s) guid; a javascript:/data: link is passed over."""
    candidates = [str(raw.get("link") or "")]
    candidates += [
        str(link.get("href") or "") for link in raw.get("links", []) or []
        if link.get("rel", "alternate") == "alternate"
    ]
    guid = str(raw.get("id") or "")
    if guid.startswith(("http://", "https://")):
        candidates.append(guid)
    written = next((c.strip() for c in candidates if c.strip()), "")
    for candidate in candidates:
        if candidate.strip() and (url := absolute_http_url(candidate, base_url)):
            return url, written
    return "", written


def _entry_date(raw: Any, key: str) -> datetime | None:
    if key not in raw:  # FeedParserDict.get("updated") silently falls back to "published"
        return None
    value = raw.get(key)
    if isinstance(value, str):
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    return from_struct_time(raw.get(f"{key}_parsed"))


def _entry(raw: Any, base_url: str) -> ListingEntry | None:
    link, written = _entry_link(raw, base_url)
    title = one_line(_plain(str(raw.get("title") or "")))
    if not written and not title:
        return None
    published = _entry_date(raw, "published") or _entry_date(raw, "created")
    updated = _entry_date(raw, "updated")
    summary = undo_double_escaping(str(raw.get("summary") or ""))
    content = ""
    for part in raw.get("content", []) or []:
        value = undo_double_escaping(str(part.get("value") or ""))
        if len(value) > len(content):
            content = value
    if content.strip() == summary.strip():
        content = ""
    return ListingEntry(
        url=link,
        title=title,
        summary_html=summary,
        content_html=content,
        published=published or updated,
        updated=updated,
    )
