"""Allowlist HTML sanitizing (nh3) with absolute http(s) links and images."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "ul", "ol", "li", "a", "strong", "em", "h2", "h3", "h4",
        "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "img",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"}
)
_URL_ATTRIBUTES = frozenset({("a", "href"), ("img", "src")})
# Headings outside the allowed h2-h4 keep their role instead of becoming inline text.
_HEADING = re.compile(r"<(/?)h([156])(?=[\s>/])", re.IGNORECASE)
_HEADING_TO = {"1": "2", "5": "4", "6": "4"}


def absolute_http_url(value: str, base_url: str) -> str | None:
    """`value` resolved against `base_url` if it is a web address (http(s) with a host); None
    for javascript:, data:, vbscript:, however disguised (case, tabs, entities decoded)."""
    value = value.strip()
    if not value:
        return None
    try:
        url = urljoin(base_url, value)
        parts = urlsplit(url)
        web = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return None
    return url if web else None


def sanitize_html(html: str, *, base_url: str) -> str:
    """Keep structure residents need (paragraphs, lists, tables, links, images), drop the rest."""
    if not html or not html.strip():
        return ""

    def keep_attribute(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in _URL_ATTRIBUTES:
            return absolute_http_url(value, base_url)
        return value

    html = _HEADING.sub(lambda m: f"<{m[1]}h{_HEADING_TO[m[2]]}", html)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=keep_attribute,
        strip_comments=True,
        link_rel="noopener nofollow",
        url_schemes={"http", "https"},
    )
    return cleaned.strip()
