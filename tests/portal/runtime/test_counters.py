"""Counting residents, not page loads: the memory and Redis counters pass the same contract
(Redis against the real server). Each (visitor, article, kind) counts once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import func, select

from portal.context import AppContext
from portal.db.models import Article, ReadCounter
from portal.runtime.counters import (
    COUNT_ONCE_LUA,
    Counters,
    MemoryCounters,
    RedisCounters,
    counter_field,
)
from tests.live_server import free_port

AT = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)  # 10:30 in Japan


@pytest.fixture(params=["memory", "redis"])
def counters(request: pytest.FixtureRequest) -> Counters:
    if request.param == "memory":
        return MemoryCounters()
    return RedisCounters(request.getfixturevalue("redis_url"))


@pytest.fixture
def store(sqlite_url, make_ctx) -> tuple[AppContext, list[int]]:  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    with ctx.sessions() as session:
        articles = [Article(url=f"https://city.example/news/{i}", department="広報課",
                            departments=["広報課"], title=f"お知らせ{i}") for i in range(2)]
        session.add_all(articles)
        session.commit()
        return ctx, [a.id for a in articles]


def _counts(ctx: AppContext) -> dict[tuple[str, int, str], int]:
    with ctx.sessions() as session:
        rows = session.execute(
            select(ReadCounter.day, ReadCounter.article_id, ReadCounter.kind,
                   func.sum(ReadCounter.count))
            .group_by(ReadCounter.day, ReadCounter.article_id, ReadCounter.kind)).all()
    return {(day, aid, kind): int(n) for day, aid, kind, n in rows}


def _feed(article_ids: list[int], at: datetime = AT) -> list[str]:
    return [counter_field(aid, "impression", "chuo", at) for aid in article_ids]


def test_one_visitor_loading_a_feed_100_times_counts_once(counters, store) -> None:
    ctx, ids = store
    for minute in range(100):
        counters.add_once("resident-a", _feed(ids, AT + timedelta(minutes=minute)))
    counters.flush(ctx.engine)
    assert _counts(ctx) == {("2026-11-26", ids[0], "impression"): 1,
                            ("2026-11-26", ids[1], "impression"): 1}


def test_two_visitors_count_two_and_kinds_count_apart(counters, store) -> None:
    ctx, ids = store
    for _ in range(3):
        counters.add_once("resident-a", _feed(ids[:1]))
        counters.add_once("resident-b", _feed(ids[:1]))
    counters.add_once("resident-a", [counter_field(ids[0], "open", "chuo", AT)] * 2)
    counters.flush(ctx.engine)
    assert _counts(ctx) == {("2026-11-26", ids[0], "impression"): 2,
                            ("2026-11-26", ids[0], "open"): 1}


def test_the_next_day_counts_again(counters, store) -> None:
    ctx, ids = store
    counters.add_once("resident-a", _feed(ids[:1]))
    counters.flush(ctx.engine)  # a flush does not forget who was counted today
    counters.add_once("resident-a", _feed(ids[:1]))
    counters.add_once("resident-a", _feed(ids[:1], AT + timedelta(days=1)))
    counters.add_once("resident-a", _feed(ids[:1], AT + timedelta(days=1)))
    counters.flush(ctx.engine)
    assert _counts(ctx) == {("2026-11-26", ids[0], "impression"): 1,
                            ("2026-11-27", ids[0], "impression"): 1}


def test_plain_add_still_counts_every_event(counters, store) -> None:
    ctx, ids = store
    counters.add(_feed(ids[:1]) * 3)
    counters.flush(ctx.engine)
    assert _counts(ctx) == {("2026-11-26", ids[0], "impression"): 3}


def test_two_web_processes_count_a_resident_once(redis_url, store) -> None:
    ctx, ids = store
    first, second = RedisCounters(redis_url), RedisCounters(redis_url)
    first.add_once("resident-a", _feed(ids))
    second.add_once("resident-a", _feed(ids))
    first.flush(ctx.engine)
    assert sum(_counts(ctx).values()) == 2


def test_redis_keeps_no_profile_id_and_forgets_the_day(redis_url) -> None:
    RedisCounters(redis_url).add_once("resident-secret-id", _feed([7]))
    client = redis.Redis.from_url(redis_url)
    (seen,) = [k for k in client.scan_iter("mymachi:counters:seen:*")]
    members = client.smembers(seen)
    assert members and not any(b"resident-secret-id" in m for m in members)
    assert 0 < client.ttl(seen) <= 2 * 86_400


def test_while_redis_is_away_a_visitor_is_still_counted_once(redis_url, store) -> None:
    """Counted in the process meanwhile, handed over through the same once-only script: a
    resident Redis had already counted today is not counted again when it is back."""
    ctx, ids = store
    RedisCounters(redis_url).add_once("resident-a", _feed(ids[:1]))  # another process
    counters = RedisCounters(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    for _ in range(5):
        counters.add_once("resident-a", _feed(ids))
    assert sum(map(len, counters._held_once.values())) == 2
    # Redis is back (here: this process reaches the real server from now on).
    counters._client = redis.Redis.from_url(redis_url)
    counters._count_once = counters._client.register_script(COUNT_ONCE_LUA)
    counters._retry_at = 0.0
    counters.add_once("resident-a", _feed(ids))
    counters.flush(ctx.engine)
    assert _counts(ctx) == {("2026-11-26", ids[0], "impression"): 1,
                            ("2026-11-26", ids[1], "impression"): 1}
