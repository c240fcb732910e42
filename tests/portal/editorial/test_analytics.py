"""Read counters: counted in the hot store, flushed to SQL, shown to editors without
singling anyone out; a Redis restart loses at most what was not yet flushed."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis
from sqlalchemy import func, select

from portal.db.models import ReadCounter
from portal.ingest.crawl import crawl_sources
from portal.runtime.counters import MemoryCounters, RedisCounters, counter_field
from tests.live_server import free_port
from tests.portal.conftest import add_demo_sources
from tests.portal.editor_helpers import login_as

AT = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)  # 10:30 in Japan


def _total(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.sessions() as session:
        return session.scalar(select(func.coalesce(func.sum(ReadCounter.count), 0))) or 0


@pytest.fixture
def articles_ctx(database_url, make_ctx):  # type: ignore[no-untyped-def]
    """A store with a few articles: enough to count reads of."""
    from portal.db.models import Article

    ctx = make_ctx(database_url)
    with ctx.sessions() as session:
        for i in range(3):
            session.add(Article(url=f"https://city.example/news/{i}", department="広報課",
                                departments=["広報課"], title=f"お知らせ{i}"))
        session.commit()
    return ctx


@pytest.fixture
def crawled_ctx(sqlite_url, make_ctx, demo_city):  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    add_demo_sources(ctx, demo_city)
    asyncio.run(crawl_sources(ctx, force=True))
    return ctx


def _some_article_ids(ctx, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    from portal.db.models import Article

    with ctx.sessions() as session:
        return list(session.scalars(select(Article.id).order_by(Article.id).limit(n)))


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_flush_adds_up_in_sql(articles_ctx, backend, request) -> None:
    ctx = articles_ctx
    counters = (MemoryCounters() if backend == "memory"
                else RedisCounters(request.getfixturevalue("redis_url")))
    a, b = _some_article_ids(ctx, 2)
    counters.add([counter_field(a, "impression", "chuo", AT)] * 3)
    counters.add([counter_field(b, "open", "", AT)])
    assert counters.flush(ctx.engine) == 2
    counters.add([counter_field(a, "impression", "chuo", AT)] * 2)
    counters.flush(ctx.engine)
    assert counters.flush(ctx.engine) == 0  # nothing pending: nothing written twice
    with ctx.sessions() as session:
        row = session.get(ReadCounter, ("2026-11-26", 10, a, "chuo", "impression"))
        assert row is not None and row.count == 5
    assert _total(ctx) == 6


def test_editor_sees_counts_by_ward_and_exports_without_small_cells(crawled_ctx, client_for
                                                                    ) -> None:
    ctx = crawled_ctx
    client = client_for(ctx)
    ward = ctx.areas[0].slug
    for _ in range(5):  # five residents of one ward read their feeds
        pid = client.post("/api/v1/profiles", json={"categories": ["waste"],
                                                    "areas": [ward]}).json()["id"]
        client.get(f"/api/v1/profiles/{pid}/feed?limit=10")
    lone = client.post("/api/v1/profiles", json={"categories": ["tax"],
                                                 "areas": [ctx.areas[1].slug]}).json()["id"]
    client.get(f"/api/v1/profiles/{lone}/feed?limit=1")
    ctx.counters.flush(ctx.engine)
    login_as(client, ctx, "stats", "viewer")
    page = client.get("/editor/analytics?by=ward").text
    assert "<svg" in page and ctx.area_label(ward) in page
    exported = client.get("/editor/analytics/export.csv?by=ward").text.splitlines()
    assert exported[0].startswith("ward,impression")
    rows = {line.split(",")[0]: line.split(",") for line in exported[1:]}
    assert int(rows[ward][1]) >= 50
    # One resident's single impression is below the threshold: published as empty.
    assert rows[ctx.areas[1].slug][1] == ""
    as_json = client.get("/editor/analytics/export.json?by=ward").json()
    assert any(r["ward"] == ctx.areas[1].slug and r["impression"] is None for r in as_json)


@pytest.fixture
def private_redis(tmp_path) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """A real redis-server of this test's own, so it can be killed and restarted."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(tmp_path)]

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if redis.Redis(port=port).ping():
                    return proc
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    state = {"proc": start()}

    def restart() -> None:
        state["proc"].kill()
        state["proc"].wait()
        state["proc"] = start()

    yield f"redis://127.0.0.1:{port}/0", restart
    state["proc"].kill()


def test_counters_survive_a_redis_restart_up_to_the_last_flush(articles_ctx, private_redis
                                                               ) -> None:
    ctx = articles_ctx
    url, restart = private_redis
    counters = RedisCounters(url)
    (a,) = _some_article_ids(ctx, 1)
    counters.add([counter_field(a, "impression", "", AT)] * 4)
    counters.flush(ctx.engine)
    counters.add([counter_field(a, "impression", "", AT)] * 2)  # not flushed yet
    restart()  # Redis keeps nothing on disk: the unflushed two are gone
    counters.add([counter_field(a, "impression", "", AT)] * 3)  # counting resumes by itself
    counters.flush(ctx.engine)
    assert _total(ctx) == 7


