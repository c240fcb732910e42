"""What residents' feed pages share in this process (rendered cards), and what they never
share: another resident's feedback, or a card that no longer matches its article."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.app import create_app
from portal.db.models import Article, Notice, utcnow
from portal.editorial.notices import NoticesSnapshot
from portal.feed.cards import CardCache
from portal.metrics import FEEDS_SERVED
from tests.portal.conftest import crawled_demo_city
from tests.portal.editor_helpers import login_as

INTERESTS = {"categories": ["childcare", "health"], "language": "ja"}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_city):  # type: ignore[no-untyped-def]
    ctx = crawled_demo_city(tmp_path_factory.mktemp("sharing"), demo_city, "sharing")
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def app(crawled):  # type: ignore[no-untyped-def]
    crawled.cards = CardCache()  # the app of each test starts with no card rendered
    return create_app(crawled.settings, crawled, run_scheduler=False)


def _resident(app, interests=INTERESTS) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert client.post("/profile", data=interests).status_code == 200
    return client


def _feed_list(html: str) -> str:
    match = re.search(r'<ol class="feed".*?</ol>', html, re.S)
    assert match, "the page has a feed list"
    return match.group(0)


def _card(html: str, article_id: str) -> str:
    match = re.search(rf'<li class="card" id="article-{article_id}">.*?</li>\s*(?=<li|$)',
                      _feed_list(html), re.S)
    assert match, f"card {article_id} on the page"
    return match.group(0)


def test_a_page_built_from_shared_cards_is_the_page_a_render_gives(app) -> None:
    first = _resident(app).get("/feed").text  # renders its cards and keeps them
    assert len(app.state.ctx.cards) >= 20
    second = _resident(app).get("/feed").text  # the same interests: cards from the cache
    app.state.ctx.cards = CardCache()  # a process that has rendered nothing yet
    third = _resident(app).get("/feed").text

    assert _feed_list(second) == _feed_list(third) == _feed_list(first)
    assert len(re.findall(r'<li class="card"', _feed_list(second))) == 20


def test_one_residents_feedback_never_shows_on_anothers_card(app) -> None:
    saver, other = _resident(app), _resident(app)
    page = saver.get("/feed").text
    article_id = re.findall(r'<li class="card" id="article-(\d+)"', page)[0]
    assert saver.post("/feed/feedback", data={"article_id": article_id, "kind": "save"},
                      follow_redirects=False).status_code == 303

    mine = _card(saver.get("/feed").text, article_id)
    theirs = _card(other.get("/feed").text, article_id)

    assert f'id="fb-{article_id}-save" aria-pressed="true"' in mine
    assert f'id="fb-{article_id}-save" aria-pressed="false"' in theirs


def test_an_edited_article_gets_a_new_card(app, crawled) -> None:
    resident = _resident(app)
    article_id = re.findall(r'<li class="card" id="article-(\d+)"',
                            resident.get("/feed").text)[0]
    with crawled.sessions() as session:
        article = session.scalars(select(Article).where(Article.id == int(article_id))).one()
        article.title = "【訂正】" + article.title
        session.commit()
    crawled.bump_articles_version()  # what an ingest or an editor's change does

    assert "【訂正】" in _card(_resident(app).get("/feed").text, article_id)


def _served(cache: str) -> float:
    return FEEDS_SERVED.labels(cache=cache)._value.get()


def test_a_first_visit_finds_the_ranking_of_residents_with_the_same_interests(app) -> None:
    interests = {"categories": ["disaster", "waste"], "areas": [], "language": "ja"}
    first = _resident(app, interests)
    first_page = _feed_list(first.get("/feed").text)
    hits, misses = _served("hit"), _served("miss")

    second_page = _feed_list(_resident(app, interests).get("/feed").text)

    assert (_served("hit"), _served("miss")) == (hits + 1, misses), "ranked once, not twice"
    assert second_page == first_page
    other = _resident(app, {"categories": ["culture"], "language": "ja"}).get("/feed").text
    assert _served("miss") == misses + 1 and _feed_list(other) != first_page


def test_feedback_gives_a_resident_their_own_ranking(app) -> None:
    interests = {"categories": ["tax"], "language": "ja"}
    hider, neighbour = _resident(app, interests), _resident(app, interests)
    first_id = re.findall(r'<li class="card" id="article-(\d+)"', hider.get("/feed").text)[0]

    hider.post("/feed/feedback", data={"article_id": first_id, "kind": "hide"})

    assert f'id="article-{first_id}"' not in hider.get("/feed").text
    assert f'id="article-{first_id}"' in neighbour.get("/feed").text


def test_a_notice_change_shows_on_the_next_page_at_once(
    database_url, make_ctx, client_for
) -> None:
    ctx = make_ctx(database_url)
    client = client_for(ctx)
    assert client.post("/profile", data={"categories": ["disaster"]}).status_code == 200
    assert "避難指示" not in client.get("/feed").text  # the page's notices are now read
    token = login_as(client, ctx, "koho", "editor")

    client.post("/editor/notices", data={"csrf_token": token, "severity": "emergency",
                                         "title": "避難指示が発令されました"})
    assert "避難指示が発令されました" in client.get("/feed").text
    with ctx.sessions() as session:
        notice_id = session.scalars(select(Notice.id)).one()
    client.post(f"/editor/notices/{notice_id}/cancel", data={"csrf_token": token})
    assert "避難指示が発令されました" not in client.get("/feed").text


def test_a_scheduled_notice_starts_on_shared_pages_without_a_new_read(database_url,
                                                                      make_ctx) -> None:
    ctx = make_ctx(database_url)
    now = utcnow()
    with ctx.sessions() as session:
        session.add(Notice(state="published", severity="warning", title="計画停電",
                           body="", scope_categories=[], scope_areas=[],
                           starts_at=now + timedelta(hours=1),
                           ends_at=now + timedelta(hours=2)))
        session.commit()
        shared = NoticesSnapshot(ctx.live, ctx.sessions)
        reads = []
        original = shared._read
        shared._read = lambda *args: reads.append(1) or original(*args)  # type: ignore[method-assign]
        assert shared.active(session, now) == []
        later = [n.title for n in shared.active(session, now + timedelta(minutes=61))]
        ended = shared.active(session, now + timedelta(hours=3))
    assert later == ["計画停電"] and ended == []
    assert len(reads) == 1
