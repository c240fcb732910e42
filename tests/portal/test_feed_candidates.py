"""The shared ranking candidates: a periodic refresh never holds up other residents, and a
new articles version is never answered with the old candidates."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.db.models import Article
from portal.db.session import session_scope
from portal.services.feed import CANDIDATES_TTL, CandidateStore
from tests.portal.resident_seed import seed_articles


def test_a_due_refresh_does_not_hold_up_other_readers(make_ctx, sqlite_url) -> None:
    ctx = make_ctx(sqlite_url)
    seed_articles(ctx)
    store, now = CandidateStore(), datetime.now(UTC)
    with ctx.sessions() as session:
        first = store.get(ctx, session, now)
    store._checked_at -= CANDIDATES_TTL + 1  # the periodic check is due
    store._lock.acquire()  # ... and another request is doing it
    try:
        with ctx.sessions() as session:
            assert store.get(ctx, session, now) is first  # served at once, not queued
    finally:
        store._lock.release()
    with ctx.sessions() as session:
        assert store.get(ctx, session, now) is first  # checked: nothing changed, no rebuild


def test_another_processs_ingest_is_seen_without_a_shared_store(make_ctx, sqlite_url) -> None:
    """`mymachi crawl` beside an embedded `serve`: no Redis carries the articles version."""
    ctx = make_ctx(sqlite_url)
    ids = seed_articles(ctx)
    store, now = CandidateStore(), datetime.now(UTC)
    with ctx.sessions() as session:
        first = store.get(ctx, session, now)
    crawler = make_ctx(sqlite_url)  # another process: its own version counter
    with session_scope(crawler.sessions) as session:
        session.add(Article(url="https://city.example.jp/new.html", department="防災課",
                            title="新しいお知らせ", published=now, fetched_at=now))
    store._checked_at -= CANDIDATES_TTL + 1
    with ctx.sessions() as session:
        again = store.get(ctx, session, now)
    assert again is not first and len(again) == len(ids) + 1


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
