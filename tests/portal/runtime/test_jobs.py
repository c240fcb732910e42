"""Crawl jobs through arq on the real Redis: the scheduler enqueues once, a worker stores."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import redis
from sqlalchemy import func, select

from portal.db.models import Article
from portal.db.session import session_scope
from portal.runtime.jobs import (
    QUEUE_NAME,
    cron_times,
    enqueue_crawl,
    make_scheduler,
    make_worker,
    start_embedded_scheduler,
)
from portal.settings import Settings
from tests.portal.conftest import add_demo_sources


def test_worker_crawls_enqueued_job_once(sqlite_url, redis_url, demo_city, make_ctx) -> None:
    ctx = make_ctx(sqlite_url, redis_url=redis_url)
    add_demo_sources(ctx, demo_city)

    async def scenario() -> None:
        # Two schedulers in the same tick enqueue one job.
        assert await enqueue_crawl(ctx.settings, tick=42) is True
        assert await enqueue_crawl(ctx.settings, tick=42) is False
        worker = make_worker(ctx.settings, burst=True, ctx=ctx)
        await worker.main()
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0
        await worker.close()

    asyncio.run(scenario())
    with session_scope(ctx.sessions) as session:
        assert (session.scalar(select(func.count(Article.id))) or 0) >= 300
    assert ctx.cache.backend == "redis" and int(ctx.articles_version()) >= 1


def _count(ctx) -> int:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        return session.scalar(select(func.count(Article.id))) or 0


def test_embedded_scheduler_crawls_without_redis(sqlite_url, demo_city, make_ctx) -> None:
    ctx = make_ctx(sqlite_url)
    assert ctx.cache.backend == "memory"
    add_demo_sources(ctx, demo_city)

    async def scenario() -> int:
        stop = start_embedded_scheduler(ctx)
        for _ in range(240):
            await asyncio.sleep(0.25)
            if _count(ctx) >= 300:
                break
        await stop()
        return _count(ctx)

    assert asyncio.run(scenario()) >= 300
    assert int(ctx.articles_version()) >= 1


def test_the_tick_is_an_arq_cron_schedule_in_utc() -> None:
    assert cron_times(30) == {"second": {0, 30}}
    assert cron_times(2)["second"] == set(range(0, 60, 2))
    assert cron_times(300) == {"minute": set(range(0, 60, 5)), "second": 0}
    assert cron_times(7200) == {"hour": set(range(0, 24, 2)), "minute": 0, "second": 0}
    for period in (45, 0.5, 7, 5400):  # no set of clock times is every 45 s
        with pytest.raises(ValueError, match="SCHEDULER_TICK_SECONDS"):
            cron_times(period)


def test_two_schedulers_offer_each_ticks_jobs_once(redis_url: str) -> None:
    settings = Settings(redis_url=redis_url, scheduler_tick_seconds=1)

    async def scenario() -> None:
        schedulers = [make_scheduler(settings) for _ in range(2)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(s.main() for s in schedulers)), 3.2)
        for scheduler in schedulers:
            await scheduler.close()

    asyncio.run(scenario())
    client = redis.Redis.from_url(redis_url)
    queued = sorted(key.decode() for key in client.zrange(QUEUE_NAME, 0, -1))
    client.close()
    ticks = {int(job.rsplit(":", 1)[1]) for job in queued}
    assert len(ticks) >= 3  # one at startup, then one each second
    # Each tick's jobs once, though two schedulers ran; no JMA feed set, so no JMA job.
    assert queued == sorted(f"{name}:{tick}" for tick in ticks
                            for name in ("crawl_due", "flush_counters", "refit_scorer",
                                         "erase_unseen_profiles"))
