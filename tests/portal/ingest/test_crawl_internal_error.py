"""A bug inside a crawl (an unexpected exception, not the site's doing) is stored as
internal_error: editors read a translated message, never a Python repr; the traceback goes to
the log; the other sources still crawl."""

from __future__ import annotations

import asyncio
import html
import logging

import pytest
from sqlalchemy import select

import crawlers.listing
from portal.db.models import Source
from portal.db.session import session_scope
from portal.i18n import t
from portal.ingest.crawl import crawl_sources
from portal.ingest.sources import health_of
from tests.portal.conftest import add_demo_sources
from tests.portal.editor_helpers import login_as

BUG = "boom-in-the-parser"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_parser_bug_shows_editors_a_translated_message_not_a_repr(
        make_ctx, sqlite_url, demo_city, client_for, monkeypatch, caplog, lang) -> None:
    ctx = make_ctx(sqlite_url)
    add_demo_sources(ctx, demo_city)
    broken = demo_city.sources[0]["url"]
    parse_feed = crawlers.listing.parse_feed

    def buggy(content: bytes, base_url: str, **kwargs: object) -> object:
        if base_url == broken:
            raise KeyError(BUG)
        return parse_feed(content, base_url=base_url, **kwargs)

    monkeypatch.setattr(crawlers.listing, "parse_feed", buggy)
    with caplog.at_level(logging.ERROR):
        report = asyncio.run(crawl_sources(ctx, force=True))

    assert report.failed == 1 and report.new_articles > 0  # the other sources still crawled
    assert BUG in caplog.text and "Traceback" in caplog.text  # the traceback is in the log
    with session_scope(ctx.sessions) as session:
        source = session.scalars(select(Source).where(Source.url == broken)).one()
        assert source.last_error_kind == "internal_error"
        assert BUG not in health_of(source).detail and "KeyError" not in health_of(source).detail
        others = session.scalars(select(Source).where(Source.url != broken)).all()
        assert all(s.last_error_kind is None and s.last_ok_at for s in others)

    client = client_for(ctx)
    client.cookies.set("mymachi_lang", lang)
    login_as(client, ctx, "admin", "admin")
    page = client.get("/editor/sources").text
    message = t("crawl_error.internal_error", lang)
    assert message != "crawl_error.internal_error" and html.escape(message) in page
    assert BUG not in page and "KeyError" not in page
