"""Every way a department site fails, and what a resident then sees.

A broken article page never loses the notice: the resident reads the feed's text (and the page
is tried again later, `page_error`). A broken source gives no articles and a stored error an
editor can read; it never raises.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawlers import Fetcher, SourceSpec, crawl_source

Bytes = Callable[[str], bytes]
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
DEEP = "<html><body><div id='main'>" + "<div>" * 50_000 + "深い" + "</div>" * 50_000 + "</div>"
# Each failing page and the page_error kind its record carries.
BROKEN_PAGES = {
    "e500": "http_status",
    "e404": "http_status",
    "slow": "network_timeout",
    "loop": "too_many_redirects",
    "cut": "network_error",
    "bomb": "response_too_large",
    "deep": "parse_error",
    "endless": "response_too_large",
}


@pytest.fixture
async def strict_fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(
        allow="127.0.0.1", politeness_delay=0, read_timeout=0.5, total_timeout=1.5,
        max_bytes=2_000_000,
    ) as client:
        yield client


def _feed(base: str, names: list[str]) -> str:
    items = "".join(
        f"<item><title>お知らせ {name}</title><link>{base}/{name}.html</link>"
        f"<pubDate>Mon, 01 Apr 2024 09:00:00 +0900</pubDate>"
        f"<description>{name} のお知らせの概要です。</description></item>"
        for name in names
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>総務課</title><link>{base}/</link>{items}</channel></rss>"
    )


def _serve_broken_pages(server: HTTPServer, fixture_bytes: Bytes) -> None:
    def slow(_: Request) -> Response:
        time.sleep(2)
        return Response("遅い", content_type=HTML)

    def forever() -> Iterator[bytes]:
        while True:
            yield b"<p>" + "終わらない".encode() * 1000 + b"</p>"

    page = fixture_bytes("article_yobousesshu.html")
    packed = gzip.compress(page * 20)
    server.expect_request("/ok.html").respond_with_data(page, content_type=HTML)
    server.expect_request("/e500.html").respond_with_data("error", status=500)
    server.expect_request("/e404.html").respond_with_data("missing", status=404)
    server.expect_request("/slow.html").respond_with_handler(slow)
    server.expect_request("/loop.html").respond_with_data(
        "", status=302, headers={"Location": "/loop.html?again"}
    )
    server.expect_request("/loop.html", query_string="again").respond_with_data(
        "", status=302, headers={"Location": "/loop.html"}
    )
    server.expect_request("/cut.html").respond_with_data(
        packed[: len(packed) // 3], content_type=HTML, headers={"Content-Encoding": "gzip"}
    )
    server.expect_request("/bomb.html").respond_with_data(
        gzip.compress(b" " * 30_000_000, compresslevel=1), content_type=HTML,
        headers={"Content-Encoding": "gzip"},
    )
    server.expect_request("/deep.html").respond_with_data(DEEP, content_type=HTML)
    server.expect_request("/endless.html").respond_with_handler(
        lambda _: Response(forever(), content_type=HTML)
    )


async def test_broken_article_pages_still_give_the_resident_the_notice(
    httpserver: HTTPServer, strict_fetcher: Fetcher, fixture_bytes: Bytes
) -> None:
    _serve_broken_pages(httpserver, fixture_bytes)
    base = httpserver.url_for("").rstrip("/")
    names = ["ok", *BROKEN_PAGES]
    httpserver.expect_request("/news.xml").respond_with_data(_feed(base, names), content_type=RSS)
    started = time.monotonic()
    outcome = await crawl_source(
        SourceSpec(url=f"{base}/news.xml", department="総務課"), strict_fetcher
    )
    assert time.monotonic() - started < 20  # nothing hangs the crawl
    assert outcome.ok
    records = {r.url.rsplit("/", 1)[1].removesuffix(".html"): r for r in outcome.records}
    assert sorted(records) == sorted(names)

    ok = records["ok"]
    assert ok.page_error == "" and ok.extraction.startswith(("selector", "trafilatura"))
    assert "生後2か月から7歳6か月になる前日までのお子さん" in ok.body_text

    for name, kind in BROKEN_PAGES.items():
        record = records[name]
        assert record.title == f"お知らせ {name}", name
        assert record.body_text == f"{name} のお知らせの概要です。", name  # the feed's text
        assert record.extraction == "feed", name
        assert record.page_error == kind, name
    errors = {url.rsplit("/", 1)[1].removesuffix(".html"): e for url, e in outcome.page_errors}
    assert {name: error.kind for name, error in errors.items()} == BROKEN_PAGES
    assert "internal error" in errors["e500"].detail
    assert "does not exist" in errors["e404"].detail
    assert "nests its HTML" in errors["deep"].detail


async def test_429_on_one_page_leaves_the_site_alone(
    httpserver: HTTPServer, fixture_bytes: Bytes
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/news.xml").respond_with_data(
        _feed(base, ["a", "b", "c"]), content_type=RSS
    )
    httpserver.expect_request("/a.html").respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "600"}
    )
    httpserver.expect_request("/b.html").respond_with_data(
        fixture_bytes("article_yobousesshu.html"), content_type=HTML
    )
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, per_host_concurrency=1) as fetcher:
        spec = SourceSpec(url=f"{base}/news.xml", department="総務課")
        outcome = await crawl_source(spec, fetcher)
    assert outcome.ok
    assert [r.title for r in outcome.records] == ["お知らせ a", "お知らせ b", "お知らせ c"]
    assert {r.page_error for r in outcome.records} == {"http_too_many_requests"}
    assert all(e.retry_after and e.retry_after > 500 for _, e in outcome.page_errors)
    requested = [request.path for request, _ in httpserver.log]
    assert "/b.html" not in requested and "/c.html" not in requested


SJIS_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>商工観光課</title>'
    "<link>http://127.0.0.1/</link><item><title>①㈱髙橋商店の認定</title>"
    "<link>http://127.0.0.1:9/a.html</link><description>ブランド認定のお知らせ</description>"
    "</item></channel></rss>"
).encode("cp932")
ENTITY_SOUP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
    "<title>A &amp;amp; B</title>"
    "<link>http://127.0.0.1/</link><item><title>&#12362;&#x77E5;&#12425;&#12379; &amp;amp; "
    "&amp;quot;案内&amp;quot;&nbsp;&copy;2024</title><link>http://127.0.0.1:9/x?a=1&amp;b=2</link>"
    "<description>&lt;p&gt;本文&amp;amp;nbsp;です&lt;/p&gt;&lt;p&gt;&amp;lt;b&amp;gt;太字"
    "&amp;lt;/b&amp;gt;&lt;/p&gt;</description></item></channel></rss>"
).encode()


@pytest.mark.parametrize(
    ("body", "headers", "status", "kind", "words"),
    [
        (b"error", {}, 500, "http_status", "internal error"),
        (b"gone", {}, 404, "http_status", "does not exist"),
        (b"slow down", {"Retry-After": "120"}, 429, "http_too_many_requests", "come back in 120"),
        (b"", {"Content-Type": RSS}, 200, "empty", "empty answer"),
        (gzip.compress(b"".join(b"<item><title>%d</title></item>" % i for i in range(9999)))[:2000],
         {"Content-Encoding": "gzip", "Content-Type": RSS}, 200, "network_error", "cut off"),
        (gzip.compress(b" " * 30_000_000, compresslevel=1),
         {"Content-Encoding": "gzip", "Content-Type": RSS}, 200, "response_too_large", "bomb"),
        (DEEP.encode(), {"Content-Type": HTML}, 200, "parse_error", "nests its HTML"),
        (b"\x00\x01binary junk\xff", {"Content-Type": RSS}, 200, "parse_error", ""),
    ],
    ids=["500", "404", "429", "empty-body", "truncated-gzip", "bomb", "deep-html", "garbage"],
)
async def test_a_broken_source_is_an_error_value(
    httpserver: HTTPServer, strict_fetcher: Fetcher,
    body: bytes, headers: dict[str, str], status: int, kind: str, words: str,
) -> None:
    headers = dict(headers)
    content_type = headers.pop("Content-Type", "text/plain")
    httpserver.expect_request("/source").respond_with_data(
        body, status=status, content_type=content_type, headers=headers
    )
    spec = SourceSpec(url=httpserver.url_for("/source"), department="総務課")
    outcome = await crawl_source(spec, strict_fetcher)
    assert outcome.error is not None and outcome.error.kind == kind
    assert words in outcome.error.detail
    assert outcome.records == [] and outcome.etag is None
    if status == 429:
        assert outcome.error.retry_after == 120


async def test_source_timeout_and_redirect_loop(
    httpserver: HTTPServer, strict_fetcher: Fetcher
) -> None:
    httpserver.expect_request("/slow.xml").respond_with_handler(
        lambda _: (time.sleep(2), Response("<rss/>"))[1]
    )
    httpserver.expect_request("/moved.xml").respond_with_data(
        "", status=301, headers={"Location": "/moved.xml?v=2"}
    )
    httpserver.expect_request("/moved.xml", query_string="v=2").respond_with_data(
        "", status=301, headers={"Location": "/moved.xml"}
    )
    slow = await crawl_source(
        SourceSpec(url=httpserver.url_for("/slow.xml"), department="総務課"), strict_fetcher
    )
    loop = await crawl_source(
        SourceSpec(url=httpserver.url_for("/moved.xml"), department="総務課"), strict_fetcher
    )
    assert slow.error is not None and slow.error.kind == "network_timeout"
    assert loop.error is not None and loop.error.kind == "too_many_redirects"
    assert "loop" in loop.error.detail


async def test_feed_with_a_wrong_charset_label_reads_right(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    # Shift_JIS bytes, labelled UTF-8 by both the server and the XML declaration.
    httpserver.expect_request("/sjis.xml").respond_with_data(SJIS_FEED, content_type=RSS)
    outcome = await crawl_source(
        SourceSpec(url=httpserver.url_for("/sjis.xml"), department="商工観光課"), fetcher
    )
    (record,) = outcome.records
    assert record.title == "1(株)髙橋商店の認定"  # NFKC folds ① and ㈱
    assert record.body_text == "ブランド認定のお知らせ"


async def test_html_entity_soup_reads_as_text(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/soup.xml").respond_with_data(ENTITY_SOUP, content_type=RSS)
    outcome = await crawl_source(
        SourceSpec(url=httpserver.url_for("/soup.xml"), department="総務課"), fetcher
    )
    (record,) = outcome.records
    assert record.title == 'お知らせ & "案内" ©2024'
    assert record.url == "http://127.0.0.1:9/x?a=1&b=2"
    assert record.body_text == "本文 です\n太字"  # no "&nbsp;", no literal "<b>"
    assert "&amp;" not in record.body_html and "&lt;" not in record.body_html


async def test_bozo_feed_keeps_its_entries(
    httpserver: HTTPServer, fetcher: Fetcher, city_fixture: Callable[[str], str]
) -> None:
    # A bare "&" in the channel title makes the XML malformed; feedparser flags it "bozo".
    httpserver.expect_request("/bozo.xml").respond_with_data(
        city_fixture("bozo_rss.xml"), content_type=RSS
    )
    outcome = await crawl_source(
        SourceSpec(url=httpserver.url_for("/bozo.xml"), department="防災危機管理課"), fetcher
    )
    assert outcome.ok
    assert [(r.title, r.body_text) for r in outcome.records] == [
        ("総合防災訓練を実施します", "令和6年9月1日(日曜日)に市内全域で総合防災訓練を実施します。"),
        ("避難所一覧を更新しました", "指定避難所の一覧 & 地図を更新しました。"),
    ]


async def test_empty_feed_is_fine_and_nothing_new(
    httpserver: HTTPServer, fetcher: Fetcher, fixture_bytes: Bytes
) -> None:
    httpserver.expect_request("/empty.xml").respond_with_data(
        fixture_bytes("empty_rss.xml"), content_type=RSS, headers={"ETag": '"e1"'}
    )
    outcome = await crawl_source(
        SourceSpec(url=httpserver.url_for("/empty.xml"), department="議会事務局"), fetcher
    )
    assert outcome.ok and outcome.records == [] and outcome.etag == '"e1"'
