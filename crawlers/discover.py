"""Feed autodiscovery: which feed a homepage or list page points to.

`<link rel="alternate" type="application/rss+xml">` first (the standard), then plain links that
look like feeds ("RSS" buttons to …/rss.xml, *.rdf), which many municipal CMSs use instead.
Candidates nearer the page (same folder) come first, so a department page prefers its own
feed to the city-wide one; comment feeds are skipped.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from crawlers.sanitize import absolute_http_url

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
_XML_TYPES = frozenset({"application/xml", "text/xml"})
_FEEDISH_PATH = re.compile(
    r"(\.rdf|\.rss|\.atom|[/_.-](rss|atom|feed|index)\d*\.xml|/(rss|atom|feed)/?)$", re.IGNORECASE
)
_FEEDISH_TEXT = re.compile(r"^\s*(rss|atom|rss\s*feed|フィード|rssを?購読)", re.IGNORECASE)
_COMMENTS = re.compile(r"comments?", re.IGNORECASE)


def feed_candidates(html: str, base_url: str, *, anchors: bool = True) -> list[str]:
    """Absolute feed URLs a page points to, best first (declared ones only without
    `anchors`)."""
    tree = LexborHTMLParser(html)
    base = base_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:  # a javascript: or data: base is no base for web links
        base = absolute_http_url(base_node.attributes.get("href") or "", base_url) or base_url
    declared: list[str] = []
    for node in tree.css("link[href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower().strip()
        href = (node.attributes.get("href") or "").strip()
        if "alternate" not in rel or not href:
            continue
        url = absolute_http_url(href, base)
        if url is None:
            continue
        if kind in FEED_TYPES or (kind in _XML_TYPES and _FEEDISH_PATH.search(urlsplit(url).path)):
            declared.append(url)
    host = urlsplit(base_url).hostname
    linked: list[str] = []
    for node in tree.css("a[href]") if anchors else []:
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base, href).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname != host:
            continue
        label = node.text(deep=True) or " ".join(
            img.attributes.get("alt") or "" for img in node.css("img")
        )
        if _FEEDISH_PATH.search(parts.path) or (
            _FEEDISH_TEXT.match(label) and parts.path.lower().endswith((".xml", ".rdf"))
        ):
            linked.append(url)
    ordered: list[str] = []
    for url in declared + linked:
        if url not in ordered and not _COMMENTS.search(urlsplit(url).path):
            ordered.append(url)
    page_dir = _folder(base_url)
    # Stable sort: declared before linked, and within each the page's own folder first.
    return sorted(ordered, key=lambda url: -_shared_depth(_folder(url), page_dir))


def _folder(url: str) -> list[str]:
    path = urlsplit(url).path
    return [part for part in path.split("/")[:-1] if part]


def _shared_depth(left: list[str], right: list[str]) -> int:
    depth = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        depth += 1
    return depth
