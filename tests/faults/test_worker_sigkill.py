"""`mymachi worker` killed with SIGKILL in the middle of crawls, again and again.

A killed worker cannot clean up: its job stays "in progress" and its sources stay locked. The
leases on both run out, the restarted worker takes the work up again, and in the end the
store holds exactly what one clean crawl stores: no article lost, none twice.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from democity import start_demo_city
from portal.context import AppContext
from portal.db.models import Article
from portal.ingest.crawl import crawl_sources
from portal.runtime.jobs import enqueue_crawl
from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.faults.helpers import (
    add_sources,
    all_sources_crawled,
    incomplete_articles,
    linked_sources,
    stored_articles,
    wait_until,
)
from tests.faults.services import PrivateRedis
from tests.processes import Processes, processes_in, production_env

KILLS = 3
LEASE_SECONDS = 2  # how long a killed worker's job and source locks stay claimed


@pytest.fixture
def processes(tmp_path: Path, private_redis: PrivateRedis) -> Iterator[Processes]:
    _reset_postgres(POSTGRES_URL)
    env = production_env(tmp_path, POSTGRES_URL, private_redis.url,
                         MYMACHI_JOB_LEASE_SECONDS=str(LEASE_SECONDS))
    yield from processes_in(env, tmp_path)


def _groups(ctx: AppContext, base_url: str) -> list[frozenset[str]]:
    """Each article as the set of page paths it stands for (its URL and merged copies)."""
    with ctx.sessions() as session:
        return [frozenset(u.removeprefix(base_url) for u in [a.url, *a.alt_urls])
                for a in session.scalars(select(Article))]


def _clean_crawl(make_ctx, tmp_path: Path) -> list[frozenset[str]]:  # type: ignore[no-untyped-def]
    """The reference: the same sites crawled once, undisturbed, into a fresh SQLite file."""
    with start_demo_city(port=0) as city:
        ctx = make_ctx(f"sqlite:///{tmp_path / 'clean.sqlite3'}")
        add_sources(ctx, linked_sources(city))
        report = asyncio.run(crawl_sources(ctx))
        assert report.failed == 0, report.errors
        return _groups(ctx, city.base_url)


def test_sigkilled_worker_loses_and_duplicates_nothing(make_ctx, tmp_path: Path,
                                                      private_redis: PrivateRedis,
                                                      processes: Processes) -> None:
    expected = _clean_crawl(make_ctx, tmp_path)
    assert any(len(group) > 1 for group in expected)  # merged copies are part of the check
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    ctx = make_ctx(POSTGRES_URL, redis_url=private_redis.url)
    with start_demo_city(port=0, delay=0.1) as city:
        add_sources(ctx, linked_sources(city))
        mid_crawl = 0
        for n in range(KILLS):
            # A scheduler tick: one crawl job (the killed ones are taken up again too).
            assert asyncio.run(enqueue_crawl(ctx.settings, tick=n))
            before = stored_articles(ctx)
            worker = processes.start(f"worker-{n}", "worker")
            log = processes.logs / f"worker-{n}.log"
            wait_until(lambda log=log: "→ crawl_due:" in log.read_text(errors="replace"),
                       "the worker crawling", 90)
            if n % 2:  # while storing: some sources are in, others on their way
                wait_until(lambda b=before: stored_articles(ctx) > b or all_sources_crawled(ctx),
                           "the worker storing articles", 90)
                time.sleep(rng.uniform(0, 1.0))
            else:  # while fetching the first pages
                time.sleep(rng.uniform(0.2, 2.0))
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            mid_crawl += not all_sources_crawled(ctx)
        killed_at_count = stored_articles(ctx)
        processes.start("worker", "worker")
        tick = KILLS

        def crawled() -> bool:
            # Sources skipped while still locked are due again at the next tick.
            nonlocal tick
            if all_sources_crawled(ctx):
                return True
            tick += 1
            asyncio.run(enqueue_crawl(ctx.settings, tick=tick))
            time.sleep(LEASE_SECONDS)
            return False

        wait_until(crawled, f"every source crawled after the kills (seed {seed})", 120)
        got = _groups(ctx, city.base_url)

    assert mid_crawl and killed_at_count > 0  # the kills landed mid-crawl
    assert sorted(map(sorted, got)) == sorted(map(sorted, expected)), f"seed {seed}"
    paths = [path for group in got for path in group]
    assert len(paths) == len(set(paths))  # no page stored twice, as itself or as a copy
    assert incomplete_articles(ctx) == []
    # Nothing stays claimed: the last worker released its source locks and finished its jobs.
    client = private_redis.client()
    wait_until(lambda: not list(client.scan_iter("mymachi:lock:crawl:*"))
               and not list(client.scan_iter("arq:in-progress:*")), "locks released", 30)
