"""Editors correct categories and wards (shown at once, kept as labels) and hide articles."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from portal.db.models import Article, AuditLog
from portal.ingest.crawl import crawl_sources
from tests.portal.conftest import add_demo_sources
from tests.portal.editor_helpers import login_as


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_city):  # type: ignore[no-untyped-def]
    from portal.context import AppContext
    from portal.db.session import migrate
    from portal.settings import Settings
    from tests.portal.conftest import city_file

    tmp = tmp_path_factory.mktemp("corrections")
    ctx = AppContext.build(Settings(
        database_url=f"sqlite:///{tmp / 'c.sqlite3'}", crawl_allow="127.0.0.1",
        secret_key="test-secret-key-0123456789", city_path=city_file(tmp)))
    migrate(ctx.engine)
    add_demo_sources(ctx, demo_city)
    asyncio.run(crawl_sources(ctx, force=True))
    yield ctx
    ctx.engine.dispose()


def _feed_ids(client, categories: list[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    pid = client.post("/api/v1/profiles", json={"categories": categories}).json()["id"]
    items = client.get(f"/api/v1/profiles/{pid}/feed?limit=100").json()["items"]
    return {i["id"]: i for i in items}


def test_correction_shows_at_once_and_is_kept_as_a_label(crawled, client_for) -> None:
    ctx = crawled
    client = client_for(ctx)
    token = login_as(client, ctx, "koho", "editor")
    with ctx.sessions() as session:
        article = session.scalar(select(Article).where(Article.categories.is_not(None))
                                 .order_by(Article.id).limit(1))
        assert article is not None and "government" not in article.categories
        article_id = article.id
    ward = ctx.areas[2].slug
    response = client.post(f"/editor/articles/{article_id}", data={
        "csrf_token": token, "categories": ["government"], "areas": [ward]},
        follow_redirects=False)
    assert response.status_code == 303
    item = _feed_ids(client, ["government"]).get(str(article_id))
    assert item is not None and item["categories"] == ["government"] and item["areas"] == [ward]
    with ctx.sessions() as session:
        stored = session.get(Article, article_id)
        assert stored.corrected_categories == ["government"]
        assert stored.corrected_areas == [ward]
        entry = session.scalar(select(AuditLog).where(AuditLog.target == f"article:{article_id}"))
        assert entry is not None and entry.action == "article.correct"


def test_hidden_article_leaves_every_feed(crawled, client_for) -> None:
    ctx = crawled
    client = client_for(ctx)
    token = login_as(client, ctx, "koho", "editor")
    before = _feed_ids(client, ["waste"])
    victim = next(iter(before))
    client.post(f"/editor/articles/{victim}/hidden", data={"csrf_token": token, "hidden": "1"})
    assert victim not in _feed_ids(client, ["waste"])
    assert "非表示中" in client.get("/editor/articles").text
    client.post(f"/editor/articles/{victim}/hidden", data={"csrf_token": token, "hidden": "0"})
    assert victim in _feed_ids(client, ["waste"])


def test_viewer_cannot_correct(crawled, client_for) -> None:
    client = client_for(crawled)
    token = login_as(client, crawled, "watcher", "viewer")
    response = client.post("/editor/articles/1", data={"csrf_token": token,
                                                       "categories": ["tax"]})
    assert response.status_code == 403


def test_saving_an_untouched_form_stores_no_correction(crawled, client_for) -> None:
    ctx = crawled
    client = client_for(ctx)
    token = login_as(client, ctx, "koho", "editor")
    with ctx.sessions() as session:
        article = session.scalar(select(Article).where(Article.corrected_categories.is_(None))
                                 .order_by(Article.id.desc()).limit(1))
        categories, areas, article_id = list(article.categories), list(article.areas), article.id
    client.post(f"/editor/articles/{article_id}", data={
        "csrf_token": token, "categories": categories, "areas": areas})
    with ctx.sessions() as session:
        stored = session.get(Article, article_id)
        assert stored.corrected_categories is None and stored.corrected_areas is None
