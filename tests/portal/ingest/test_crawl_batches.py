"""Sources stored together (one transaction for the crawls that finish while a store runs):
each keeps its articles, copies across them still merge, one bad source fails alone, and a
worker configured with crawl processes really crawls through them."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from crawlers import CrawlOutcome
from portal.context import AppContext
from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.ingest.crawl import (
    CrawlReport,
    StoreItem,
    _GroupStore,
    crawl_sources,
    store_outcomes,
)
from tests.portal.conftest import add_demo_sources
from tests.portal.ingest.test_crawl_store import _sources, health_and_ward_outcomes


@dataclass
class TwoSources:
    ctx: AppContext
    health: int
    ward: int
    from_health: CrawlOutcome
    from_ward: CrawlOutcome


@pytest.fixture
def two(database_url, make_ctx) -> TwoSources:  # type: ignore[no-untyped-def]
    ctx = make_ctx(database_url)
    return TwoSources(ctx, *_sources(ctx), *health_and_ward_outcomes())


def test_sources_stored_in_one_batch_keep_their_articles_and_merge_copies(two) -> None:
    ctx, health, ward, from_health, from_ward = (two.ctx, two.health, two.ward,
                                                 two.from_health, two.from_ward)
    report = CrawlReport()

    results = store_outcomes(ctx, [StoreItem(health, from_health), StoreItem(ward, from_ward)],
                             report)

    (health_new, _), (ward_new, _) = results
    assert len(health_new) == 2 and len(ward_new) == 1  # the ward's 健診 copy joined health's
    assert report.new_articles == 3 and report.failed == 0
    with session_scope(ctx.sessions) as session:
        shoken = session.scalars(select(Article).where(
            Article.url == "http://city.test/kenko/shoken.html")).one()
        assert shoken.departments == ["健康推進課", "中央区役所"]
        assert "http://city.test/chuo/shoken.html" in shoken.alt_urls
        stored = list(session.scalars(select(Article)))
        assert all(a.categories and a.scorer_version for a in stored), "labelled when stored"
        sources = {s.id: s for s in session.scalars(select(Source))}
        assert sources[health].last_ok_at and sources[ward].last_ok_at
    # A retried batch changes nothing.
    assert store_outcomes(ctx, [StoreItem(health, from_health), StoreItem(ward, from_ward)]) \
        == [([], []), ([], [])]


def test_a_source_whose_store_fails_does_not_lose_the_others_in_its_batch(two) -> None:
    ctx, health, ward, from_health, from_ward = (two.ctx, two.health, two.ward,
                                                 two.from_health, two.from_ward)
    # A record the database refuses (a date that is not one): its whole store fails.
    broken = replace(from_ward.records[1], published="last Tuesday")  # type: ignore[arg-type]
    from_ward = replace(from_ward, records=[from_ward.records[0], broken])
    report = CrawlReport()

    async def both() -> list[BaseException | None]:
        stores = _GroupStore(ctx, report)
        return await asyncio.gather(stores.store(StoreItem(health, from_health)),
                                    stores.store(StoreItem(ward, from_ward)),
                                    return_exceptions=True)

    health_result, ward_result = asyncio.run(both())

    assert health_result is None
    assert isinstance(ward_result, Exception)
    with session_scope(ctx.sessions) as session:
        urls = set(session.scalars(select(Article.url)))
        assert urls == {"http://city.test/kenko/shoken.html", "http://city.test/kenko/gomi.html"}
    assert report.new_articles == 2  # counted once, for what was committed


def test_a_worker_with_crawl_processes_crawls_through_them(make_ctx, sqlite_url,
                                                            demo_city) -> None:
    ctx = make_ctx(sqlite_url, crawl_processes=1)
    add_demo_sources(ctx, demo_city)
    pool = ctx.crawl_pools.get(1)
    assert pool is not None and ctx.crawl_pools.get(0) is None
    assert ctx.crawl_pools.get(1) is pool, "one pool per context, made once"
    try:
        report = asyncio.run(crawl_sources(ctx, force=True))

        assert report.new_articles > 0 and report.failed == 0
        assert getattr(pool, "_processes", None), "the pool's process was started and used"
        # A pool process that dies (out of memory) breaks the pool: the next cycle gets a
        # new one instead of failing every source from then on.
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 1).result()
        again = ctx.crawl_pools.get(1)
        assert again is not pool
        assert asyncio.run(crawl_sources(ctx, force=True)).failed == 0
    finally:
        ctx.crawl_pools.shutdown()


def test_a_crawl_cancelled_while_its_batch_is_stored_does_not_stall_the_others(two) -> None:
    report = CrawlReport()

    async def cancel_one() -> None:
        stores = _GroupStore(two.ctx, report)
        first = asyncio.create_task(stores.store(StoreItem(two.health, two.from_health)))
        second = asyncio.create_task(stores.store(StoreItem(two.ward, two.from_ward)))
        await asyncio.sleep(0)  # both queued, one batch being stored
        first.cancel()  # e.g. the job's timeout
        await asyncio.wait_for(second, 30)

    asyncio.run(cancel_one())

    assert report.new_articles == 3  # the batch was committed whole all the same


def test_no_feedback_means_no_feedback_events_in_the_shared_ranking(make_ctx, sqlite_url
                                                                    ) -> None:
    # Feedback given while a page is being made (after its feedback sets were read) must not
    # shape the ranking cached for everyone with the same interests.
    from portal.db.models import Feedback, Profile, utcnow
    from portal.feed.ranking import profile_spec

    ctx = make_ctx(sqlite_url)
    health, _ = _sources(ctx)
    store_outcomes(ctx, [StoreItem(health, health_and_ward_outcomes()[0])])
    with ctx.sessions() as session:
        profile = Profile(id="p-race", categories={"health": 1.0}, areas=[], life_stages=[],
                          keywords=[], language="ja")
        session.add(profile)
        session.flush()
        read_before = {"open": set(), "save": set(), "hide": set(), "more": set(),
                       "less": set()}
        article_id = session.scalars(select(Article.id)).first()
        session.add(Feedback(profile_id="p-race", article_id=article_id, kind="more"))
        session.flush()

        spec = profile_spec(session, profile, utcnow(), read_before)

        assert not spec.feedback and not spec.liked
