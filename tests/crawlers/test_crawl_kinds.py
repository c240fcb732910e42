"""Source kinds beyond the basics (RSS 0.91, news sitemaps, homepage autodiscovery), 7-bit
ISO-2022-JP pages, feeds that invent their dates, and incremental re-crawls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pytest_httpserver import HTTPServer

from crawlers import Fetcher, KnownArticle, ListingEntry, SourceSpec, crawl_source
from crawlers.articles import listing_hash
from crawlers.dates import JST
from crawlers.encoding import encode_cp51932

Bytes = Callable[[str], bytes]
NOW = datetime(2024, 4, 10, 12, tzinfo=UTC)
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


def _requested(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def _page(title: str, body: str, date: str = "2024年4月1日") -> str:
    return (
        f"<html><head><title>{title}｜みどり市</title></head><body><header>サイト内検索</header>"
        f'<div id="tmp_contents"><h1>{title}</h1><p>掲載日：{date}</p><p>{body}</p></div>'
        "<footer>Copyright みどり市</footer></body></html>"
    )


async def test_rss_091(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    base = httpserver.url_for("").rstrip("/")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
      "http://my.netscape.com/publish/formats/rss-0.91.dtd">
    <rss version="0.91"><channel><title>広報課</title><link>{base}/</link>
      <description>広報</description><language>ja</language>
      <item><title>広報みどり 5月号</title><link>{base}/kouhou/2405.html</link>
        <description>5月号を発行しました。</description></item>
    </channel></rss>"""
    httpserver.expect_request("/rss091.xml").respond_with_data(feed, content_type="text/xml")
    httpserver.expect_request("/kouhou/2405.html").respond_with_data(
        _page("広報みどり 5月号", "今月の特集は子育て支援です。", "2024年5月1日"), content_type=HTML
    )
    spec = SourceSpec(url=f"{base}/rss091.xml", department="広報課", kind="rss")
    outcome = await crawl_source(spec, fetcher, now=datetime(2024, 5, 10, tzinfo=UTC))
    (record,) = outcome.records
    assert record.title == "広報みどり 5月号"
    assert "今月の特集は子育て支援です。" in record.body_text
    # RSS 0.91 items have no date: the page's 掲載日, flagged as inferred.
    assert record.published == datetime(2024, 5, 1, tzinfo=JST) and record.date_flagged


