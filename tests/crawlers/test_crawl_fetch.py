"""Fetcher against a real local HTTP server: every failure is a CrawlError with a stable kind."""

from __future__ import annotations

import asyncio
import pickle
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawlers import CrawlError, Fetcher
from crawlers.fetch import USER_AGENT, parse_retry_after


def _paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


async def test_ok_response_answers_questions(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/news.xml").respond_with_data(
        b"<rss/>",
        content_type="application/rss+xml; charset=Shift_JIS",
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Apr 2024 01:00:00 GMT"},
    )
    response = await fetcher.fetch(httpserver.url_for("/news.xml"))
    assert response.is_modified
    assert response.status == 200
    assert response.content == b"<rss/>"
    assert response.etag == '"v1"'
    assert response.last_modified == "Mon, 01 Apr 2024 01:00:00 GMT"
    assert response.content_type == "application/rss+xml"
    assert response.charset == "Shift_JIS"
    request = next(req for req, _ in httpserver.log if req.path == "/news.xml")
    assert request.headers["User-Agent"] == USER_AGENT


async def test_conditional_get_sends_validators_and_304_is_not_modified(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request(
        "/feed.xml",
        headers={"If-None-Match": '"abc"', "If-Modified-Since": "Mon, 01 Apr 2024 01:00:00 GMT"},
    ).respond_with_data("", status=304, headers={"ETag": '"abc"'})
    response = await fetcher.fetch(
        httpserver.url_for("/feed.xml"),
        etag='"abc"',
        last_modified="Mon, 01 Apr 2024 01:00:00 GMT",
    )
    assert response.status == 304
    assert not response.is_modified
    assert response.etag == '"abc"'


@pytest.mark.parametrize(("status", "kind"), [(404, "http_status"), (500, "http_status")])
async def test_error_statuses(
    httpserver: HTTPServer, fetcher: Fetcher, status: int, kind: str
) -> None:
    httpserver.expect_request("/page.html").respond_with_data("エラー", status=status)
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/page.html"))
    assert caught.value.kind == kind
    assert caught.value.status == status
    assert str(status) in caught.value.detail


async def test_429_surfaces_retry_after(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "120"}
    )
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/busy"))
    assert caught.value.kind == "http_too_many_requests"
    assert caught.value.retry_after == 120
    assert "come back in 120 s (Retry-After)" in caught.value.detail
    # Politeness: the site is left alone until the pause is over, even for other pages.
    httpserver.expect_request("/other").respond_with_data("ok")
    with pytest.raises(CrawlError) as again:
        await fetcher.fetch(httpserver.url_for("/other"))
    assert again.value.kind == "http_too_many_requests"
    assert again.value.retry_after is not None and 100 < again.value.retry_after <= 120
    assert "/other" not in _paths(httpserver)


async def test_503_with_http_date_retry_after(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/maintenance").respond_with_data(
        "メンテナンス中", status=503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    )
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/maintenance"))
    assert caught.value.kind == "http_status"
    assert caught.value.retry_after == 0  # a date in the past: retry now


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("30") == 30
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40) == 60
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    # A header byte 0xB2 reads as "²" (latin-1), which str.isdigit() accepts and int() refuses.
    assert parse_retry_after("\u00b2") is None


async def test_read_timeout(httpserver: HTTPServer) -> None:
    def slow(_: Request) -> Response:
        time.sleep(1.0)
        return Response("遅い応答")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, read_timeout=0.2) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/slow"))
    assert caught.value.kind == "network_timeout"


async def test_slow_drip_body_hits_the_total_deadline(httpserver: HTTPServer) -> None:
    def drip() -> Iterator[bytes]:
        for _ in range(30):
            time.sleep(0.05)
            yield "。".encode()

    httpserver.expect_request("/drip").respond_with_handler(lambda _: Response(drip()))
    async with Fetcher(
        allow="127.0.0.1", politeness_delay=0, read_timeout=1, total_timeout=0.4
    ) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/drip"))
    assert caught.value.kind == "network_timeout"


