"""Article page → main content, title, dates, attachments, deadline/event date.

Navigation, headers, footers and side menus are removed first. Then a CMS content container
found on municipal sites (`main`, `article`, `#tmp_contents`, `#contents`, `#main`) is the
article when little of its text is links; otherwise trafilatura (precise, but slow and prone to
dropping lists and headings from Japanese notices) is tried and trusted only when it kept most
of the container's (or the largest text block's) text. `ExtractedPage.method` records which
one won, so a bad department page can be diagnosed.
"""

from __future__ import annotations

import re
from configparser import ConfigParser
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from selectolax.lexbor import LexborHTMLParser, LexborNode
from trafilatura.settings import use_config

from crawlers.dates import find_dates, parse_date
from crawlers.normalize import html_to_text, one_line

CONTAINER_SELECTORS = ("main", "article", "#tmp_contents", "#contents", "#main")
NOISE_SELECTORS = (
    "script,style,noscript,template,iframe,form,header,nav,footer,aside,[role=navigation],"
    "[role=banner],[role=contentinfo],[hidden],#header,#footer,#tmp_header,#tmp_footer,"
    "#tmp_gnavi,#gnavi,.gnavi,#gnav,.gnav,#globalnavi,#side,.side,#sidebar,.sidebar,#tmp_side,"
    "#lnavi,#rnavi,.lnavi,.rnavi,#localnavi,#pankuzu,.pankuzu,#tmp_pankuzu,#topicpath,"
    ".topicpath,.breadcrumb,.breadcrumbs,#breadcrumb,.skip,.pagetop,#pagetop,.page-top,"
    ".sns,#sns,.social,.share"
)
ATTACHMENT_EXTENSIONS = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|csv|zip|jtd|rtf)$", re.IGNORECASE
)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# trafilatura must keep this share of a CMS container's text (else the container wins);
# against a guessed "largest block" it gets more benefit of the doubt.
TRAFILATURA_MIN_COVERAGE = 0.85
# A CMS container with less link text than this is taken as it is; above, trafilatura judges.
MAX_CLEAN_LINK_SHARE = 0.3
TRAFILATURA_MIN_COVERAGE_GUESSED = 0.5
_TITLE_SEPARATORS = re.compile(r"\s*(?:[|｜│]|\s[-–—]\s|\s::\s)\s*")
_PUBLISHED_LABEL = re.compile(r"(公開日|掲載日|登録日|作成日|発行日|掲載開始日)\s*[:：]?")
_UPDATED_LABEL = re.compile(r"(最終更新日|更新日|更新日時)\s*[:：]?")
_DEADLINE_LABEL = re.compile(
    r"(締切日?|締め切り|〆切|申込期限|申し込み期限|申込み期限|申込締切|申込締め切り|応募締切|"
    r"応募期限|提出期限|受付期限|回答期限|申請期限|期限)"
)
_PERIOD_LABEL = re.compile(r"(受付期間|申込期間|申し込み期間|募集期間|応募期間|提出期間|申請期間)")
_EVENT_LABEL = re.compile(
    r"^[\s■□●○◆◇・【\[(（]*(開催日時|開催日|開催期間|日時|日程|とき|期日|実施日)\s*[】\])）]?\s*[:：]?"
)
_META_DATES = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[name="dcterms.issued"]',
    'meta[name="DC.date.issued"]',
    'meta[name="dc.date"]',
    'meta[name="DC.date"]',
    'meta[name="date"]',
)


@dataclass(slots=True)
class ExtractedPage:
    """What extraction found; text fields are raw (NFKC happens when the record is built)."""

    url: str
    title: str = ""
    html: str = ""  # main content, unsanitized
    text: str = ""
    method: str = "none"  # "trafilatura", "selector:#tmp_contents", "largest-block", "none"
    published: datetime | None = None
    updated: datetime | None = None
    attachments: list[str] = field(default_factory=list)
    deadline: datetime | None = None
    event_date: datetime | None = None
    feed_links: list[str] = field(default_factory=list)
    site_name: str = ""


def _trafilatura_config() -> ConfigParser:
    config = use_config()
    # Defaults reject texts under 250 characters: many Japanese notices are shorter.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "20")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")
    config.set("DEFAULT", "MIN_EXTRACTED_COMM_SIZE", "10")
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


_TRAFILATURA_CONFIG = _trafilatura_config()


