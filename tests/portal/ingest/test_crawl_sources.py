"""Crawling sources into SQL: pages that failed are read again later, updated pages are
updated (first-seen kept), unchanged ones are not fetched, and every source shows its health."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select, update
from typer.testing import CliRunner
from werkzeug import Request, Response

from portal.cli import app
from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.ingest.crawl import crawl_sources
from portal.ingest.sources import (
    SourcesFileError,
    add_source,
    health_of,
    load_sources_file,
    record_outcome,
)

RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@pytest.fixture(autouse=True)
def site_without_robots_txt(httpserver: HTTPServer) -> None:
    httpserver.no_handler_status_code = 404  # no robots.txt: crawl freely


def _feed(base: str, items: list[tuple[str, str, str]], stamp: int = 0) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<pubDate>Mon, 0{i + 1} Apr 2026 10:00:00 +0900</pubDate>"
        f"<description>{summary}</description></item>"
        for i, (title, path, summary) in enumerate(items)
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>子育て支援課</title><link>{base}/</link>{entries}</channel></rss>")


def _page(title: str, body: str) -> str:
    return (f'<html><head><title>{title}</title></head><body><nav>メニュー</nav>'
            f'<div id="tmp_contents"><h1>{title}</h1><p>{body}</p></div></body></html>')


def _add(ctx, url: str, department: str = "子育て支援課", kind: str = "auto") -> int:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        return add_source(session, url, department, kind=kind).id


def _article(ctx, suffix: str) -> Article:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        found = session.scalar(select(Article).where(Article.url.like(f"%{suffix}")))
        assert found is not None
        return found


def _source(ctx, source_id: int) -> Source:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        found = session.get(Source, source_id)
        assert found is not None
        return found


def test_failed_page_is_read_again_later_and_keeps_its_first_seen_time(
    sqlite_url, make_ctx, httpserver: HTTPServer
) -> None:
    ctx = make_ctx(sqlite_url)
    base = httpserver.url_for("").rstrip("/")
    page_up = {"value": False}

    def page(_: Request) -> Response:
        if not page_up["value"]:
            return Response("down for maintenance", status=503)
        return Response(_page("予防接種のお知らせ", "接種は5月18日に行います。"), content_type=HTML)

    httpserver.expect_request("/rss.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)
    httpserver.expect_request("/rss.xml").respond_with_data(
        _feed(base, [("予防接種のお知らせ", "/yobou.html", "予防接種の概要")]), content_type=RSS,
        headers={"ETag": '"v1"'})
    httpserver.expect_request("/yobou.html").respond_with_handler(page)
    source_id = _add(ctx, f"{base}/rss.xml")

    first = asyncio.run(crawl_sources(ctx, force=True))
    assert (first.new_articles, first.page_errors) == (1, 1)
    stored = _article(ctx, "/yobou.html")
    assert stored.body_text == "予防接種の概要"  # the resident reads the feed's text meanwhile
    assert stored.page_error == "http_status" and stored.page_retry_at is not None
    health = health_of(_source(ctx, source_id))
    assert health.state == "degraded" and "1 linked page could not be read" in health.detail

    page_up["value"] = True
    with session_scope(ctx.sessions) as session:  # the retry time has come
        session.execute(update(Article).values(page_retry_at=datetime.now(UTC)))
    second = asyncio.run(crawl_sources(ctx, force=True))
    assert second.not_modified == 1  # the feed did not change …
    assert second.updated_articles == 1  # … but the page was read again
    again = _article(ctx, "/yobou.html")
    assert again.body_text == "接種は5月18日に行います。" and again.page_error is None
    assert again.fetched_at == stored.fetched_at  # first seen stays first seen
    assert health_of(_source(ctx, source_id)).state == "ok"


def test_changed_entries_are_read_again_and_unchanged_pages_are_not(
    database_url, make_ctx, httpserver: HTTPServer
) -> None:
    ctx = make_ctx(database_url)
    base = httpserver.url_for("").rstrip("/")
    version = {"n": 1}
    pages = {"/a.html": "一つ目のお知らせ本文です。", "/b.html": "二つ目のお知らせ本文です。"}

    def feed(_: Request) -> Response:
        summary = "Aの概要" if version["n"] == 1 else "Aの概要(日程を変更しました)"
        items = [("お知らせA", "/a.html", summary), ("お知らせB", "/b.html", "Bの概要")]
        return Response(_feed(base, items), content_type=RSS)

    httpserver.expect_request("/rss.xml").respond_with_handler(feed)
    for path in pages:
        httpserver.expect_request(path).respond_with_handler(
            lambda request: Response(_page("お知らせ", pages[request.path]), content_type=HTML))
    _add(ctx, f"{base}/rss.xml")
    assert asyncio.run(crawl_sources(ctx, force=True)).new_articles == 2
    first_a = _article(ctx, "/a.html")

    version["n"] = 2
    pages["/a.html"] = "日程を変更しました。6月1日に行います。"
    httpserver.clear_log()
    report = asyncio.run(crawl_sources(ctx, force=True))
    assert (report.new_articles, report.updated_articles) == (0, 1)
    requested = [request.path for request, _ in httpserver.log]
    assert "/a.html" in requested and "/b.html" not in requested
    updated_a = _article(ctx, "/a.html")
    assert updated_a.body_text == "日程を変更しました。6月1日に行います。"
    assert updated_a.fetched_at == first_a.fetched_at and updated_a.id == first_a.id


def test_retry_after_and_plain_words_on_a_rate_limited_source(
    sqlite_url, make_ctx, httpserver: HTTPServer
) -> None:
    ctx = make_ctx(sqlite_url)
    httpserver.expect_request("/busy.xml").respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "7200"})
    source_id = _add(ctx, httpserver.url_for("/busy.xml"))
    before = datetime.now(UTC)
    report = asyncio.run(crawl_sources(ctx, force=True))
    assert report.failed == 1
    source = _source(ctx, source_id)
    assert source.last_error_kind == "http_too_many_requests"
    assert source.last_error and "come back in 7200 s" in source.last_error
    assert source.next_fetch_at is not None
    assert source.next_fetch_at >= before + timedelta(seconds=7190)  # not the 15-min backoff
    assert health_of(source).state == "degraded"


def test_robots_txt_answering_503_keeps_the_crawler_away(
    sqlite_url, make_ctx, httpserver: HTTPServer
) -> None:
    ctx = make_ctx(sqlite_url)
    httpserver.expect_request("/robots.txt").respond_with_data("busy", status=503)
    source_id = _add(ctx, httpserver.url_for("/news.xml"))
    asyncio.run(crawl_sources(ctx, force=True))
    source = _source(ctx, source_id)
    assert source.last_error_kind == "robots_unavailable"
    assert source.last_error and "robots.txt answered HTTP 503" in source.last_error
    assert [request.path for request, _ in httpserver.log] == ["/robots.txt"]


def test_discovered_feed_is_remembered(sqlite_url, make_ctx, httpserver: HTTPServer) -> None:
    ctx = make_ctx(sqlite_url)
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/kosodate/").respond_with_data(
        '<html><head><link rel="alternate" type="application/atom+xml" href="atom.xml">'
        "</head><body>子育て支援課のページ</body></html>", content_type=HTML)
    httpserver.expect_request("/kosodate/atom.xml", headers={"If-None-Match": '"a1"'}
                              ).respond_with_data("", status=304)
    httpserver.expect_request("/kosodate/atom.xml").respond_with_data(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>子育て</title><entry><title>児童手当</title><link href="{base}/t.html"/>'
        "<updated>2026-04-01T10:00:00+09:00</updated><summary>現況届</summary></entry></feed>",
        content_type="application/atom+xml", headers={"ETag": '"a1"'})
    source_id = _add(ctx, f"{base}/kosodate/", kind="discover")
    assert asyncio.run(crawl_sources(ctx, force=True)).new_articles == 1
    assert _source(ctx, source_id).feed_url == f"{base}/kosodate/atom.xml"
    httpserver.clear_log()
    assert asyncio.run(crawl_sources(ctx, force=True)).not_modified == 1
    assert [request.path for request, _ in httpserver.log] == ["/kosodate/atom.xml"]


def test_health_states_and_poll_jitter() -> None:
    from crawlers import CrawlError, CrawlOutcome

    now = datetime(2026, 11, 26, tzinfo=UTC)
    source = Source(url="http://x/", department="総務課", poll_interval_seconds=900,
                    consecutive_failures=0, paused=False)
    assert health_of(source).state == "new"
    record_outcome(source, CrawlOutcome(source_url="http://x/"), now)
    assert health_of(source).state == "ok"
    error = CrawlError("http_status", "http://x/: HTTP 500, the server had an internal error",
                       status=500)
    for failures, state in [(1, "degraded"), (2, "degraded"), (3, "failing")]:
        record_outcome(source, CrawlOutcome(source_url="http://x/", error=error), now)
        assert (source.consecutive_failures, health_of(source).state) == (failures, state)
        assert health_of(source).detail == error.detail  # plain words, no kind prefix
    assert source.next_fetch_at == now + timedelta(seconds=900 * 4)  # exponential backoff
    source.paused = True
    assert health_of(source).state == "paused"

    nexts = set()
    for _ in range(20):
        fresh = Source(url="http://y/", department="d", poll_interval_seconds=900,
                       consecutive_failures=0)
        record_outcome(fresh, CrawlOutcome(source_url="http://y/"), now)
        assert fresh.next_fetch_at is not None
        assert timedelta(seconds=810) <= fresh.next_fetch_at - now <= timedelta(seconds=990)
        nexts.add(fresh.next_fetch_at)
    assert len(nexts) > 1  # jitter: sources added together do not fire together


SOURCES_TOML = """
poll_interval = 1200
[[source]]
url = "https://city.example.jp/kosodate/rss.xml"
department = "子育て支援課"
kind = "rss"
[[source]]
url = "https://city.example.jp/shimin/news.html"
department = "市民課"
kind = "html"
poll_interval = 3600
[source.rules]
item = "ul.news li"
date = ".date"
"""


def test_sources_file_import(sqlite_url, tmp_path, monkeypatch) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES_TOML, encoding="utf-8")
    monkeypatch.setenv("MYMACHI_DATABASE_URL", sqlite_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["source", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 sources added, 0 updated" in result.output
    result = runner.invoke(app, ["source", "import", str(path)])
    assert "0 sources added, 2 updated" in result.output

    configs = load_sources_file(path)
    assert [(c.kind, c.poll_interval_seconds) for c in configs] == [("rss", 1200), ("html", 3600)]
    assert configs[1].rules == {"item": "ul.news li", "date": ".date"}

    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nurl = "https://x.jp/"\ndepartment = "d"\nkind = "html"\n',
                   encoding="utf-8")
    with pytest.raises(SourcesFileError, match=r"source #1 \(https://x.jp/\): kind html needs"):
        load_sources_file(bad)
    result = runner.invoke(app, ["source", "import", str(bad)])
    assert result.exit_code == 1 and "kind html needs rules.item" in result.output
