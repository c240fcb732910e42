"""The memory and Redis caches pass the same contract; Redis against the real server."""

from __future__ import annotations

import asyncio
import time

import pytest

from portal.runtime.cache import Cache, MemoryCache, RedisCache, lease


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> Cache:
    if request.param == "memory":
        return MemoryCache()
    return RedisCache(request.getfixturevalue("redis_url"), prefix="test:")


def test_get_set_delete(cache: Cache) -> None:
    assert cache.get("k") is None
    cache.set("k", "値".encode())
    assert cache.get("k") == "値".encode()
    cache.delete("k")
    assert cache.get("k") is None


def test_ttl_expires(cache: Cache) -> None:
    cache.set("short", b"1", ttl=0.2)
    assert cache.get("short") == b"1"
    time.sleep(0.35)
    assert cache.get("short") is None


def test_incr_counts_and_keeps_first_window(cache: Cache) -> None:
    assert cache.incr("n", ttl=0.3) == 1
    assert cache.incr("n", 2, ttl=10) == 3
    time.sleep(0.45)
    assert cache.incr("n") == 1  # the window set by the first increment has passed


def test_add_is_a_lock(cache: Cache) -> None:
    assert cache.add("lock", b"1", ttl=5) is True
    assert cache.add("lock", b"1", ttl=5) is False
    cache.delete("lock")
    assert cache.add("lock", b"1", ttl=5) is True


def test_a_full_memory_cache_forgets_the_least_recently_used() -> None:
    cache = MemoryCache(max_items=3)
    for key in ("a", "b", "c"):
        cache.set(key, b"1")
    assert cache.get("a") == b"1"  # read: now the most recently used
    cache.set("d", b"1")
    assert [cache.get(k) for k in ("a", "b", "c", "d")] == [b"1", None, b"1", b"1"]


def test_redis_away_is_a_miss_not_an_error() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert cache.get("k") is None
    cache.set("k", b"v")
    assert cache.incr("k") is None
    assert cache.add("k", b"v", ttl=1) is None
    assert cache.ping() is False


async def test_a_lapsed_lease_taken_by_another_worker_stays_theirs(cache: Cache) -> None:
    """Worker A's lock lapsed (Redis restarted, A stalled) and worker B took it: A's renewal
    must not extend B's lock, and A's release must not delete it (a third worker would then
    crawl the same source at once)."""
    async with lease(cache, "lock:crawl:7", 0.3) as mine:
        assert mine
        cache.delete("lock:crawl:7")  # lapsed ...
        assert cache.add("lock:crawl:7", b"worker-b", 5)  # ... and taken by B
        await asyncio.sleep(0.25)  # A's renewal runs (every third of the lease)
    assert cache.get("lock:crawl:7") == b"worker-b"  # still B's after A let go
    async with lease(cache, "lock:crawl:7", 5) as again:
        assert again is False  # B holds it


async def test_a_held_lease_is_extended_while_its_work_runs(cache: Cache) -> None:
    async with lease(cache, "lock:crawl:8", 0.3) as mine:
        assert mine
        await asyncio.sleep(0.7)  # past its time to live twice: renewed meanwhile
        async with lease(cache, "lock:crawl:8", 5) as other:
            assert other is False
    async with lease(cache, "lock:crawl:8", 5) as again:
        assert again  # released on the way out