def find_feed_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of <link rel="alternate" type="application/rss+xml|atom+xml"> feeds."""
    tree = LexborHTMLParser(html)
    links: list[str] = []
    for node in tree.css("link[href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower().strip()
        if "alternate" in rel and kind in FEED_TYPES:
            url = urljoin(base_url, (node.attributes.get("href") or "").strip())
            if url not in links:
                links.append(url)
    return links


def extract_page(html: str, url: str, *, reference: datetime | None = None) -> ExtractedPage:
    """Extract one article page. Never raises on odd HTML; an empty page gives method "none"."""
    tree = LexborHTMLParser(html)
    page = ExtractedPage(url=url, feed_links=find_feed_links(html, url))
    page.title = _title(tree)
    page.site_name = _meta(tree, 'meta[property="og:site_name"]')
    # Labels and dates sit in one text node or adjacent ones: no need to re-parse for lines.
    full_text = tree.body.text(deep=True, separator="\n") if tree.body is not None else ""
    page.published, page.updated = _page_dates(tree, full_text)

    cleaned = LexborHTMLParser(html)
    for node in cleaned.css(NOISE_SELECTORS):
        node.decompose()
    container, method = _container(cleaned)
    container_html = ""
    if container is not None:
        _drop_page_tools(container)
        container_html = container.inner_html or ""
    container_text = html_to_text(container_html)

    if method.startswith("selector:") and container is not None and container_text and (
        _link_share(container) < MAX_CLEAN_LINK_SHARE
    ):
        # A CMS's own content area, free of menus: it is the article (trafilatura would only
        # drop lists and headings from it, at the cost of most of the extraction time).
        page.html, page.text, page.method = container_html, container_text, method
    else:
        extracted = _without_title(_trafilatura(html, url), page.title)
        extracted_text = html_to_text(extracted) if extracted else ""
        coverage = (
            TRAFILATURA_MIN_COVERAGE
            if method.startswith("selector:")
            else TRAFILATURA_MIN_COVERAGE_GUESSED
        )
        if extracted_text and len(extracted_text) >= coverage * len(container_text):
            page.html, page.text, page.method = extracted or "", extracted_text, "trafilatura"
        elif container_text:
            page.html, page.text, page.method = container_html, container_text, method

    scope = container if container is not None else cleaned.body
    page.attachments = _attachments(scope, url) if scope is not None else []
    date_reference = page.published or reference
    page.deadline = find_deadline(page.text, reference=date_reference)
    page.event_date = find_event_date(page.text, reference=date_reference)
    return page


def _trafilatura(html: str, url: str) -> str | None:
    try:
        return trafilatura.extract(
            html,
            url=url,
            output_format="html",
            favor_precision=True,
            include_tables=True,
            include_links=True,
            include_images=True,
            include_comments=False,
            with_metadata=False,
            deduplicate=False,
            # Skip trafilatura's own readability/justext comparison (2/3 of its time): the
            # CMS-container and largest-block fallbacks below are checked against it anyway.
            fast=True,
            config=_TRAFILATURA_CONFIG,
        )
    except Exception:  # trafilatura failing is just "no result" for the fallback chain
        return None


def _without_title(html: str | None, title: str) -> str | None:
    """trafilatura's output as a fragment, minus the h1 and a heading repeating the title."""
    if not html:
        return html
    body = LexborHTMLParser(html).body
    if body is None:
        return None
    for heading in body.css("h1,h2,h3"):
        if heading.tag == "h1" or one_line(heading.text(deep=True)) == title:
            heading.decompose()
    return body.inner_html


def _container(tree: LexborHTMLParser) -> tuple[LexborNode | None, str]:
    for selector in CONTAINER_SELECTORS:
        node = tree.css_first(selector)
        if node is not None and len(one_line(node.text(deep=True))) >= 10:
            return node, f"selector:{selector}"
    node = _largest_block(tree)
    return (node, "largest-block") if node is not None else (None, "none")


def _drop_page_tools(container: LexborNode) -> None:
    """Remove the h1 (shown as the title) and stand-alone script/anchor links ("印刷する",
    "ページの先頭へ"); such links inside a sentence keep their text."""
    for heading in container.css("h1"):
        heading.decompose()
    for link in container.css('a[href^="javascript:"], a[href^="#"]'):
        parent = link.parent
        if (
            parent is not None
            and parent.tag in ("p", "li", "div")
            and one_line(parent.text(deep=True)) == one_line(link.text(deep=True))
        ):
            parent.decompose()


