"""The shared, hot store: Redis when MYMACHI_REDIS_URL is set, process memory otherwise.

Both implement the same small interface and both pass the same tests. Redis holds nothing
that cannot be rebuilt from SQL, so a Redis error is logged and treated as a miss: pages keep
serving from SQL, slower, and never 5xx because the cache went away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from typing import Protocol

import redis

log = logging.getLogger(__name__)


class Cache(Protocol):
    backend: str

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes, ttl: float | None = None) -> None: ...
    def delete(self, *keys: str) -> None: ...
    def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int | None: ...
    def add(self, key: str, value: bytes, ttl: float) -> bool | None:
        """Set only if absent (a lock); None when the store is unreachable."""
        ...
    def renew(self, key: str, owner: bytes, ttl: float) -> None:
        """A new time to live for `key` if it still holds `owner` (a lease renewal): a lock
        that lapsed and was taken by someone else is never extended for them."""
        ...
    def release(self, key: str, owner: bytes) -> None:
        """Delete `key` only if it still holds `owner`."""
        ...
    def ping(self) -> bool: ...


class MemoryCache:
    """In-process cache with TTLs, for the embedded default and single-process use."""

    backend = "memory"

    def __init__(self, max_items: int = 50_000) -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._lock = threading.Lock()
        self._max_items = max_items

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires < time.monotonic():
            del self._data[key]
            return None
        return value

    def _put(self, key: str, value: bytes, ttl: float | None) -> None:
        if len(self._data) >= self._max_items:
            # Drop the oldest insertions; a cache may forget, never grow without bound.
            for old in list(self._data)[: self._max_items // 10]:
                del self._data[old]
        self._data[key] = (value, time.monotonic() + ttl if ttl else None)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._live(key)

    def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        with self._lock:
            self._put(key, value, ttl)

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)

    def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int | None:
        with self._lock:
            current = self._live(key)
            # Like Redis EXPIRE NX: the first increment sets the window, later ones keep it.
            if current is not None:
                expires = self._data[key][1]
            else:
                expires = time.monotonic() + ttl if ttl else None
            value = int(current or 0) + amount
            self._data[key] = (str(value).encode(), expires)
            return value

    def add(self, key: str, value: bytes, ttl: float) -> bool | None:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._put(key, value, ttl)
            return True

    def renew(self, key: str, owner: bytes, ttl: float) -> None:
        with self._lock:
            if self._live(key) == owner:
                self._data[key] = (owner, time.monotonic() + ttl)

    def release(self, key: str, owner: bytes) -> None:
        with self._lock:
            if self._live(key) == owner:
                del self._data[key]

    def ping(self) -> bool:
        return True


# Compare-and-act in one step on the Redis server (another worker may take a lapsed lock
# between a GET and a PEXPIRE/DEL).
_RENEW_IF_OWNER = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0"""
_RELEASE_IF_OWNER = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0"""


class RedisCache:
    """Redis-backed cache; every call survives Redis being away (returns a miss)."""

    backend = "redis"

    def __init__(self, url: str, prefix: str = "mymachi:") -> None:
        self._client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=15
        )
        self._prefix = prefix
        self._down_until = 0.0

    def _call(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        # After a failure, skip Redis for a second instead of paying the timeout on every call.
        if time.monotonic() < self._down_until:
            return None
        try:
            return fn(*args, **kwargs)
        except redis.RedisError as exc:
            self._down_until = time.monotonic() + 1.0
            log.warning("redis unavailable, serving without cache: %s", exc)
            return None

    def get(self, key: str) -> bytes | None:
        return self._call(self._client.get, self._prefix + key)

    def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        px = int(ttl * 1000) if ttl else None
        self._call(self._client.set, self._prefix + key, value, px=px)

    def delete(self, *keys: str) -> None:
        if keys:
            self._call(self._client.delete, *(self._prefix + k for k in keys))

    def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int | None:
        def _incr() -> int:
            pipe = self._client.pipeline()
            pipe.incrby(self._prefix + key, amount)
            if ttl:
                pipe.pexpire(self._prefix + key, int(ttl * 1000), nx=True)
            return int(pipe.execute()[0])

        return self._call(_incr)

    def add(self, key: str, value: bytes, ttl: float) -> bool | None:
        result = self._call(self._client.set, self._prefix + key, value, nx=True,
                            px=int(ttl * 1000))
        return None if result is None and time.monotonic() < self._down_until else bool(result)

    def renew(self, key: str, owner: bytes, ttl: float) -> None:
        self._call(self._client.eval, _RENEW_IF_OWNER, 1, self._prefix + key, owner,
                   int(ttl * 1000))

    def release(self, key: str, owner: bytes) -> None:
        self._call(self._client.eval, _RELEASE_IF_OWNER, 1, self._prefix + key, owner)

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False


@contextlib.asynccontextmanager
async def lease(cache: Cache, key: str, seconds: float) -> AsyncIterator[bool]:
    """Hold the lock `key` while the block runs. It is taken for `seconds` and renewed every
    third of that, so a holder killed outright (SIGKILL, a lost host) frees it within
    `seconds` instead of a long fixed TTL. Yields False when someone else holds it; True
    also when the store is unreachable (the work must then be safe to do twice)."""
    owner = uuid.uuid4().hex.encode()  # only this holder may renew or release it
    if cache.add(key, owner, seconds) is False:
        yield False
        return

    async def renew() -> None:
        while True:
            await asyncio.sleep(seconds / 3)
            cache.renew(key, owner, seconds)

    renewing = asyncio.create_task(renew())
    try:
        yield True
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing
        cache.release(key, owner)


def make_cache(redis_url: str | None) -> Cache:
    return RedisCache(redis_url) if redis_url else MemoryCache()
