"""HTML list pages ("新着情報" pages) → ListingEntry, by CSS rules or, without rules, by a guess.

Rules: {"item": "ul.news li", "link": "a", "title": ".ttl" (optional, default link text),
"date": ".date" (optional)}.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawlers.dates import find_date
from crawlers.errors import CrawlError
from crawlers.normalize import one_line
from crawlers.records import ListingEntry
from crawlers.sanitize import absolute_http_url

_NOT_ARTICLES = ("#",)
_GUESS_SCOPE = ("main", "#tmp_contents", "#contents", "#main", "article", "body")
_PROBE = LexborHTMLParser("<p></p>")


def selector_problem(selector: str) -> str | None:
    """Why a list-page rule is not a CSS selector lexbor can use, or None when it is."""
    if not selector.strip():
        return "empty CSS selector"
    try:
        _PROBE.css(selector)
    except Exception:  # lexbor's SelectolaxError (version-dependent type): any refusal counts
        return f"not a valid CSS selector: {selector!r}"
    return None


def parse_list_page(html: str, *, base_url: str, rules: dict[str, str]) -> list[ListingEntry]:
    """Entries selected by `rules`; absolute links, listing order, duplicates removed."""
    item_rule = rules.get("item", "").strip()
    if not item_rule:
        raise CrawlError("parse_error", "list page rules need an 'item' selector")
    tree = LexborHTMLParser(html)
    base = _document_base(tree, base_url)
    try:
        items = tree.css(item_rule)
    except Exception as exc:  # bad selector written by an editor
        raise CrawlError("parse_error", f"invalid selector {item_rule!r}: {exc}") from None
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for item in items:
        try:
            entry = _rule_entry(item, base, rules)
        except Exception as exc:
            raise CrawlError("parse_error", f"invalid selector in {rules!r}: {exc}") from None
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    return entries


def _rule_entry(item: LexborNode, base: str, rules: dict[str, str]) -> ListingEntry | None:
    link_rule = rules.get("link", "").strip()
    if link_rule:
        link = item.css_first(link_rule)
    else:
        link = item if item.tag == "a" else item.css_first("a[href]")
    if link is None:
        return None
    url = _href(link, base)
    if url is None:
        return None
    title_node = item.css_first(rules["title"]) if rules.get("title") else link
    title = one_line(title_node.text(deep=True)) if title_node is not None else ""
    date_text = ""
    if rules.get("date"):
        date_node = item.css_first(rules["date"])
        if date_node is not None:
            date_text = date_node.attributes.get("datetime") or date_node.text(deep=True)
    else:
        date_text = item.text(deep=True)
    return ListingEntry(url=url, title=title, published=find_date(date_text))


def guess_list_entries(html: str, *, base_url: str) -> list[ListingEntry]:
    """Without rules: links in the main area that sit next to a date (li, dt/dd, tr rows)."""
    tree = LexborHTMLParser(html)
    base = _document_base(tree, base_url)
    for noise in tree.css("header,nav,footer,aside,#header,#footer,#gnavi,#side,.breadcrumb"):
        noise.decompose()
    scope = next((node for sel in _GUESS_SCOPE if (node := tree.css_first(sel))), None)
    if scope is None:
        return []
    host = urlsplit(base).hostname
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for link in scope.css("a[href]"):
        url = _href(link, base)
        title = one_line(link.text(deep=True))
        if url is None or len(title) < 4:
            continue
        if urlsplit(url).hostname != host or url in seen:
            continue
        published = find_date(_row_text(link))
        if published is None:
            continue
        seen.add(url)
        entries.append(ListingEntry(url=url, title=title, published=published))
    return entries


def _row_text(link: LexborNode) -> str:
    """Text of the row a link sits in: its li/tr/p/div, or the dt before a dd."""
    node: LexborNode | None = link.parent
    for _ in range(3):
        if node is None:
            return ""
        if node.tag == "dd":
            prev = node.prev
            while prev is not None and prev.tag != "dt":
                prev = prev.prev
            return (prev.text(deep=True) if prev is not None else "") + node.text(deep=True)
        if node.tag in ("li", "tr", "p", "div", "dt"):
            return node.text(deep=True)
        node = node.parent
    return ""


def _href(link: LexborNode, base: str) -> str | None:
    """The absolute web address a link points to; None for in-page anchors and for
    javascript:, mailto:, tel:, data: … links, however disguised (" JavaScript:", tabs)."""
    href = (link.attributes.get("href") or "").strip()
    if not href or href.startswith(_NOT_ARTICLES):
        return None
    return absolute_http_url(href, base)


def _document_base(tree: LexborHTMLParser, url: str) -> str:
    """The page's <base href>, when it is a web address (a javascript: base is ignored)."""
    base = tree.css_first("base[href]")
    if base is None:
        return url
    return absolute_http_url(base.attributes.get("href") or "", url) or url
