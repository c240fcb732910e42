"""crawl_source / fetch_url end to end against a local city website."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer

from crawlers import Fetcher, SourceSpec, crawl_source, fetch_url, record_to_dict
from crawlers.dates import JST

Bytes = Callable[[str], bytes]
Text = Callable[[str], str]
NOW = datetime(2024, 4, 10, 12, tzinfo=UTC)
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


def _requested(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def _serve_kosodate(server: HTTPServer, city_fixture: Text, fixture_bytes: Bytes) -> None:
    server.expect_request("/kosodate/rss.xml").respond_with_data(
        city_fixture("rss20_kosodate.xml"), content_type=RSS, headers={"ETag": '"rss-v1"'}
    )
    server.expect_request("/kosodate/yobou/r6_yobousesshu.html").respond_with_data(
        fixture_bytes("article_yobousesshu.html"), content_type=HTML
    )
    server.expect_request("/kosodate/teate/genkyo.html").respond_with_data("Not Found", status=404)
    server.expect_request("/kosodate/famisapo/koushuukai.html").respond_with_data(
        "Internal Server Error", status=500
    )


async def test_rss_source_with_pages_and_failed_pages(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text, fixture_bytes: Bytes
) -> None:
    _serve_kosodate(httpserver, city_fixture, fixture_bytes)
    base = httpserver.url_for("").rstrip("/")
    spec = SourceSpec(url=f"{base}/kosodate/rss.xml", department="子育て支援課")
    outcome = await crawl_source(spec, fetcher, now=NOW)

    assert outcome.ok and not outcome.not_modified
    assert outcome.etag == '"rss-v1"'
    yobou, teate, famisapo = outcome.records

    assert yobou.title == "令和6年度 予防接種のお知らせ"
    assert yobou.url == f"{base}/kosodate/yobou/r6_yobousesshu.html"
    assert yobou.department == "子育て支援課"
    assert yobou.source_url == spec.url
    assert yobou.extraction == "selector:#tmp_contents"
    assert "生後2か月から7歳6か月になる前日までのお子さん" in yobou.body_text
    assert "くらし・手続き" not in yobou.body_text and "サイトポリシー" not in yobou.body_text
    assert yobou.summary.startswith("令和6年度の定期予防接種の対象者")
    assert yobou.published == datetime(2024, 4, 1, 10, tzinfo=JST)
    assert not yobou.date_flagged
    assert yobou.deadline == datetime(2024, 5, 10, tzinfo=JST)
    assert yobou.event_date == datetime(2024, 5, 18, 10, 30, tzinfo=JST)
    assert yobou.attachments[0] == f"{base}/material/files/group/12/yoshinhyo_r6.pdf"
    assert f'href="{base}/material/files/group/12/yoshinhyo_r6.pdf"' in yobou.body_html
    assert "<script" not in yobou.body_html and "javascript:" not in yobou.body_html
    assert len(yobou.content_hash) == 64 and yobou.dedup_key

    # 404 page: the record from the feed entry is kept, NFKC'd, with the feed's full content.
    assert teate.title == "児童手当の現況届について(令和6年度)"
    assert teate.url == f"{base}/kosodate/teate/genkyo.html"  # utm_* dropped
    assert teate.extraction == "feed"
    assert "令和6年度から、児童手当の現況届の提出は原則不要になりました。" in teate.body_text
    assert teate.deadline == datetime(2024, 6, 28, tzinfo=JST)
    assert teate.attachments == [f"{base}/material/files/genkyo.pdf"]

    assert famisapo.title == "ファミリー・サポート・センター 提供会員講習会"
    assert famisapo.body_text.startswith("地域で子育てを応援する提供会員を募集しています。")

    errors = {url.rsplit("/", 1)[1]: error for url, error in outcome.page_errors}
    assert errors["genkyo.html"].kind == "http_status" and errors["genkyo.html"].status == 404
    assert errors["koushuukai.html"].status == 500

    as_json = json.loads(json.dumps([record_to_dict(r) for r in outcome.records]))
    assert as_json[0]["title"] == "令和6年度 予防接種のお知らせ"
    assert as_json[0]["published"] == "2024-04-01T10:00:00+09:00"
    assert as_json[1]["event_date"] is None


async def test_known_urls_are_skipped_and_max_articles(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text, fixture_bytes: Bytes
) -> None:
    _serve_kosodate(httpserver, city_fixture, fixture_bytes)
    base = httpserver.url_for("").rstrip("/")
    spec = SourceSpec(url=f"{base}/kosodate/rss.xml", department="子育て支援課")
    known = {f"{base}/kosodate/yobou/r6_yobousesshu.html"}
    outcome = await crawl_source(spec, fetcher, known=known, now=NOW, max_articles=1)
    assert [r.title for r in outcome.records] == ["児童手当の現況届について(令和6年度)"]
    assert "/kosodate/yobou/r6_yobousesshu.html" not in _requested(httpserver)
    assert "/kosodate/famisapo/koushuukai.html" not in _requested(httpserver)


async def test_conditional_get_304_is_not_modified(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text
) -> None:
    httpserver.expect_request(
        "/kankyo/atom.xml", headers={"If-None-Match": '"atom-v7"'}
    ).respond_with_data("", status=304, headers={"ETag": '"atom-v7"'})
    httpserver.expect_request("/kankyo/atom.xml").respond_with_data(
        city_fixture("atom_kankyo.xml"),
        content_type="application/atom+xml",
        headers={"ETag": '"atom-v7"', "Last-Modified": "Tue, 02 Apr 2024 00:00:00 GMT"},
    )
    spec = SourceSpec(url=httpserver.url_for("/kankyo/atom.xml"), department="環境政策課")
    first = await crawl_source(spec, fetcher, now=NOW)
    assert [r.title for r in first.records] == [
        "ごみ収集カレンダー(令和6年度版)を掲載しました",
        "粗大ごみの申し込み方法が変わります",
    ]
    assert (first.etag, first.last_modified) == ('"atom-v7"', "Tue, 02 Apr 2024 00:00:00 GMT")

    spec.etag, spec.last_modified = first.etag, first.last_modified
    second = await crawl_source(spec, fetcher, now=NOW)
    assert second.ok and second.not_modified
    assert second.records == [] and second.etag == '"atom-v7"'


async def test_fetch_url_feed_with_404_items_keeps_feed_records(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text
) -> None:
    httpserver.expect_request("/kosodate/rss.xml").respond_with_data(
        city_fixture("rss20_kosodate.xml"), content_type=RSS
    )
    httpserver.expect_request(re.compile(r"^/kosodate/.+\.html$")).respond_with_data(
        "Not Found", status=404
    )
    outcome = await fetch_url(httpserver.url_for("/kosodate/rss.xml"), fetcher)
    assert outcome.ok
    titles = [r.title for r in outcome.records]
    assert "令和6年度 予防接種のお知らせ" in titles
    record = outcome.records[titles.index("令和6年度 予防接種のお知らせ")]
    assert record.department == "みどり市 子育て支援課 新着情報"  # the feed's title
    assert record.published == datetime(2024, 4, 1, 10, tzinfo=JST)
    assert record.extraction == "feed"
    assert record.summary.startswith("令和6年度の定期予防接種")
    assert {error.kind for _, error in outcome.page_errors} == {"http_status"}


async def test_fetch_url_html_page_follows_its_feed(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text, fixture_bytes: Bytes
) -> None:
    _serve_kosodate(httpserver, city_fixture, fixture_bytes)
    httpserver.expect_request("/kosodate/index.html").respond_with_data(
        fixture_bytes("article_yobousesshu.html"), content_type=HTML
    )
    outcome = await fetch_url(httpserver.url_for("/kosodate/index.html"), fetcher)
    assert outcome.ok
    assert len(outcome.records) == 3
    assert outcome.records[0].department == "みどり市 子育て支援課 新着情報"
    assert outcome.records[0].source_url == httpserver.url_for("/kosodate/rss.xml")


async def test_fetch_url_single_page(
    httpserver: HTTPServer, fetcher: Fetcher, fixture_bytes: Bytes
) -> None:
    httpserver.expect_request("/suidou/dansui_0410.html").respond_with_data(
        fixture_bytes("article_short_notice.html"), content_type=HTML
    )
    outcome = await fetch_url(httpserver.url_for("/suidou/dansui_0410.html"), fetcher)
    assert outcome.ok
    (record,) = outcome.records
    assert record.title == "中央町地区の断水のお知らせ"
    assert "4月10日(水曜日)午前9時から午後3時まで、中央町1丁目から3丁目で断水します。" in (
        record.body_text
    )  # NFKC: full-width digits and parentheses became ASCII
    assert record.published == datetime(2024, 4, 5, tzinfo=JST) and not record.date_flagged
    assert record.department == "127.0.0.1"


async def test_shift_jis_rdf_and_pages_keep_cp932_characters(
    httpserver: HTTPServer, fetcher: Fetcher, fixture_bytes: Bytes
) -> None:
    base = httpserver.url_for("").rstrip("/")
    rdf = fixture_bytes("rss10_shoukou_sjis.rdf").replace(
        b"https://city.midori.example.jp", base.encode()
    )
    httpserver.expect_request("/shoukou/rss.rdf").respond_with_data(
        rdf,
        content_type="application/rdf+xml",  # no charset: the XML declaration says it
    )
    httpserver.expect_request("/shoukou/takahashi_shouten.html").respond_with_data(
        fixture_bytes("article_eucjp.html"), content_type="text/html"
    )
    httpserver.expect_request("/shoukou/hojokin_r6.html").respond_with_data(
        fixture_bytes("article_wrong_charset.html"), content_type="text/html; charset=utf-8"
    )
    spec = SourceSpec(url=f"{base}/shoukou/rss.rdf", department="商工観光課", kind="rdf")
    outcome = await crawl_source(spec, fetcher, now=NOW)
    assert outcome.ok and not outcome.page_errors
    hojokin, takahashi = outcome.records
    assert hojokin.title == "1小規模事業者向け補助金(令和6年度)の募集"  # NFKC folds ① → 1
    assert takahashi.title == "(株)髙橋商店が「みどり市ブランド」に認定されました"
    assert "(株)髙橋商店の「みどり饅頭」" in takahashi.body_text  # EUC-JP page decoded
    assert "(株)髙橋商店の「みどり饅頭」" in hojokin.body_text  # mislabeled SJIS page decoded
    assert "\ufffd" not in takahashi.body_text + hojokin.body_text
    assert takahashi.published == datetime(2024, 4, 8, 14, 30, tzinfo=JST)


async def test_html_list_source_with_rules(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text
) -> None:
    httpserver.expect_request("/shimin/news.html").respond_with_data(
        city_fixture("list_shinchaku.html"), content_type=HTML
    )
    httpserver.expect_request(re.compile(r"^/shimin/.+\.html$")).respond_with_data(
        "Not Found", status=404
    )
    spec = SourceSpec(
        url=httpserver.url_for("/shimin/news.html"),
        department="市民課",
        kind="html",
        rules={"item": "ul.news_list li", "link": "a", "date": ".date"},
    )
    outcome = await crawl_source(spec, fetcher, now=NOW)
    assert outcome.ok
    assert [(r.title, r.published) for r in outcome.records] == [
        ("マイナンバーカード 休日窓口の開設(4月)", datetime(2024, 4, 3, tzinfo=JST)),
        ("コンビニでの住民票の写し等の交付について", datetime(2024, 3, 29, tzinfo=JST)),
        ("印鑑登録の手続き", datetime(2024, 3, 15, tzinfo=JST)),
    ]
    assert outcome.records[2].url == httpserver.url_for("/shimin/inkan.html")  # no #fragment
    assert len(outcome.page_errors) == 3


async def test_auto_detected_list_page_without_rules_or_feed(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text, fixture_bytes: Bytes
) -> None:
    httpserver.expect_request("/suidou/oshirase.html").respond_with_data(
        city_fixture("list_dl_nofeed.html"), content_type=HTML
    )
    httpserver.expect_request("/suidou/dansui_0410.html").respond_with_data(
        fixture_bytes("article_short_notice.html"), content_type=HTML
    )
    httpserver.expect_request("/suidou/ryoukin_kaitei.html").respond_with_data(
        "Not Found", status=404
    )
    spec = SourceSpec(url=httpserver.url_for("/suidou/oshirase.html"), department="水道局")
    outcome = await crawl_source(spec, fetcher, now=NOW)
    assert outcome.ok
    assert [r.title for r in outcome.records] == [
        "中央町地区の断水のお知らせ(4月10日)",
        "水道料金の改定について",
    ]
    assert "中央町1丁目から3丁目で断水します" in outcome.records[0].body_text


async def test_sitemap_index_source(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Text, fixture_bytes: Bytes
) -> None:
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        fixture_bytes("sitemap_index.xml"), content_type="application/xml"
    )
    httpserver.expect_request("/sitemaps/kanko.xml").respond_with_data(
        city_fixture("sitemap.xml"), content_type="application/xml"
    )
    httpserver.expect_request("/sitemaps/old.xml").respond_with_data("gone", status=410)
    httpserver.expect_request(re.compile(r"^/kanko/.+\.html$")).respond_with_data(
        fixture_bytes("article_short_notice.html"), content_type=HTML
    )
    spec = SourceSpec(url=httpserver.url_for("/sitemap.xml"), department="観光課")
    outcome = await crawl_source(spec, fetcher, now=NOW, max_articles=2)
    assert outcome.ok
    assert [r.url.rsplit("/", 1)[1] for r in outcome.records] == [
        "hanabi.html",
        "sakura_matsuri.html",
    ]
    # A lastmod is when the page last changed: the page's own 掲載日 is its publication date.
    assert outcome.records[0].published == datetime(2024, 4, 5, tzinfo=JST)
    assert not outcome.records[0].date_flagged
    assert outcome.records[0].updated == datetime(2024, 4, 1, tzinfo=JST)  # lastmod
    assert outcome.records[0].title == "中央町地区の断水のお知らせ"  # from the page
    assert [error.status for _, error in outcome.page_errors] == [410]
    # Only two pages this time: the rest comes next crawl, so the listing is read again.
    assert outcome.truncated and outcome.etag is None


async def test_feed_item_linking_a_pdf_becomes_an_attachment(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
      <title>広報みどり</title><link>{base}/</link>
      <item><title>広報みどり 4月号</title><link>{base}/download?id=2404</link>
        <pubDate>Mon, 01 Apr 2024 09:00:00 +0900</pubDate>
        <description>広報みどり4月号を発行しました。</description></item>
    </channel></rss>"""
    httpserver.expect_request("/kouhou.xml").respond_with_data(feed, content_type=RSS)
    httpserver.expect_request("/download").respond_with_data(
        b"%PDF-1.7 " + b"0" * 20_000_000,
        content_type="application/pdf",  # over max_bytes
    )
    outcome = await crawl_source(SourceSpec(url=f"{base}/kouhou.xml", department="広報課"), fetcher)
    (record,) = outcome.records
    assert record.attachments == [f"{base}/download?id=2404"]
    assert record.body_text == "広報みどり4月号を発行しました。"
    assert outcome.page_errors == []


