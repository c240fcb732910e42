"""The shared ranking candidates: a periodic refresh never holds up other residents, and a
new articles version is never answered with the old candidates."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.services.feed import CANDIDATES_TTL, CandidateStore
from tests.portal.resident_seed import seed_articles


def test_a_due_refresh_does_not_hold_up_other_readers(make_ctx, sqlite_url) -> None:
    ctx = make_ctx(sqlite_url)
    seed_articles(ctx)
    store, now = CandidateStore(), datetime.now(UTC)
    with ctx.sessions() as session:
        first = store.get(ctx, session, now)
    store._built_at -= CANDIDATES_TTL + 1  # the periodic refresh is due
    store._lock.acquire()  # ... and another request is doing it
    try:
        with ctx.sessions() as session:
            assert store.get(ctx, session, now) is first  # served at once, not queued
    finally:
        store._lock.release()
    with ctx.sessions() as session:
        assert store.get(ctx, session, now) is not first  # refreshed by the next request


def test_new_articles_are_never_ranked_from_the_old_candidates(make_ctx, sqlite_url) -> None:
    ctx = make_ctx(sqlite_url)
    ids = seed_articles(ctx)
    store, now = CandidateStore(), datetime.now(UTC)
    with ctx.sessions() as session:
        first = store.get(ctx, session, now)
    ctx.bump_articles_version()
    with ctx.sessions() as session:
        again = store.get(ctx, session, now)
    assert again is not first and len(again) == len(ids)
