"""Crawl jobs through arq on the real Redis: the scheduler enqueues once, a worker stores."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from portal.db.models import Article
from portal.db.session import session_scope
from portal.runtime.jobs import enqueue_crawl, make_worker, start_embedded_scheduler
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
