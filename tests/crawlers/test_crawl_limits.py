"""What a hostile or broken server cannot do to the crawler: compression bombs, cut-off
downloads, endless answers, and robots.txt that errs (RFC 9309)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator

import brotli
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from crawlers import CrawlError, Fetcher, SiteMemory

PAGE = "<html><body><p>令和6年度の予防接種のお知らせです。</p></body></html>".encode()


def _paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


@pytest.mark.parametrize(
    ("encoding", "packed"),
    [
        ("gzip", gzip.compress(PAGE)),
        ("deflate", zlib.compress(PAGE)),  # zlib-wrapped, as the RFC says
        ("deflate", zlib.compress(PAGE)[2:-4]),  # raw deflate, as some servers send it
        ("br", brotli.compress(PAGE)),
    ],
)
async def test_compressed_answers_are_decoded(
    httpserver: HTTPServer, fetcher: Fetcher, encoding: str, packed: bytes
) -> None:
    httpserver.expect_request("/page.html").respond_with_data(
        packed, content_type="text/html; charset=utf-8", headers={"Content-Encoding": encoding}
    )
    response = await fetcher.fetch(httpserver.url_for("/page.html"))
    assert response.content == PAGE
    request = next(req for req, _ in httpserver.log if req.path == "/page.html")
    assert "br" in request.headers["Accept-Encoding"]


async def test_truncated_gzip_is_an_error_not_half_a_page(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    packed = gzip.compress(PAGE * 50)
    httpserver.expect_request("/cut.html").respond_with_data(
        packed[: len(packed) // 2], content_type="text/html",
        headers={"Content-Encoding": "gzip"},
    )
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/cut.html"))
    assert caught.value.kind == "network_error"
    assert "cut off" in caught.value.detail


def _bomb(encoding: str) -> bytes:
    zeros = b"\0" * (50 * 1024 * 1024)
    if encoding == "gzip":
        return gzip.compress(zeros, compresslevel=1)
    return brotli.compress(zeros, quality=1)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
async def test_compression_bomb_is_cut_off_at_the_size_limit(
    httpserver: HTTPServer, encoding: str
) -> None:
    bomb = _bomb(encoding)
    assert len(bomb) < 300_000  # a small download that unpacks to 50 MB
    httpserver.expect_request("/bomb.html").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": encoding}
    )
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, max_bytes=1_000_000) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/bomb.html"))
    assert caught.value.kind == "response_too_large"
    assert "compression bomb" in caught.value.detail


async def test_endless_answer_is_cut_off(httpserver: HTTPServer) -> None:
    def forever() -> Iterator[bytes]:
        while True:
            yield b"<p>" + "終わらない".encode() * 1000 + b"</p>"

    httpserver.expect_request("/endless").respond_with_handler(
        lambda _: Response(forever(), content_type="text/html")
    )
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, max_bytes=500_000) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/endless"))
    assert caught.value.kind == "response_too_large"


async def test_robots_txt_answering_5xx_disallows_the_site(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("Service Unavailable", status=503)
    httpserver.expect_request("/news.xml").respond_with_data("<rss/>")
    memory = SiteMemory()
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, memory=memory) as fetcher:
        for _ in range(2):
            with pytest.raises(CrawlError) as caught:
                await fetcher.fetch(httpserver.url_for("/news.xml"))
            assert caught.value.kind == "robots_unavailable"
            assert "robots.txt answered HTTP 503" in caught.value.detail
            assert caught.value.retry_after is not None and caught.value.retry_after > 0
    # A later crawl (another Fetcher, same memory) does not ask again before the retry time.
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, memory=memory) as fetcher:
        with pytest.raises(CrawlError):
            await fetcher.fetch(httpserver.url_for("/news.xml"))
    assert _paths(httpserver) == ["/robots.txt"]


async def test_robots_txt_429_also_disallows(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("slow down", status=429)
    with pytest.raises(CrawlError) as caught:
        await fetcher.fetch(httpserver.url_for("/index.html"))
    assert caught.value.kind == "robots_unavailable"


@pytest.mark.parametrize("status", [401, 403, 404, 410])
async def test_robots_txt_answering_4xx_allows_crawling(
    httpserver: HTTPServer, fetcher: Fetcher, status: int
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("no", status=status)
    httpserver.expect_request("/index.html").respond_with_data("トップ")
    assert (await fetcher.fetch(httpserver.url_for("/index.html"))).content.decode() == "トップ"


async def test_recent_good_robots_txt_is_kept_while_the_site_errs(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    httpserver.expect_request("/public.html").respond_with_data("公開")
    memory = SiteMemory()
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, memory=memory) as fetcher:
        await fetcher.fetch(httpserver.url_for("/public.html"))
    site = httpserver.url_for("/").rstrip("/")
    state = memory.robots(site)
    assert state is not None
    state.expires = 0  # time to read it again …
    httpserver.clear()
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=500)
    httpserver.expect_request("/public.html").respond_with_data("公開")
    async with Fetcher(allow="127.0.0.1", politeness_delay=0, memory=memory) as fetcher:
        # … but it errs: the copy read a moment ago still applies (RFC 9309, 2.4).
        assert (await fetcher.fetch(httpserver.url_for("/public.html"))).content.decode() == "公開"
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch(httpserver.url_for("/private/x.html"))
    assert caught.value.kind == "robots_disallowed"


async def test_unreachable_site_reports_the_network_error() -> None:
    async with Fetcher(allow="127.0.0.1", politeness_delay=0) as fetcher:
        with pytest.raises(CrawlError) as caught:
            await fetcher.fetch("http://127.0.0.1:9/news.xml")  # nothing listens on port 9
    assert caught.value.kind == "network_error"
    assert "could not connect" in caught.value.detail