async def test_news_sitemap_titles_and_publication_dates(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>{base}/news/1.html</loc><lastmod>2024-04-09</lastmod>
        <news:news><news:publication><news:name>みどり市</news:name>
          <news:language>ja</news:language></news:publication>
          <news:publication_date>2024-04-08T09:00:00+09:00</news:publication_date>
          <news:title>防災訓練のお知らせ</news:title></news:news></url>
    </urlset>"""
    httpserver.expect_request("/news-sitemap.xml").respond_with_data(
        sitemap, content_type="application/xml"
    )
    httpserver.expect_request("/news/1.html").respond_with_data("gone", status=410)
    spec = SourceSpec(url=f"{base}/news-sitemap.xml", department="危機管理課")
    (record,) = (await crawl_source(spec, fetcher, now=NOW)).records
    assert record.title == "防災訓練のお知らせ"  # even though the page is gone
    assert record.published == datetime(2024, 4, 8, 9, tzinfo=JST) and not record.date_flagged


def _homepage(base: str, head: str = "", body: str = "") -> str:
    return (
        f"<html><head><title>みどり市 子育て支援課</title>{head}</head><body>"
        f"<h1>子育て支援課</h1>{body}<p>ようこそ</p></body></html>"
    )


def _feed(base: str, items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<pubDate>Mon, 01 Apr 2024 1{i}:00:00 +0900</pubDate><description>{title}の概要"
        "</description></item>"
        for i, (title, path) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>子育て支援課</title><link>{base}/</link>{entries}</channel></rss>"
    )


async def test_discover_follows_the_homepage_feed_link_and_remembers_it(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    head = (
        '<link rel="alternate" type="application/rss+xml" href="/rss/city.xml">'
        '<link rel="alternate" type="application/rss+xml" href="/kosodate/rss.xml">'
    )
    httpserver.expect_request("/kosodate/index.html").respond_with_data(
        _homepage(base, head), content_type=HTML
    )
    httpserver.expect_request("/kosodate/rss.xml", headers={"If-None-Match": '"f1"'}
                              ).respond_with_data("", status=304)
    httpserver.expect_request("/kosodate/rss.xml").respond_with_data(
        _feed(base, [("児童手当", "/kosodate/teate.html")]), content_type=RSS,
        headers={"ETag": '"f1"'},
    )
    spec = SourceSpec(url=f"{base}/kosodate/index.html", department="子育て支援課",
                      kind="discover")
    first = await crawl_source(spec, fetcher, now=NOW)
    assert first.ok and [r.title for r in first.records] == ["児童手当"]
    # The department's own feed, not the city-wide one linked first.
    assert first.feed_url == f"{base}/kosodate/rss.xml" and first.etag == '"f1"'
    assert "/rss/city.xml" not in _requested(httpserver)

    httpserver.clear_log()
    spec.feed_url, spec.etag = first.feed_url, first.etag
    second = await crawl_source(spec, fetcher, now=NOW)
    assert second.ok and second.not_modified
    assert _requested(httpserver) == ["/kosodate/rss.xml"]  # straight to the feed


async def test_discover_finds_an_rss_button_and_rediscovers_a_moved_feed(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    body = '<p><a href="/kosodate/news.rdf"><img src="/img/rss.png" alt="RSS"></a></p>'
    httpserver.expect_request("/kosodate/").respond_with_data(
        _homepage(base, body=body), content_type=HTML
    )
    httpserver.expect_request("/kosodate/old.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/kosodate/news.rdf").respond_with_data(
        _feed(base, [("予防接種", "/kosodate/yobou.html")]), content_type="application/xml"
    )
    spec = SourceSpec(url=f"{base}/kosodate/", department="子育て支援課", kind="discover",
                      feed_url=f"{base}/kosodate/old.xml", etag='"stale"')
    outcome = await crawl_source(spec, fetcher, now=NOW)
    assert outcome.ok and [r.title for r in outcome.records] == ["予防接種"]
    assert outcome.feed_url == f"{base}/kosodate/news.rdf"


async def test_discover_without_a_feed_says_so(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/top.html").respond_with_data(
        _homepage("", body='<a href="/about.html">概要</a>'), content_type=HTML
    )
    spec = SourceSpec(url=httpserver.url_for("/top.html"), department="総務課", kind="discover")
    outcome = await crawl_source(spec, fetcher, now=NOW)
    assert outcome.error is not None and outcome.error.kind == "empty"
    assert "names no feed" in outcome.error.detail


def _iso2022(text: str) -> bytes:
    """ISO-2022-JP as Windows writes it (CP50221), from its EUC-JP twin."""
    out, jis = bytearray(), False
    for char in text:
        if char.isascii():
            if jis:
                out += b"\x1b(B"
                jis = False
            out += char.encode()
            continue
        pair = encode_cp51932(char)
        if not jis:
            out += b"\x1b$B"
            jis = True
        out += bytes((pair[0] & 0x7F, pair[1] & 0x7F))
    return bytes(out + (b"\x1b(B" if jis else b""))


async def test_iso_2022_jp_page_keeps_cp932_only_characters(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    page = _page("①㈱髙橋商店の認定", "㈱髙橋商店の「みどり饅頭」が認定されました。")
    page = page.replace("<head>", '<head><meta charset="ISO-2022-JP">')
    httpserver.expect_request("/shoukou/a.html").respond_with_data(
        _iso2022(page), content_type="text/html"
    )
    httpserver.expect_request("/shoukou/rss.xml").respond_with_data(
        _feed(base, [("①㈱髙橋商店の認定", "/shoukou/a.html")]), content_type=RSS
    )
    spec = SourceSpec(url=f"{base}/shoukou/rss.xml", department="商工観光課")
    (record,) = (await crawl_source(spec, fetcher, now=NOW)).records
    assert record.page_error == ""
    assert "(株)髙橋商店の「みどり饅頭」が認定されました。" in record.body_text  # NFKC'd once


async def test_feed_that_stamps_every_item_with_its_build_time(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    stamp = "Wed, 10 Apr 2024 03:15:27 +0900"
    items = "".join(
        f"<item><title>お知らせ{i}</title><link>{base}/n{i}.html</link><pubDate>{stamp}</pubDate>"
        "</item>"
        for i in range(3)
    )
    httpserver.expect_request("/lying.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
        content_type=RSS,
    )
    for i in range(3):
        httpserver.expect_request(f"/n{i}.html").respond_with_data(
            _page(f"お知らせ{i}", "本文です。", f"2024年3月{i + 1}日"), content_type=HTML
        )
    spec = SourceSpec(url=f"{base}/lying.xml", department="総務課")
    outcome = await crawl_source(spec, fetcher, now=NOW)
    # Each notice shows the date printed on its page, not the feed's build time.
    assert [r.published for r in outcome.records] == [
        datetime(2024, 3, i + 1, tzinfo=JST) for i in range(3)
    ]


async def test_unchanged_pages_are_skipped_changed_and_failed_ones_read_again(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    items = [("お知らせA", "/a.html"), ("お知らせB", "/b.html"), ("お知らせC", "/c.html")]
    httpserver.expect_request("/news.xml").respond_with_data(_feed(base, items), content_type=RSS)
    for title, path in [*items, ("お知らせD", "/d.html")]:
        httpserver.expect_request(path).respond_with_data(_page(title, "本文。"), content_type=HTML)
    entries = {
        path: ListingEntry(url=f"{base}{path}", title=title, summary_html=f"{title}の概要",
                           published=datetime(2024, 4, 1, 10 + i, tzinfo=JST))
        for i, (title, path) in enumerate(items)
    }
    known = {
        f"{base}/a.html": KnownArticle(listing_hash=listing_hash(entries["/a.html"])),  # same
        f"{base}/b.html": KnownArticle(listing_hash="what the feed said before"),  # changed
        f"{base}/c.html": KnownArticle(listing_hash=listing_hash(entries["/c.html"]), retry=True),
        f"{base}/d.html": KnownArticle(listing_hash="x", retry=True),  # no longer in the feed
    }
    retry = [ListingEntry(url=f"{base}/d.html", title="お知らせD")]
    spec = SourceSpec(url=f"{base}/news.xml", department="総務課")
    outcome = await crawl_source(spec, fetcher, known=known, retry=retry, now=NOW)
    assert sorted(r.title for r in outcome.records) == ["お知らせB", "お知らせC", "お知らせD"]
    assert "/a.html" not in _requested(httpserver)
    assert all(r.listing_hash for r in outcome.records)


async def test_a_process_pool_gives_the_same_records(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    """Parsing and extraction can run in other processes (every core): same records."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    base = httpserver.url_for("").rstrip("/")
    items = [("お知らせA", "/a.html"), ("お知らせB", "/b.html")]
    httpserver.expect_request("/news.xml").respond_with_data(_feed(base, items), content_type=RSS)
    for title, path in items:
        httpserver.expect_request(path).respond_with_data(
            _page(title, f"{title}の本文です。"), content_type=HTML
        )
    spec = SourceSpec(url=f"{base}/news.xml", department="総務課")
    in_threads = await crawl_source(spec, fetcher, now=NOW)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        in_pool = await crawl_source(spec, fetcher, now=NOW, cpu=pool)
    assert in_pool.ok and in_pool.records == in_threads.records
    assert "お知らせAの本文です。" in in_pool.records[0].body_text


async def test_every_child_of_a_sitemap_index_is_read(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    children = "".join(
        f"<sitemap><loc>{base}/sitemap-{i}.xml</loc><lastmod>2024-04-0{i + 1}</lastmod></sitemap>"
        for i in range(5)
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{children}</sitemapindex>", content_type="application/xml"
    )
    for i in range(5):  # the oldest child holds a page too: a resident must not miss it
        httpserver.expect_request(f"/sitemap-{i}.xml").respond_with_data(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/p{i}.html</loc><lastmod>2024-04-0{i + 1}</lastmod></url></urlset>",
            content_type="application/xml",
        )
        httpserver.expect_request(f"/p{i}.html").respond_with_data(
            _page(f"お知らせ{i}", "本文です。"), content_type=HTML
        )
    spec = SourceSpec(url=f"{base}/sitemap.xml", department="広報課", kind="sitemap")
    outcome = await crawl_source(spec, fetcher, now=NOW)
    assert sorted(r.title for r in outcome.records) == [f"お知らせ{i}" for i in range(5)]
