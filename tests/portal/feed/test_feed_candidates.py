"""The shared ranking candidates: a periodic refresh never holds up other residents, and a
new articles version is never answered with the old candidates."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.db.models import Article, Profile
from portal.db.session import session_scope
from portal.feed.ranking import CANDIDATES_TTL, RANKED_DEPTH, CandidateStore, personal_feed
from portal.metrics import FEEDS_SERVED
from portal.residents.profiles import ProfileInput, create_profile
from tests.live_server import free_port
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


def test_with_redis_away_another_processs_ingest_is_still_seen(make_ctx, sqlite_url) -> None:
    """Redis configured but unreachable: the articles version reads the same "0" in every
    process, so only the table's fingerprint can tell that articles arrived."""
    ctx = make_ctx(sqlite_url, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    ids = seed_articles(ctx)
    store, now = CandidateStore(), datetime.now(UTC)
    with ctx.sessions() as session:
        first = store.get(ctx, session, now)
    with session_scope(ctx.sessions) as session:
        session.add(Article(url="https://city.example.jp/new.html", department="防災課",
                            title="新しいお知らせ", published=now, fetched_at=now))
    store._checked_at -= CANDIDATES_TTL + 1
    with ctx.sessions() as session:
        assert len(store.get(ctx, session, now)) == len(ids) + 1 != len(first)


def test_a_page_past_the_deepest_ranking_is_served_from_the_cache(make_ctx, sqlite_url) -> None:
    ctx = make_ctx(sqlite_url)
    now = datetime.now(UTC)
    with session_scope(ctx.sessions) as session:  # more articles than one ranking holds
        session.add_all(Article(
            url=f"https://city.example.jp/{i}.html", department="子育て支援課",
            title=f"子育て支援のお知らせ {i}", published=now, fetched_at=now,
            category_scores={"childcare": 0.9}, categories=["childcare"])
            for i in range(RANKED_DEPTH + 30))
    with session_scope(ctx.sessions) as session:
        profile_id = create_profile(session, ProfileInput(
            categories={"childcare": 1.0}, areas=[], life_stages=[], keywords=[])).id
    misses = FEEDS_SERVED.labels(cache="miss")
    with ctx.sessions() as session:
        profile = session.get(Profile, profile_id)
        personal_feed(ctx, session, profile, now=datetime.now(UTC), offset=RANKED_DEPTH + 20)
        before = misses._value.get()
        assert personal_feed(ctx, session, profile, now=datetime.now(UTC),
                             offset=RANKED_DEPTH + 20) == []
        assert misses._value.get() == before  # no new ranking for an empty page
