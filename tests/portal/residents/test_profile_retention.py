"""Anonymous profiles unseen for the retention period are erased with all their data
(on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.db.models import Feedback, Profile, TransferCode, utcnow
from portal.db.session import session_scope
from portal.runtime.jobs import erase_unseen
from tests.portal.resident_seed import seed_articles


def _profile_ids(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        return list(session.scalars(select(Profile.id).order_by(Profile.created_at)))


def _age(ctx, profile_id: str, days: int) -> None:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        profile = session.get(Profile, profile_id)
        profile.last_seen_at = utcnow() - timedelta(days=days)
        profile.updated_at = profile.last_seen_at


def test_profiles_unseen_for_the_retention_period_are_erased_with_their_data(
        make_ctx, client_for, database_url) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(database_url, profile_retention_days=30)
    ids = seed_articles(ctx)
    gone, kept = client_for(ctx), client_for(ctx)
    for client in (gone, kept):
        client.post("/profile", data={"categories": ["childcare"], "language": "ja"})
        client.post("/feed/feedback", data={"article_id": ids["hoikuen"], "kind": "save"})
    gone.post("/my-data/transfer")
    old_id, recent_id = _profile_ids(ctx)
    _age(ctx, old_id, 31)
    _age(ctx, recent_id, 29)

    assert erase_unseen(ctx) == 1
    assert _profile_ids(ctx) == [recent_id]
    with session_scope(ctx.sessions) as session:
        owners = set(session.scalars(select(Feedback.profile_id)))
        assert owners == {recent_id}
        assert session.scalar(select(func.count()).select_from(TransferCode)) == 0
    assert gone.get("/feed", follow_redirects=False).status_code == 303  # to onboarding
    assert kept.get("/saved").status_code == 200


def test_a_visit_counts_as_seen_but_writes_at_most_once_a_day(
        make_ctx, client_for, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url, profile_retention_days=30)
    seed_articles(ctx)
    client = client_for(ctx)
    client.post("/profile", data={"categories": ["childcare"], "language": "ja"})
    (profile_id,) = _profile_ids(ctx)
    _age(ctx, profile_id, 40)
    client.get("/feed")
    with session_scope(ctx.sessions) as session:
        first = session.get(Profile, profile_id)
        assert utcnow() - first.last_seen_at < timedelta(minutes=1)
        seen, version = first.last_seen_at, first.updated_at
    assert erase_unseen(ctx) == 0  # the visit saved it
    client.get("/feed")
    with session_scope(ctx.sessions) as session:
        again = session.get(Profile, profile_id)
        assert again.last_seen_at == seen  # the same day: no write
        assert again.updated_at == version  # seeing is no change: cached feeds stay valid


def test_the_default_retention_is_the_cookie_life(make_ctx, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    assert make_ctx(sqlite_url).settings.profile_retention_days == 400