async def test_missing_and_future_dates_are_flagged(
    httpserver: HTTPServer, fetcher: Fetcher, fixture_bytes: Bytes
) -> None:
    base = httpserver.url_for("").rstrip("/")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
      <title>お知らせ</title><link>{base}/</link>
      <item><title>日付のないお知らせ</title><link>{base}/a.html</link></item>
      <item><title>未来の日付</title><link>{base}/b.html</link>
        <pubDate>Fri, 01 Jan 2100 00:00:00 +0900</pubDate></item>
    </channel></rss>"""
    httpserver.expect_request("/rss.xml").respond_with_data(feed, content_type=RSS)
    httpserver.expect_request("/a.html").respond_with_data(
        fixture_bytes("article_yobousesshu.html"), content_type=HTML
    )
    httpserver.expect_request("/b.html").respond_with_data("Not Found", status=404)
    outcome = await crawl_source(SourceSpec(url=f"{base}/rss.xml", department="総務課"), fetcher)
    undated, future = outcome.records
    assert undated.date_flagged and undated.published == datetime(2024, 4, 1, tzinfo=JST)
    assert future.date_flagged
    assert future.published is not None
    assert abs(future.published - datetime.now(UTC)) < timedelta(minutes=1)  # fetch time


async def test_source_failures_are_values_never_exceptions(
    httpserver: HTTPServer, fetcher: Fetcher, fixture_bytes: Bytes
) -> None:
    httpserver.expect_request("/down.xml").respond_with_data("error", status=500)
    httpserver.expect_request("/empty.xml").respond_with_data(b"", content_type=RSS)
    httpserver.expect_request("/broken.xml").respond_with_data(
        b'<?xml version="1.0"?><rss><channel><title>x', content_type=RSS
    )
    httpserver.expect_request("/nomatch.html").respond_with_data(
        fixture_bytes("list_shinchaku.html"), content_type=HTML
    )
    httpserver.expect_request("/gikai.xml").respond_with_data(
        fixture_bytes("empty_rss.xml"), content_type=RSS
    )
    cases = {
        "/down.xml": ("http_status", {}),
        "/empty.xml": ("empty", {}),
        "/broken.xml": ("parse_error", {}),
        "/nomatch.html": ("empty", {"item": "table.news tr"}),
        "/gikai.xml": (None, {}),  # a valid feed with no items is fine: nothing new
    }
    for path, (kind, rules) in cases.items():
        spec = SourceSpec(url=httpserver.url_for(path), department="議会事務局", rules=rules)
        outcome = await crawl_source(spec, fetcher, now=NOW)
        assert (outcome.error.kind if outcome.error else None) == kind, path
        assert outcome.records == []
        if kind is not None:
            assert outcome.etag is None  # validators are not advanced on failure


async def test_fetch_url_on_a_pdf_is_one_attachment_record(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/material/files/yoshinhyo.pdf").respond_with_data(
        b"%PDF-1.7 binary", content_type="application/pdf"
    )
    url = httpserver.url_for("/material/files/yoshinhyo.pdf")
    outcome = await fetch_url(url, fetcher)
    (record,) = outcome.records
    assert (record.title, record.attachments, record.body_text) == ("yoshinhyo.pdf", [url], "")


def test_work_still_gets_done_when_a_pool_process_has_died() -> None:
    # A pool child killed (out of memory) breaks the whole pool; the rest of the cycle's
    # pages must still be extracted, not fail source after source.
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from crawlers.articles import run_cpu

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 1).result()
        assert asyncio.run(run_cpu(pool, sum, [1, 2, 3])) == 6
    finally:
        pool.shutdown(cancel_futures=True)
