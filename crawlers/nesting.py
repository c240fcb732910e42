"""A guard against deeply nested HTML before any parser sees it.

Tree builders (lexbor, lxml) spend time quadratic in the nesting depth: 10,000 nested `<div>`s
take lexbor a third of a second, 100,000 take it minutes. Real pages nest a few dozen levels,
so a page deeper than MAX_NESTING is refused with a clear error instead of stalling a worker.
"""

from __future__ import annotations

import re

from crawlers.errors import CrawlError

MAX_NESTING = 1000
# Below this many tags a page cannot be deep enough to matter: skip the scan.
_SCAN_ABOVE_TAGS = MAX_NESTING
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
# Elements without an end tag, or whose end tag is commonly left out: they never deepen a tree.
_FLAT = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
        "thead", "tbody", "tfoot", "colgroup", "rt", "rp", "optgroup", "font",
    }
)  # fmt: skip


# Inside these (SVG, MathML), "<g/>" really closes itself; in HTML "<div/>" opens a div.
_FOREIGN = frozenset({"svg", "math"})


def nesting_depth(html: str) -> int:
    """How deep the element tree would be (an upper bound that ignores optional end tags)."""
    depth = deepest = foreign = 0
    for match in _TAG.finditer(html):
        name = match[2].lower()
        if name in _FLAT or (match[3] and foreign):
            continue
        if match[1]:
            depth = max(0, depth - 1)
            if name in _FOREIGN:
                foreign = max(0, foreign - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
            if name in _FOREIGN:
                foreign += 1
    return deepest


def check_nesting(html: str, url: str) -> None:
    """Raise CrawlError("parse_error") for HTML nested deeper than MAX_NESTING."""
    if html.count("<") <= _SCAN_ABOVE_TAGS:
        return
    depth = nesting_depth(html)
    if depth > MAX_NESTING:
        raise CrawlError(
            "parse_error",
            f"{url}: the page nests its HTML {depth} levels deep (more than {MAX_NESTING}); "
            "it was not read, to protect the crawler",
        )
