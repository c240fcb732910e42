"""Notice bodies: a small Markdown subset, rendered and then sanitized (allowlist)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Paragraphs, emphasis, lists, links: what an evacuation notice needs. No raw HTML, no images.
_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "list", "link", "newline", "heading", "autolink"]
)
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def render_notice_body(markdown: str) -> str:
    """Markdown subset → safe HTML. Headings are demoted below the page's own h1/h2."""
    html = _markdown.render(markdown)
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener nofollow",
    )
