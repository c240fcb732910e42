"""Text and URL normalization: NFKC (applied once, when a record is built), whitespace, URLs.

Invisible characters a page can use to disguise text (bidi overrides that reverse a title,
zero-width spaces that split a word past a filter) and control characters (which some
databases refuse) are removed along with NFKC.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "_ga"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SPACES = re.compile(r"[ \t\f\v\u00a0\u3000\u200b\ufeff]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_BREAK = "\x00"
# C0 controls but tab/newlines, DEL and C1, bidi marks/embeddings/overrides/isolates, zero-width
# space, word joiner, BOM, Mongolian vowel separator, interlinear annotation marks. (ZWJ/ZWNJ
# stay: emoji and some scripts need them.) NFKC never produces any of these.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
# Bytes a URL path cannot hold literally; quoted so that a canonical URL stays canonical.
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
_BLOCK_TAGS = (
    "p,div,section,article,main,header,footer,aside,nav,li,ul,ol,dl,dt,dd,h1,h2,h3,h4,h5,h6,"
    "table,thead,tbody,tfoot,tr,caption,blockquote,pre,figure,figcaption,address,form,hr"
)


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width ASCII → half-width, half-width kana → full-width, ① → 1;
    invisible and control characters removed first (so the result is stable: NFKC once)."""
    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))


def nfkc_html(html: str) -> str:
    """NFKC on the text nodes of an HTML fragment only, so ＜Ｑ＆Ａ＞ stays text (never markup)."""
    if not html or not html.strip():
        return ""
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return ""
    for node in [n for n in body.traverse(include_text=True) if n.is_text_node]:
        value = node.text_content or ""
        normalized = nfkc(value)
        if normalized != value:
            node.replace_with(normalized)
    return body.inner_html or ""


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalize_text(text: str | None) -> str:
    """The record boundary: NFKC then whitespace cleanup."""
    return clean_whitespace(nfkc(text or ""))


def one_line(text: str | None) -> str:
    """A title-like string: all whitespace (including newlines) collapsed to single spaces."""
    return " ".join((text or "").split())


_TAGS = re.compile(r"<[^>]*>")


def strip_tags(html: str) -> str:
    """Text of markup that must not be parsed (too deep): tags removed, entities unescaped."""
    return clean_whitespace(unescape(_TAGS.sub(" ", html)))


def html_to_text(html: str) -> str:
    """Readable text from an HTML fragment: blocks and <br> become line breaks."""
    if not html or not html.strip():
        return ""
    tree = LexborHTMLParser(f"<div>{html}</div>" if "<html" not in html[:200].lower() else html)
    for node in tree.css("script,style,noscript,template"):
        node.decompose()
    for node in tree.css("br"):
        node.replace_with(_BREAK)
    for node in tree.css("td,th"):
        node.insert_after(" ")
    for node in tree.css(_BLOCK_TAGS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    root = tree.body or tree.root
    if root is None:
        return ""
    # Source newlines are plain spaces in HTML; only the inserted markers break lines.
    text = " ".join(root.text(deep=True, separator="").split())
    text = re.sub(r"\s*\x00[\s\x00]*", "\n", text)
    return clean_whitespace(text)


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute URL with lowercase scheme/host, no default port, fragment or utm_* params."""
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not scheme or not host:
        return url
    netloc = f"[{host}]" if ":" in host else host
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
    ]
    path = _URL_UNSAFE.sub(lambda m: quote(m[0]), parts.path) or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))
