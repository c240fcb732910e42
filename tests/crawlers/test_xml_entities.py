"""XML from outside (JMA reports, sitemaps) goes through defusedxml: a document that declares
entities is refused with a crawl error in words, never expanded, in any encoding."""

from __future__ import annotations

import time

import pytest

from crawlers.errors import CrawlError
from crawlers.jma import parse_jma_feed, parse_warning_report
from crawlers.sitemaps import parse_sitemap

LAUGHS = "".join(
    f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' if i else '<!ENTITY l0 "lol">' for i in range(10))
BILLION_LAUGHS = (f'<?xml version="1.0"?><!DOCTYPE feed [{LAUGHS}]>'
                  '<feed xmlns="http://www.w3.org/2005/Atom"><title>&l9;</title></feed>')
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            '<url><loc>https://city.example.jp/&x;</loc></url></urlset>')
PARAMETER = ('<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY % remote SYSTEM '
             '"http://127.0.0.1:9/evil.dtd"> %remote;]><feed/>')


def _refused(parse, document: bytes) -> CrawlError:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    with pytest.raises(CrawlError) as caught:
        parse(document)
    assert time.monotonic() - started < 1  # refused at the declaration, nothing expanded
    assert caught.value.kind == "parse_error"
    return caught.value


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL, PARAMETER],
                         ids=["billion-laughs", "external-entity", "parameter-entity"])
def test_jma_xml_declaring_entities_is_refused(document: str) -> None:
    for parse in (parse_jma_feed, parse_warning_report):
        assert "declares entities" in _refused(parse, document.encode()).detail


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL, PARAMETER],
                         ids=["billion-laughs", "external-entity", "parameter-entity"])
def test_sitemap_declaring_entities_is_refused(document: str) -> None:
    error = _refused(lambda body: parse_sitemap(body, base_url="https://city.example.jp/s.xml"),
                     document.encode())
    assert "declares XML entities" in error.detail and "not read" in error.detail


def test_entities_in_utf16_are_refused_too() -> None:
    """The parser reads UTF-16 (with its BOM) as well as UTF-8: so must the check."""
    document = BILLION_LAUGHS.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    encoded = document.encode("utf-16")
    assert "declares entities" in _refused(parse_jma_feed, encoded).detail
    sitemap = EXTERNAL.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    _refused(lambda body: parse_sitemap(body, base_url="https://city.example.jp/s.xml"),
             sitemap.encode("utf-16"))