def test_html_feed_views_and_opens_are_counted_even_from_the_page_cache(crawled_ctx,
                                                                       client_for) -> None:
    ctx = crawled_ctx
    client = client_for(ctx)
    client.post("/profile", data={"categories": ["health"], "areas": [ctx.areas[0].slug]},
                follow_redirects=False)
    recorded: list[list[str]] = []
    add_once = ctx.counters.add_once
    ctx.counters.add_once = lambda visitor, fields: (  # type: ignore[method-assign]
        recorded.append(list(fields)), add_once(visitor, fields))
    first = client.get("/feed").text
    client.get("/feed")  # the second view is served from the page cache: still counted
    assert [len(fields) for fields in recorded] == [20, 20]
    # ... as the same resident on the same day: 20 impressions, not 40.
    article_id = int(first.split('id="article-', 1)[1].split('"', 1)[0])
    opened = client.get(f"/read/{article_id}", follow_redirects=False)
    assert opened.status_code == 303
    ctx.counters.flush(ctx.engine)
    with ctx.sessions() as session:
        rows = session.execute(select(ReadCounter.kind, func.sum(ReadCounter.count))
                               .group_by(ReadCounter.kind)).all()
    counts = dict(rows)
    assert counts["impression"] == 20 and counts["open"] == 1


def test_counts_are_residents_not_page_loads_and_stay_private(crawled_ctx, client_for
                                                             ) -> None:
    """One resident reloading a feed a hundred times is one resident: it neither swamps a
    category nor lifts itself over the privacy threshold."""
    ctx = crawled_ctx
    client = client_for(ctx)
    ward = ctx.areas[1].slug
    lone = client.post("/api/v1/profiles", json={"categories": ["tax"],
                                                 "areas": [ward]}).json()["id"]
    for _ in range(100):
        shown = client.get(f"/api/v1/profiles/{lone}/feed?limit=3").json()["items"]
    for _ in range(3):
        client.post(f"/api/v1/profiles/{lone}/feedback",
                    json={"article_id": shown[0]["id"], "kind": "open"})
    ctx.counters.flush(ctx.engine)
    with ctx.sessions() as session:
        counts = dict(session.execute(select(ReadCounter.kind, func.sum(ReadCounter.count))
                                      .group_by(ReadCounter.kind)).all())
    assert counts["impression"] == 3 and counts["open"] == 1
    login_as(client, ctx, "stats", "viewer")
    exported = client.get("/editor/analytics/export.csv?by=ward").text.splitlines()
    rows = {line.split(",")[0]: line.split(",") for line in exported[1:]}
    assert rows[ward][1] == ""  # 3 < MYMACHI_ANALYTICS_MIN_COUNT (5): still suppressed
    page = client.get("/editor/analytics").text
    assert "同じ記事を同じ日に何度見ても" in page
    assert "counts once" in client.get("/editor/analytics?lang=en").text


def test_a_resident_of_several_wards_is_counted_once(articles_ctx) -> None:
    from portal.db.models import Profile
    from portal.editorial.analytics import record

    ctx = articles_ctx
    (a,) = _some_article_ids(ctx, 1)
    resident = Profile(id="x", categories={}, areas=["chuo", "kita", "minami"],
                       life_stages=[], keywords=[])
    record(ctx, resident, [a], "impression", AT)
    ctx.counters.flush(ctx.engine)
    assert _total(ctx) == 1


def test_overlapping_flushes_count_once(articles_ctx, redis_url) -> None:
    """Two processes flushing at the same tick: each count reaches SQL exactly once."""
    import threading

    ctx = articles_ctx
    (a,) = _some_article_ids(ctx, 1)
    first, second = RedisCounters(redis_url), RedisCounters(redis_url)
    for _ in range(20):
        first.add([counter_field(a, "impression", "", AT)] * 5)
        flushers = [threading.Thread(target=c.flush, args=(ctx.engine,))
                    for c in (first, second)]
        for thread in flushers:
            thread.start()
        for thread in flushers:
            thread.join()
    first.flush(ctx.engine)
    assert _total(ctx) == 100


def test_while_redis_hangs_only_one_page_at_a_time_waits_on_it() -> None:
    """A Redis host that accepts connections and never answers (hung, not refused): after
    the first timeout, other page views keep their counts in the process instead of each
    waiting out the socket timeout too."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    accepted: list[socket.socket] = []

    def accept_and_stay_silent() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept_and_stay_silent, daemon=True).start()
    counters = RedisCounters(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    try:
        counters.add(["first"])  # times out: Redis is known to be down
        time.sleep(1.1)  # past the back-off: the next views may find out whether it is back
        tries = len(accepted)
        views = [threading.Thread(target=counters.add, args=([f"view{i}"],)) for i in range(8)]
        for view in views:
            view.start()
        for view in views:
            view.join(10)
        assert len(accepted) - tries <= 1, "every view opened its own wait on a hung Redis"
        assert sum(counters._held.values()) == 9  # nothing lost: all held for later
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