def _link_share(node: LexborNode) -> float:
    """How much of a block's text is link text (menus and link lists are mostly links)."""
    text = len("".join(node.text(deep=True).split()))
    if not text:
        return 1.0
    links = sum(len("".join(a.text(deep=True).split())) for a in node.css("a"))
    return links / text


def _text_score(node: LexborNode) -> int:
    text = len("".join(node.text(deep=True).split()))
    links = sum(len("".join(a.text(deep=True).split())) for a in node.css("a"))
    return text - 2 * links


def _largest_block(tree: LexborHTMLParser) -> LexborNode | None:
    """The block with the most non-link text, descending while one child holds almost all."""
    body = tree.body
    if body is None:
        return None
    best, best_score = body, _text_score(body)
    if best_score <= 0:
        return None
    while True:
        children = [c for c in best.iter() if c.tag in ("div", "section", "td", "table", "dl")]
        scored = [(_text_score(c), c) for c in children]
        top = max(scored, key=lambda pair: pair[0], default=None)
        if top is None or top[0] < 0.85 * best_score:
            return best
        best_score, best = top


def _meta(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    return one_line(node.attributes.get("content") or "") if node is not None else ""


def _title(tree: LexborHTMLParser) -> str:
    for selector in CONTAINER_SELECTORS:
        node = tree.css_first(f"{selector} h1")
        if node is not None and (text := one_line(node.text(deep=True))):
            return text
    if og := _meta(tree, 'meta[property="og:title"]'):
        return og
    for node in tree.css("h1"):
        inside_header = any(
            parent.tag == "header" or (parent.id or "").endswith("header")
            for parent in _ancestors(node)
        )
        if not inside_header and (text := one_line(node.text(deep=True))):
            return text
    title = tree.css_first("title")
    if title is None:
        return ""
    text = one_line(title.text())
    first = _TITLE_SEPARATORS.split(text, maxsplit=1)[0]
    return first or text


def _ancestors(node: LexborNode) -> list[LexborNode]:
    out: list[LexborNode] = []
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-undef"):
        out.append(parent)
        parent = parent.parent
    return out


def _labeled_date(text: str, label: re.Pattern[str]) -> datetime | None:
    for match in label.finditer(text):
        dates = find_dates(text[match.end() : match.end() + 40])
        if dates and dates[0].start <= 3:
            return dates[0].value
    return None


def _page_dates(tree: LexborHTMLParser, text: str) -> tuple[datetime | None, datetime | None]:
    published = None
    for selector in _META_DATES:
        if published := parse_date(_meta(tree, selector)):
            break
    updated = parse_date(_meta(tree, 'meta[property="article:modified_time"]'))
    published = published or _labeled_date(text, _PUBLISHED_LABEL)
    updated = updated or _labeled_date(text, _UPDATED_LABEL)
    if published is None:
        time_node = tree.css_first("time[datetime]")
        if time_node is not None:
            published = parse_date(time_node.attributes.get("datetime") or "")
    return published or updated, updated


def _attachments(scope: LexborNode, base_url: str) -> list[str]:
    found: list[str] = []
    for link in scope.css("a[href]"):
        href = (link.attributes.get("href") or "").strip()
        url = urljoin(base_url, href)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and ATTACHMENT_EXTENSIONS.search(parts.path):
            url = url.split("#", 1)[0]
            if url not in found:
                found.append(url)
    return found


def find_deadline(text: str, *, reference: datetime | None = None) -> datetime | None:
    """締切/申込期限 (first date after the label), 受付期間 (last date), else "…まで"."""
    for line in text.splitlines():
        if match := _PERIOD_LABEL.search(line):
            dates = find_dates(line[match.end() :], reference=reference)
            if dates:
                return dates[-1].value
        if match := _DEADLINE_LABEL.search(line):
            dates = find_dates(line[match.end() :], reference=reference)
            if dates:
                return dates[0].value
    for line in text.splitlines():
        for found in find_dates(line, reference=reference):
            tail = line[found.end : found.end + 12]
            until = tail.find("まで")
            if until >= 0 and "から" not in tail[:until] and "～" not in tail[:until]:
                return found.value
    return None


def find_event_date(text: str, *, reference: datetime | None = None) -> datetime | None:
    """開催日/日時/とき: the first date after the label at the start of a line."""
    for line in text.splitlines():
        if match := _EVENT_LABEL.search(line):
            dates = find_dates(line[match.end() :], reference=reference)
            if dates:
                return dates[0].value
    return None
