"""The hostile city (tests/fixtures/hostile) crawled through the real pipeline into a real store:
nothing that can run survives, every bad source says in plain words what is wrong with it, and
the good entries of partly bad feeds are all there. Then one test per bug the corpus found."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select

from crawlers import Fetcher, SourceSpec, crawl_source
from crawlers.articles import build_record
from crawlers.dates import parse_date
from crawlers.encoding import detect_and_decode
from crawlers.errors import CrawlError
from crawlers.feeds import parse_feed
from crawlers.jma import parse_jma_feed
from crawlers.listpages import guess_list_entries, parse_list_page
from crawlers.nesting import check_nesting, nesting_depth
from crawlers.normalize import canonical_url
from crawlers.sitemaps import parse_sitemap
from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.ingest.crawl import crawl_sources
from portal.ingest.sources import add_source, health_of
from tests.fixtures.hostile import (
    EXPECTED_TITLES,
    SCRIPT_LINK_TITLES,
    SOURCES,
    XSS_MARK,
    fill,
    serve_hostile_city,
)
from tests.portal.conftest import make_ctx  # noqa: F401

BASE = "https://city.example.jp/news/"
NOW = datetime.now(UTC)
INVISIBLE = "\u202e\u202d\u2066\u2069\u200b\u200e\u200f\ufeff"
SAFE_ATTRIBUTES = {"href", "src", "alt", "rel", "colspan", "rowspan"}


def assert_harmless_html(html: str) -> None:
    """Stored article HTML: only the allowlisted tags and attributes, only web links."""
    for node in LexborHTMLParser(f"<div>{html}</div>").css("*"):
        assert node.tag not in ("script", "iframe", "object", "embed", "svg", "math", "form",
                                "style", "base", "meta", "link", "noscript"), html
        for name, value in node.attributes.items():
            assert name in SAFE_ATTRIBUTES, html
            if name in ("href", "src"):
                assert (value or "").startswith(("http://", "https://")), html


def assert_plain_text(text: str) -> None:
    assert not any(c in INVISIBLE or (ord(c) < 0x20 and c not in "\n\t") for c in text), text


def test_hostile_city_crawled_into_the_store(
    database_url: str, make_ctx, httpserver: HTTPServer  # noqa: F811
) -> None:
    ctx = make_ctx(database_url)
    base = serve_hostile_city(httpserver)
    ids: dict[str, int] = {}
    with session_scope(ctx.sessions) as session:
        for name, spec in SOURCES.items():
            ids[name] = add_source(session, base + spec.path, spec.department,
                                   kind=spec.kind).id
    report = asyncio.run(crawl_sources(ctx, force=True))
    assert report.sources == len(SOURCES)

    with session_scope(ctx.sessions) as session:
        sources = {name: session.get(Source, ids[name]) for name in SOURCES}
        for name, spec in SOURCES.items():
            source = sources[name]
            assert source is not None
            if spec.error_kind is None:
                assert source.last_ok_at is not None, (name, source.last_error)
                continue
            # A bad source: failed, with its reason in words an editor understands.
            assert source.last_error_kind == spec.error_kind, (name, source.last_error)
            assert spec.words in (source.last_error or ""), (name, source.last_error)
            assert health_of(source).state in ("degraded", "failing")
        # The partly bad feed read what it could and names what it could not read.
        rss = sources["rss"]
        assert health_of(rss).state == "degraded"
        assert "could not be read" in (rss.last_error or "")
        assert "not a web page address" in (rss.last_error or "")
        articles = list(session.scalars(select(Article)))

    titles = [a.title for a in articles]
    for expected in EXPECTED_TITLES:  # nothing readable is lost
        assert any(expected in title for title in titles), (expected, titles)
    assert not any(bad in title for bad in SCRIPT_LINK_TITLES for title in titles)
    for article in articles:
        assert article.url.startswith(base + "/articles/"), article.url
        for text in (article.title, article.summary, article.body_text, article.department):
            assert_plain_text(text)
            assert "root:x:0:0" not in text  # no XXE ever read /etc/passwd
            assert "lollollol" not in text  # no entity expansion
        assert_harmless_html(article.body_html)
        assert XSS_MARK not in article.body_html
        assert all(a.startswith(("http://", "https://")) for a in article.attachments)
    # Titles keep markup-looking text as text (the templates escape it): NFKC made the
    # full-width ＜img …＞ ASCII, and it must stay a title, never be dropped or parsed.
    shown = next(t for t in titles if "防災訓練のお知らせ" in t)
    assert shown.startswith("<img src=x onerror=")


# -- one test per bug the corpus found -----------------------------------------------------


async def test_entries_linking_to_scripts_are_skipped_and_reported(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/rss.xml").respond_with_data(
        fill("rss_hostile.xml", base, NOW), content_type="application/rss+xml")
    outcome = await crawl_source(SourceSpec(url=f"{base}/rss.xml", department="課"), fetcher)
    assert outcome.ok
    assert all(r.url.startswith(base) for r in outcome.records)
    skipped = [(url, e) for url, e in outcome.page_errors if e.kind == "invalid_url"]
    assert sorted(url.split(":")[0].lower() for url, _ in skipped) == [
        "data", "javascript", "vbscript"]
    assert all("not a web page address" in e.detail for _, e in skipped)


def test_atom_alternate_link_to_a_script_is_skipped() -> None:
    feed = parse_feed(fill("atom_hostile.xml", "https://city.example.jp", NOW), base_url=BASE)
    assert [e.url for e in feed.entries] == ["https://city.example.jp/articles/kaden.html"]
    assert feed.skipped == ["javascript:window.__pwned=1"]
    assert feed.entries[0].title == "省エネ家電の買い替え補助"


def test_sitemap_and_list_pages_keep_web_links_only() -> None:
    base = "https://city.example.jp"
    sitemap = parse_sitemap(fill("sitemap_hostile.xml", base, NOW), base_url=f"{base}/s.xml")
    assert [e.url for e in sitemap.entries] == [f"{base}/articles/sitemap-good.html"]
    html = fill("list_hostile.html", base, NOW).decode()
    expected = [f"{base}/articles/list-good.html", f"{base}/articles/list-second.html"]
    # <base href="javascript:…"> is ignored: relative links resolve against the page.
    assert [e.url for e in guess_list_entries(html, base_url=f"{base}/list.html")] == expected
    assert [e.url for e in parse_list_page(html, base_url=f"{base}/list.html",
                                           rules={"item": "ul.news li"})] == expected


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_feeds_declaring_entities_are_refused_in_words(name: str) -> None:
    with pytest.raises(CrawlError) as caught:
        parse_feed(fill(name, "https://city.example.jp", NOW), base_url=BASE)
    assert caught.value.kind == "parse_error"
    assert "declares XML entities" in caught.value.detail


def test_jma_xml_declaring_entities_is_refused() -> None:
    with pytest.raises(CrawlError) as caught:
        parse_jma_feed(fill("xxe.xml", "https://www.jma.go.jp", NOW))
    assert "declares entities" in caught.value.detail


def test_sitemap_entities_past_the_first_four_kilobytes_are_refused() -> None:
    padded = (b'<?xml version="1.0"?><!--' + b"x" * 5000 + b'--><!DOCTYPE urlset '
              b'[<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset><url><loc>https://a.jp/&x;'
              b"</loc></url></urlset>")
    with pytest.raises(CrawlError) as caught:
        parse_sitemap(padded, base_url=BASE)
    assert "declares XML entities" in caught.value.detail


def test_broken_feed_error_says_so_in_words() -> None:
    with pytest.raises(CrawlError) as caught:
        parse_feed(fill("malformed.xml", "https://city.example.jp", NOW), base_url=BASE)
    assert caught.value.detail.startswith(f"{BASE}: the feed is broken XML")


def test_titles_lose_bidi_overrides_zero_widths_and_controls() -> None:
    feed = parse_feed(fill("rss_hostile.xml", "https://city.example.jp", NOW), base_url=BASE)
    entry = next(e for e in feed.entries if e.url.endswith("/gomi.html"))
    record = build_record(entry, "課", BASE, None, NOW, NOW)
    assert record.title == "ごみ収集日の変更"
    assert record.body_text == "収集日が変わります。"


def test_self_closed_divs_and_long_tag_names_count_as_nesting() -> None:
    # "<div/>" opens a div in HTML (the slash is ignored); only SVG/MathML self-close.
    assert nesting_depth("<div/>" * 3000) == 3000
    assert nesting_depth("<custom-element-name>" * 3000) == 3000
    assert nesting_depth("<svg>" + "<path/>" * 3000 + "</svg>") == 1
    with pytest.raises(CrawlError):
        check_nesting("<main>" + "<div/>" * 3000 + "</main>", "https://city.example.jp/a")


def test_deeply_nested_markup_in_a_feed_title_is_read_as_text() -> None:
    title = "&lt;div&gt;" * 20_000 + "お知らせ"
    feed = parse_feed(
        f'<rss version="2.0"><channel><title>{title}</title><item><title>{title}</title>'
        "<link>https://city.example.jp/a.html</link></item></channel></rss>".encode(),
        base_url=BASE)
    assert feed.title == "お知らせ" and feed.entries[0].title == "お知らせ"


@pytest.mark.parametrize("label", ["undefined", "unicode_escape", "utf-7", "hex", "cp037"])
def test_a_bogus_charset_label_never_breaks_decoding(label: str) -> None:
    body = "<p>お知らせ\\x3cscript\\x3e</p>".encode("cp932")
    for page, http in ((f'<meta charset="{label}">'.encode() + body, None), (body, label)):
        text, _ = detect_and_decode(page, http)
        assert "お知らせ\\x3cscript\\x3e" in text  # the escape codecs would make "<script>"


def test_undeclared_euc_jp_is_not_taken_for_korean() -> None:
    page = "<html><body><p>市役所のお知らせです。予防接種の日程</p></body></html>"
    for codec in ("euc_jp", "cp932"):
        text, _ = detect_and_decode(page.encode(codec))
        assert "市役所のお知らせです。予防接種の日程" in text


@pytest.mark.parametrize("text", [
    "Mon, 01 Jan 99999999999999999999 00:00:00 +0000",  # OverflowError escaped
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",  # overflow when converted
    "0001年1月1日",
])
def test_dates_beyond_what_can_be_stored_are_no_dates(text: str) -> None:
    assert parse_date(text) is None


def test_canonical_url_stays_canonical_with_spaces_before_a_fragment() -> None:
    url = canonical_url("https://city.example.jp/a b #top")
    assert url == "https://city.example.jp/a%20b%20"
    assert canonical_url(url) == url