async def test_redirects_followed_and_final_url_reported(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("<p>移転しました</p>")
    response = await fetcher.fetch(httpserver.url_for("/old"))
    assert response.url == httpserver.url_for("/new")
    assert response.redirects == [httpserver.url_for("/old")]
    assert response.content.decode() == "<p>移転しました</p>"


async def test_redirect_loop(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/a"))
    assert caught.value.kind == "too_many_redirects"


async def test_more_than_five_redirects(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    for hop in range(7):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=307, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/r7").respond_with_data("到着")
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/r0"))
    assert caught.value.kind == "too_many_redirects"
    assert "/r6" not in _paths(httpserver)  # stopped after 5 redirects


async def test_redirect_to_metadata_address_is_blocked(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/go"))
    assert caught.value.kind == "blocked_address"
    assert "169.254.169.254" in caught.value.detail


async def test_redirect_to_non_http_scheme(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/file").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/file"))
    assert caught.value.kind == "invalid_url"


async def test_oversize_body_with_content_length(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big.pdf").respond_with_data(b"x" * 5000)
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, max_bytes=1000) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/big.pdf"))
    assert caught.value.kind == "response_too_large"


async def test_oversize_streamed_body_is_cut_off(httpserver: HTTPServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield "お知らせ".encode() * 100

    httpserver.expect_request("/stream").respond_with_handler(
        lambda _: Response(chunks(), content_type="text/html")  # chunked: no Content-Length
    )
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, max_bytes=10_000) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/stream"))
    assert caught.value.kind == "response_too_large"


async def test_connection_refused_is_network_error() -> None:
    async with Fetcher(allow="127.0.0.1", politeness_delay=0) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch("http://127.0.0.1:9/")  # discard port: nothing listens
    assert caught.value.kind == "network_error"


@pytest.mark.parametrize("url", ["ftp://city.example.jp/a.txt", "http:///nohost", "not a url"])
async def test_invalid_urls(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(url)
    assert caught.value.kind == "invalid_url"


async def test_robots_txt_fetched_once_and_obeyed(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    httpserver.expect_request("/public.html").respond_with_data("公開")
    httpserver.expect_request("/private/memo.html").respond_with_data("内部")
    assert (await fetcher.fetch(httpserver.url_for("/public.html"))).content.decode() == "公開"
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/private/memo.html"))
    assert caught.value.kind == "robots_disallowed"
    await fetcher.fetch(httpserver.url_for("/public.html"))
    assert _paths(httpserver).count("/robots.txt") == 1
    assert "/private/memo.html" not in _paths(httpserver)


async def test_missing_robots_txt_allows(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("Not Found", status=404)
    httpserver.expect_request("/index.html").respond_with_data("トップ")
    assert (await fetcher.fetch(httpserver.url_for("/index.html"))).content.decode() == "トップ"


async def test_politeness_delay_spaces_requests_to_one_host(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p").respond_with_data("ok")
    async with Fetcher(allow="127.0.0.1", politeness_delay=0.3) as fetcher:
        await fetcher.fetch(httpserver.url_for("/p"))
        start = time.monotonic()
        await fetcher.fetch(httpserver.url_for("/p"))
        await fetcher.fetch(httpserver.url_for("/p"))
    assert time.monotonic() - start >= 0.5


async def test_default_politeness_skips_loopback_and_timeout_shorthand(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/p").respond_with_data("ok")
    async with Fetcher(allow="127.0.0.1", timeout=3) as fetcher:
        assert fetcher.total_timeout == 3 and fetcher.timeout.read == 3
        start = time.monotonic()
        for _ in range(3):
            await fetcher.fetch(httpserver.url_for("/p"))
    assert time.monotonic() - start < 0.5  # the demo city on localhost is not throttled


async def test_per_host_concurrency_limit(httpserver: HTTPServer) -> None:
    active, peak = 0, 0
    lock = threading.Lock()

    def counted(_: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.1)
        with lock:
            active -= 1
        return Response("ok")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/page").respond_with_handler(counted)
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, per_host_concurrency=2) as fetcher:
        await asyncio.gather(*(fetcher.fetch(httpserver.url_for("/page")) for _ in range(6)))
    assert peak == 2


async def test_fetcher_requires_context_manager() -> None:
    with pytest.raises(RuntimeError):
        await Fetcher().fetch("http://city.example.jp/")


def test_crawl_error_survives_pickling() -> None:
    """Errors travel through job queues (arq pickles results)."""
    error = CrawlError("http_too_many_requests", "HTTP 429", status=429, retry_after=60)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.kind, copy.detail, copy.status, copy.retry_after) == (
        "http_too_many_requests",
        "HTTP 429",
        429,
        60,
    )
    assert str(copy) == "http_too_many_requests: HTTP 429"
