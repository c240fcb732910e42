"""Listings: RSS 2.0, RSS 1.0 (RDF, Shift_JIS), Atom, broken feeds, HTML list pages, sitemaps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from crawlers import CrawlError
from crawlers.dates import JST
from crawlers.feeds import looks_like_feed, parse_feed
from crawlers.listpages import guess_list_entries, parse_list_page
from crawlers.sitemaps import looks_like_sitemap, parse_sitemap

City = "https://city.midori.example.jp"
Bytes = Callable[[str], bytes]


def test_rss20(fixture_bytes: Bytes) -> None:
    content = fixture_bytes("rss20_kosodate.xml")
    assert looks_like_feed(content)
    feed = parse_feed(content, base_url=f"{City}/kosodate/rss.xml")
    assert feed.title == "みどり市 子育て支援課 新着情報"
    assert feed.version == "rss20"
    assert [e.title for e in feed.entries] == [
        "令和6年度 予防接種のお知らせ",
        "児童手当の現況届について（令和６年度）",
        "ファミリー・サポート・センター 提供会員講習会",
    ]
    first, second, _ = feed.entries
    assert first.url == f"{City}/kosodate/yobou/r6_yobousesshu.html"  # relative link resolved
    assert first.published == datetime(2024, 4, 1, 10, tzinfo=JST)
    assert "集団接種説明会" in first.summary_html
    assert "提出期限：令和6年6月28日" in second.content_html
    assert "<p>現況届の提出は原則不要になりました。" in second.summary_html


def test_rss10_rdf_in_shift_jis(fixture_bytes: Bytes) -> None:
    feed = parse_feed(fixture_bytes("rss10_shoukou_sjis.rdf"), base_url=f"{City}/shoukou/rss.rdf")
    assert feed.version == "rss10"
    assert feed.title == "みどり市 商工観光課"
    assert [e.title for e in feed.entries] == [
        "①小規模事業者向け補助金（令和6年度）の募集",
        "㈱髙橋商店が「みどり市ブランド」に認定されました",
    ]
    assert feed.entries[0].published == datetime(2024, 4, 10, 9, tzinfo=JST)  # naive dc:date
    assert feed.entries[1].published == datetime(2024, 4, 8, 14, 30, tzinfo=JST)
    assert feed.entries[1].url == f"{City}/shoukou/takahashi_shouten.html"


def test_atom(fixture_bytes: Bytes) -> None:
    feed = parse_feed(fixture_bytes("atom_kankyo.xml"), base_url=f"{City}/kankyo/atom.xml")
    assert feed.version == "atom10"
    calendar, sodai = feed.entries
    assert calendar.title == "ごみ収集カレンダー（令和6年度版）を掲載しました"
    assert calendar.url == f"{City}/kankyo/gomi/calendar_r6.html"
    assert calendar.published == datetime(2024, 3, 25, 9, tzinfo=JST)
    assert calendar.updated == datetime(2024, 4, 2, 9, tzinfo=JST)
    assert sodai.published == datetime(2024, 3, 1, 21, tzinfo=JST)  # only <updated>, in UTC
    assert "インターネットでも申し込める" in (sodai.content_html or sodai.summary_html)


def test_bozo_feed_with_entries_is_kept(fixture_bytes: Bytes) -> None:
    feed = parse_feed(fixture_bytes("bozo_rss.xml"), base_url=f"{City}/bousai/rss.xml")
    assert feed.bozo
    assert feed.entries[0].title == "総合防災訓練を実施します"
    assert feed.entries[0].published == datetime(2024, 4, 2, 8, 30, tzinfo=JST)
    assert len(feed.entries) >= 1


def test_empty_feed_has_no_entries_and_no_error(fixture_bytes: Bytes) -> None:
    feed = parse_feed(fixture_bytes("empty_rss.xml"), base_url=f"{City}/gikai/rss.xml")
    assert feed.title == "みどり市 議会事務局 新着情報"
    assert feed.entries == []


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>broken',
        "<html><body><p>お探しのページは見つかりませんでした</p></body></html>".encode(),
        b"",
    ],
)
def test_unusable_feed_is_parse_error(content: bytes) -> None:
    with pytest.raises(CrawlError) as caught:
        parse_feed(content, base_url=f"{City}/rss.xml")
    assert caught.value.kind == "parse_error"


def test_list_page_by_rules(fixture_bytes: Bytes) -> None:
    html = fixture_bytes("list_shinchaku.html").decode()
    rules = {"item": "ul.news_list li", "link": "a", "date": ".date"}
    entries = parse_list_page(html, base_url=f"{City}/shimin/news.html", rules=rules)
    assert [(e.title, e.url, e.published) for e in entries] == [
        (
            "マイナンバーカード 休日窓口の開設（４月）",
            f"{City}/shimin/shimin/mynumber_madoguchi.html",
            datetime(2024, 4, 3, tzinfo=JST),
        ),
        (
            "コンビニでの住民票の写し等の交付について",
            f"{City}/shimin/juuminhyo_conbini.html",
            datetime(2024, 3, 29, tzinfo=JST),
        ),
        (
            "印鑑登録の手続き",
            f"{City}/shimin/inkan.html#procedure",
            datetime(2024, 3, 15, tzinfo=JST),
        ),
    ]  # the javascript: row is skipped


def test_list_page_title_rule_and_bad_selector(fixture_bytes: Bytes) -> None:
    html = fixture_bytes("list_shinchaku.html").decode()
    entries = parse_list_page(
        html, base_url=f"{City}/", rules={"item": "ul.news_list li", "title": ".date"}
    )
    assert entries[0].title == "2024年4月3日"
    with pytest.raises(CrawlError) as caught:
        parse_list_page(html, base_url=f"{City}/", rules={"item": "ul[[["})
    assert caught.value.kind == "parse_error"


def test_list_page_guess_without_rules(fixture_bytes: Bytes) -> None:
    html = fixture_bytes("list_dl_nofeed.html").decode()
    entries = guess_list_entries(html, base_url=f"{City}/suidou/oshirase.html")
    assert [(e.title, e.published) for e in entries] == [
        ("中央町地区の断水のお知らせ（4月10日）", datetime(2024, 4, 5, tzinfo=JST)),
        ("水道料金の改定について", datetime(2024, 3, 22, tzinfo=JST)),
    ]
    assert entries[0].url == f"{City}/suidou/dansui_0410.html"


def test_sitemap_urlset_newest_first(fixture_bytes: Bytes) -> None:
    content = fixture_bytes("sitemap.xml")
    assert looks_like_sitemap(content) and not looks_like_feed(content)
    sitemap = parse_sitemap(content, base_url=f"{City}/sitemap.xml")
    assert [e.url.rsplit("/", 1)[1] for e in sitemap.entries] == [
        "hanabi.html",
        "sakura_matsuri.html",
        "index.html",
    ]
    assert sitemap.entries[0].updated == datetime(2024, 4, 1, tzinfo=JST)
    assert sitemap.entries[2].updated is None


def test_sitemap_index(fixture_bytes: Bytes) -> None:
    sitemap = parse_sitemap(fixture_bytes("sitemap_index.xml"), base_url=f"{City}/sitemap.xml")
    assert sitemap.is_index
    assert sitemap.children == [f"{City}/sitemaps/kanko.xml", f"{City}/sitemaps/old.xml"]


def test_gzipped_sitemap(fixture_bytes: Bytes) -> None:
    import gzip

    sitemap = parse_sitemap(gzip.compress(fixture_bytes("sitemap.xml")), base_url=f"{City}/s.gz")
    assert len(sitemap.entries) == 3


def test_sitemap_rejects_entities() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset>&a;</urlset>'
    with pytest.raises(CrawlError) as caught:
        parse_sitemap(bomb, base_url=f"{City}/sitemap.xml")
    assert caught.value.kind == "parse_error"
