"""Feedback moves a resident's feed (Rocchio), hidden items never return, a reset forgets."""

from __future__ import annotations

import pytest

from portal.db.models import Article, utcnow
from portal.db.session import session_scope
from portal.feed.ranking import personal_feed
from portal.residents.profiles import (
    ProfileInput,
    add_feedback,
    create_profile,
    get_profile,
    reset_learning,
    update_profile,
)
from tests.portal.recommend_seed import add_article, add_corpus


@pytest.fixture(autouse=True)
def _models_in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where non-SQLite databases keep their scorer models


def _feed(ctx, profile_id: str, limit: int = 200) -> list[Article]:
    with session_scope(ctx.sessions) as session:
        profile = get_profile(session, profile_id)
        items = personal_feed(ctx, session, profile, now=utcnow(), limit=limit)
        return [item.article for item in items]


def _seeded(make_ctx, database_url):
    ctx = make_ctx(database_url)
    with session_scope(ctx.sessions) as session:
        articles = add_corpus(session, limit=90)
        ctx.scorers.score(ctx, session, articles)
        profile = create_profile(session, ProfileInput(
            categories={"culture": 1.0}, areas=[], life_stages=[], keywords=[]))
        profile_id = profile.id
    ctx.bump_articles_version()
    return ctx, profile_id


def _mean_rank(feed: list[Article], category: str) -> float:
    ranks = [i for i, a in enumerate(feed) if a.categories[:1] == [category]]
    return sum(ranks) / len(ranks)


def test_more_like_this_pulls_that_topic_up_and_reset_forgets_it(make_ctx, database_url):
    ctx, profile_id = _seeded(make_ctx, database_url)
    before = _feed(ctx, profile_id)
    waste = [a for a in before if a.categories[:1] == ["waste"]]
    with session_scope(ctx.sessions) as session:
        profile = get_profile(session, profile_id)
        for article in waste[-2:]:  # the resident asks for more of two garbage notices
            add_feedback(session, profile, article.id, "more")
    after = _feed(ctx, profile_id)
    assert _mean_rank(after, "waste") < _mean_rank(before, "waste") - 10
    assert after[0].categories[:1] == ["culture"]  # the stated interest still leads

    with session_scope(ctx.sessions) as session:
        reset_learning(session, get_profile(session, profile_id))
    assert [a.id for a in _feed(ctx, profile_id)] == [a.id for a in before]


def test_hidden_items_never_return_even_after_a_reset(make_ctx, database_url):
    ctx, profile_id = _seeded(make_ctx, database_url)
    top = _feed(ctx, profile_id, limit=3)
    with session_scope(ctx.sessions) as session:
        profile = get_profile(session, profile_id)
        for article in top:
            add_feedback(session, profile, article.id, "hide")
    hidden = {a.id for a in top}
    assert not hidden & {a.id for a in _feed(ctx, profile_id)}
    with session_scope(ctx.sessions) as session:
        reset_learning(session, get_profile(session, profile_id))
    assert not hidden & {a.id for a in _feed(ctx, profile_id)}


def test_a_keyword_no_article_has_yet_finds_the_first_one_that_does(make_ctx, database_url):
    ctx, profile_id = _seeded(make_ctx, database_url)
    with session_scope(ctx.sessions) as session:
        profile = get_profile(session, profile_id)
        update_profile(profile, ProfileInput(categories={"culture": 1.0}, areas=[],
                                             life_stages=[], keywords=["ドローン"]))
    assert not any("ドローン" in a.title for a in _feed(ctx, profile_id))
    with session_scope(ctx.sessions) as session:
        drone = add_article(session, "drone", "河川敷でのドローン飛行ルール",
                            "河川敷の公園でドローンを飛ばす際の届出とルールをまとめました。",
                            department="公園緑地課")
        ctx.scorers.score(ctx, session, [drone])
    ctx.bump_articles_version()
    with session_scope(ctx.sessions) as session:
        items = personal_feed(ctx, session, get_profile(session, profile_id), now=utcnow(),
                              limit=5)
    drone_item = next(i for i in items if i.article.title == "河川敷でのドローン飛行ルール")
    assert "「ドローン」を含むため" in drone_item.reason


def test_reset_learning_from_the_my_data_page(sqlite_url, make_ctx, client_for) -> None:
    from portal.db.models import Profile

    ctx = make_ctx(sqlite_url)
    client = client_for(ctx)
    client.post("/profile", data={"categories": ["tax"]}, follow_redirects=False)
    assert "学習をリセットする" in client.get("/my-data").text
    response = client.post("/my-data/reset-learning", follow_redirects=False)
    assert response.status_code == 303 and "done=reset" in response.headers["location"]
    assert "学習をリセットしました" in client.get(response.headers["location"]).text
    with ctx.sessions() as session:
        (profile,) = session.query(Profile).all()
        assert profile.learning_reset_at is not None
