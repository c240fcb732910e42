"""A source that answers but publishes nothing new for its quiet_after_days is "quiet", and
the console says so: a moved page keeps answering and looks healthy otherwise."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer

from portal.db.models import Source, utcnow
from portal.db.session import session_scope
from portal.i18n import t
from portal.ingest.crawl import crawl_sources
from portal.ingest.sources import add_source, health_of, load_sources_file
from tests.portal.editor_helpers import login_as

RSS = "application/rss+xml; charset=utf-8"
FEED = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        '<link>{base}/</link><item><title>ごみ収集のお知らせ</title><link>{base}/a.html</link>'
        '<pubDate>Mon, 06 Apr 2026 10:00:00 +0900</pubDate><description>収集日が変わります。'
        '</description></item></channel></rss>')


@pytest.fixture(autouse=True)
def site_without_robots_txt(httpserver: HTTPServer) -> None:
    httpserver.no_handler_status_code = 404


def _source(ctx, source_id: int) -> Source:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        return session.get(Source, source_id)  # type: ignore[return-value]


def _set(ctx, source_id: int, **values: object) -> None:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        source = session.get(Source, source_id)
        for name, value in values.items():
            setattr(source, name, value)


def test_quiet_after_its_days_without_new_articles(make_ctx, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    now = utcnow()
    with session_scope(ctx.sessions) as session:
        source = add_source(session, "https://city.example.jp/rss.xml", "環境課")
        source.last_ok_at = now
        source.last_new_at = now - timedelta(days=29)
        assert source.quiet_after_days == 30  # the default
        assert health_of(source, now).state == "ok"
        source.last_new_at = now - timedelta(days=31)
        assert health_of(source, now).state == "quiet"
        source.quiet_after_days = 45  # per source
        assert health_of(source, now).state == "ok"
        source.last_new_at = None  # never anything new: counted from when it was added
        source.created_at = now - timedelta(days=46)
        assert health_of(source, now).state == "quiet"
        source.consecutive_failures = 3  # not answering is worse than quiet
        assert health_of(source, now).state == "failing"


def test_a_crawl_with_new_articles_moves_last_new_and_one_without_does_not(
        make_ctx, database_url, httpserver: HTTPServer) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(database_url)
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/rss.xml").respond_with_data(FEED.format(base=base),
                                                            content_type=RSS)
    httpserver.expect_request("/a.html").respond_with_data(
        "<html><body><main><h1>ごみ収集</h1><p>収集日が変わります。</p></main></body></html>",
        content_type="text/html; charset=utf-8")
    with session_scope(ctx.sessions) as session:
        source_id = add_source(session, f"{base}/rss.xml", "環境課").id
    asyncio.run(crawl_sources(ctx, force=True))
    first = _source(ctx, source_id)
    assert first.last_new_at is not None and utcnow() - first.last_new_at < timedelta(minutes=1)
    long_ago = utcnow() - timedelta(days=40)
    _set(ctx, source_id, last_new_at=long_ago)
    report = asyncio.run(crawl_sources(ctx, force=True))  # answers, nothing new
    assert report.failed == 0 and report.new_articles == 0
    again = _source(ctx, source_id)
    assert abs(again.last_new_at - long_ago) < timedelta(seconds=1)
    assert health_of(again).state == "quiet"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_console_and_sources_page_flag_quiet_sources(make_ctx, client_for, sqlite_url,
                                                     lang) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    with session_scope(ctx.sessions) as session:
        quiet = add_source(session, "https://city.example.jp/moved.xml", "移転した課")
        lively = add_source(session, "https://city.example.jp/news.xml", "元気な課")
        quiet_id, lively_id = quiet.id, lively.id
    _set(ctx, quiet_id, last_ok_at=utcnow(), last_new_at=utcnow() - timedelta(days=60))
    _set(ctx, lively_id, last_ok_at=utcnow(), last_new_at=utcnow() - timedelta(days=1))
    client = client_for(ctx)
    login_as(client, ctx, "admin", "admin")
    console = client.get(f"/editor/?lang={lang}").text
    assert t("editor.quiet_sources", lang) in console
    section = console[console.index('id="quiet-sources"'):]
    assert "移転した課" in section and "元気な課" not in section
    page = client.get(f"/editor/sources?lang={lang}").text
    rows = {r.split("<code>")[1].split("</code>")[0].rsplit("/", 1)[1]: r
            for r in page.split("<tr>") if "<code>" in r}
    assert "state--quiet" in rows["moved.xml"] and t("state.quiet", lang) in rows["moved.xml"]
    assert "state--quiet" not in rows["news.xml"]


def test_sources_file_sets_quiet_days(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sources.toml"
    path.write_text('quiet_days = 60\n[[source]]\nurl = "https://a.jp/rss"\ndepartment = "a"\n'
                    '[[source]]\nurl = "https://b.jp/rss"\ndepartment = "b"\nquiet_days = 7\n',
                    encoding="utf-8")
    assert [c.quiet_after_days for c in load_sources_file(path)] == [60, 7]
