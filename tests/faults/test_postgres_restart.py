"""PostgreSQL stopped and started again while residents read and the portal crawls.

While SQL is down every page answers at once with the "try again shortly" page and a
Retry-After (never a hang, never a traceback); when it is back, the same web process serves
again by itself, the interrupted crawl completes, and no article was half written.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from democity import start_demo_city
from portal.i18n import t
from tests.faults.helpers import (
    Load,
    add_sources,
    all_sources_crawled,
    incomplete_articles,
    linked_sources,
    stored_articles,
    wait_until,
)
from tests.faults.services import PrivatePostgres
from tests.live_server import free_port
from tests.processes import Processes, processes_in, production_env

CLIENT_TIMEOUT = 10.0  # a request that takes longer than this while SQL is down is a hang
OUTAGE_SECONDS = 3.0


@pytest.fixture
def processes(tmp_path: Path, private_postgres: PrivatePostgres) -> Iterator[Processes]:
    # No Redis: `serve` crawls in-process (embedded scheduler), so a crawl is under way.
    env = production_env(tmp_path, private_postgres.url, None,
                         MYMACHI_SCHEDULER_TICK_SECONDS="1")
    yield from processes_in(env, tmp_path)


def test_postgres_stopped_and_started_under_load(make_ctx, private_postgres: PrivatePostgres,
                                                 processes: Processes) -> None:
    ctx = make_ctx(private_postgres.url)  # migrated
    with start_demo_city(port=0, delay=0.05) as city:
        add_sources(ctx, linked_sources(city))
        base = processes.serve(free_port())
        web = processes.started["web"]
        profile = httpx.post(base + "/api/v1/profiles", json={"categories": ["disaster"]}).json()
        resident = httpx.Client(base_url=base)
        resident.post("/profile", data={"categories": ["disaster"]})
        load = Load(base, ["/feed", f"/api/v1/profiles/{profile['id']}/feed"],
                    timeout=CLIENT_TIMEOUT, headers={
                        "Accept": "text/html",
                        "Cookie": f"mymachi_profile={resident.cookies['mymachi_profile']}"})
        load.start()
        try:
            # Mid-crawl: some sources stored, others still being fetched.
            wait_until(lambda: stored_articles(ctx) > 0, "the first articles stored", 90)
            assert not all_sources_crawled(ctx)
            stopping_at = time.monotonic()
            private_postgres.stop("fast")
            stopped_at = time.monotonic()
            load.wait_for(20, since=stopped_at)
            time.sleep(OUTAGE_SECONDS)
            starting_at = time.monotonic()
            private_postgres.start()
            started_at = time.monotonic()
            wait_until(lambda: any(s.status == 200 for s in load.between(
                started_at, time.monotonic())), "pages served again", 30)
            wait_until(lambda: all_sources_crawled(ctx), "the interrupted crawl completed", 90)
            load.wait_for(20, since=time.monotonic())
        finally:
            samples = load.stop()
            resident.close()

    assert web.poll() is None  # recovered by itself, not restarted
    hung = [s for s in samples if s.status == 0]
    assert not hung, hung[:3]
    assert {s.status for s in samples if s.ended < stopping_at} == {200}
    down = [s for s in samples if s.started > stopped_at and s.ended < starting_at]
    assert down and {s.status for s in down} == {503}
    page = next(s for s in down if s.path == "/feed")
    assert t("error.unavailable", "ja") in page.body and page.retry_after
    api = next(s for s in down if s.path.startswith("/api/"))
    assert '"detail"' in api.body and api.retry_after
    # Once one request is served again, every later one is (no stale connection left over).
    first_ok = min(s.ended for s in samples if s.started > started_at and s.status == 200)
    back = [s for s in samples if s.started > first_ok]
    assert back and {s.status for s in back} == {200}, [(s.status, s.body[:200]) for s in back
                                                        if s.status != 200][:3]
    assert stored_articles(ctx) > 0 and incomplete_articles(ctx) == []
