"""The whole path: demo city over HTTP → crawl → SQL → profile → ranked feed + notice."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import func, select

from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.editorial.editors import create_editor
from portal.ingest.crawl import crawl_sources
from tests.portal.conftest import add_demo_sources

CHOSEN = ["childcare", "disaster"]


def _article_count(ctx) -> int:
    with session_scope(ctx.sessions) as session:
        return session.scalar(select(func.count(Article.id))) or 0


def _login(client, username: str, password: str) -> str:
    page = client.get("/editor/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/editor/login", data={
        "csrf_token": token, "username": username, "password": password,
    }, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/editor/"
    console = client.get("/editor/").text
    return re.search(r'name="csrf_token" value="([^"]+)"', console).group(1)  # type: ignore[union-attr]


def test_demo_city_end_to_end(database_url, demo_city, make_ctx, client_for) -> None:
    ctx = make_ctx(database_url)
    add_demo_sources(ctx, demo_city)

    report = asyncio.run(crawl_sources(ctx, force=True))
    assert report.failed == 0, report.errors
    assert report.new_articles >= 300
    stored = _article_count(ctx)

    # Republished notices are one article listing both departments.
    with session_scope(ctx.sessions) as session:
        merged = [a for a in session.scalars(select(Article)) if a.alt_urls]
        assert len(merged) >= 5
        assert all(len(a.departments) == 2 for a in merged)

    client = client_for(ctx)
    ward = ctx.areas[0].slug
    response = client.post("/api/v1/profiles", json={
        "categories": CHOSEN, "areas": [ward], "life_stages": [], "keywords": [],
        "language": "ja",
    })
    assert response.status_code == 201
    profile_id = response.json()["id"]
    assert len(profile_id) >= 22

    feed = client.get(f"/api/v1/profiles/{profile_id}/feed?limit=10").json()
    top = feed["items"]
    assert len(top) == 10
    on_topic = [i for i in top if set(i["categories"]) & set(CHOSEN)]
    # The top of the feed is made of the chosen categories; the rest are the resident's ward.
    assert len(on_topic) >= 8, [(i["title"], i["categories"]) for i in top]
    assert all(set(i["categories"]) & set(CHOSEN) or ward in i["areas"] for i in top)
    assert all(i["reason"] and i["department"] and i["published"] for i in top)
    assert len({i["department"] for i in top}) >= 2

    # An editor pins a notice for everyone: it comes first in every resident's feed.
    with session_scope(ctx.sessions) as session:
        create_editor(session, "koho", "correct-horse-battery", "editor")
    token = _login(client, "koho", "correct-horse-battery")
    response = client.post("/editor/notices", data={
        "csrf_token": token, "severity": "emergency", "title": "避難指示が発令されました",
        "body": "北部地域に避難指示。最寄りの避難所へ。",
    }, follow_redirects=False)
    assert response.status_code == 303
    other = client.post("/api/v1/profiles", json={"categories": ["culture"]}).json()["id"]
    for pid in (profile_id, other):
        notices = client.get(f"/api/v1/profiles/{pid}/feed").json()["notices"]
        assert notices[0]["title"] == "避難指示が発令されました"
        assert notices[0]["severity"] == "emergency"
    # And on the HTML feed page, above the articles.
    client.post("/profile", data={"categories": CHOSEN, "areas": [ward]})
    page = client.get("/feed").text
    assert page.index("避難指示が発令されました") < page.index('class="card"')

    # A second crawl adds nothing new (conditional GET and known URLs).
    again = asyncio.run(crawl_sources(ctx, force=True))
    assert again.failed == 0
    assert again.new_articles == 0
    assert _article_count(ctx) == stored


def test_broken_sources_store_errors_and_others_still_crawl(
    sqlite_url, demo_city, make_ctx
) -> None:
    ctx = make_ctx(sqlite_url, crawl_timeout_seconds=1.0)
    base = demo_city.base_url
    good = demo_city.sources[0]
    broken = {
        f"{base}/broken/500": "http_status",
        f"{base}/broken/garbage": "parse_error",
        f"{base}/broken/slow?seconds=4": "network_timeout",
    }
    from portal.ingest.sources import add_source

    with session_scope(ctx.sessions) as session:
        for url in broken:
            add_source(session, url, "壊れた課")
        add_source(session, good["url"], good["department"], kind=good.get("kind", "auto"),
                   rules=good.get("rules") or {})

    report = asyncio.run(crawl_sources(ctx, force=True))
    assert report.failed == 3
    assert report.new_articles > 0
    with session_scope(ctx.sessions) as session:
        for url, kind in broken.items():
            source = session.scalar(select(Source).where(Source.url == url))
            assert source is not None
            assert source.last_error_kind == kind, (url, source.last_error)
            assert source.last_error and source.consecutive_failures == 1
            assert source.next_fetch_at is not None
        healthy = session.scalar(select(Source).where(Source.url == good["url"]))
        assert healthy is not None and healthy.last_error is None and healthy.last_ok_at
