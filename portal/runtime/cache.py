"""The shared, hot store: Redis when MYMACHI_REDIS_URL is set, process memory otherwise.

Both implement the same small interface and both pass the same tests. Redis holds nothing
that cannot be rebuilt from SQL, so a Redis error is logged and treated as a miss: pages keep
serving from SQL, slower, and never 5xx because the cache went away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
import uuid
from collections.abc import AsyncIterator
from typing import Protocol

import redis
from cachetools import TLRUCache
from limits.storage import MemoryStorage, RedisStorage
from redis.exceptions import LockError, LockNotOwnedError
from redis.lock import Lock as RedisLock

from portal.runtime.ratelimits import RateLimits

log = logging.getLogger(__name__)


class Lock(Protocol):
    """A lock with a time to live, held by one owner (a random token): only the owner can
    extend or release it, so a lock that lapsed and was taken by someone else stays theirs."""

    def acquire(self) -> bool | None:
        """Take it if free; None when the store is unreachable."""
        ...
    def extend(self) -> bool:
        """A new full time to live; False once it is no longer ours (lapsed, taken)."""
        ...
    def release(self) -> None: ...


class Cache(Protocol):
    backend: str
    rate_limits: RateLimits

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes, ttl: float | None = None) -> None: ...
    def delete(self, *keys: str) -> None: ...
    def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int | None: ...
    def add(self, key: str, value: bytes, ttl: float) -> bool | None:
        """Set only if absent (a lock); None when the store is unreachable."""
        ...
    def lock(self, key: str, ttl: float) -> Lock: ...
    def ping(self) -> bool: ...


def _expiry_of(_key: str, item: tuple[bytes, float | None], _now: float) -> float:
    return math.inf if item[1] is None else item[1]


class MemoryCache:
    """In-process cache with TTLs, for the embedded default and single-process use."""

    backend = "memory"

    def __init__(self, max_items: int = 50_000) -> None:
        # Each item carries its own expiry (None: none); past max_items the least recently
        # used go first: a cache may forget, never grow without bound.
        self._data: TLRUCache[str, tuple[bytes, float | None]] = TLRUCache(
            maxsize=max_items, ttu=_expiry_of, timer=time.monotonic)
        self._lock = threading.Lock()
        self.rate_limits = RateLimits(MemoryStorage())

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        return None if item is None else item[0]

    def _put(self, key: str, value: bytes, ttl: float | None) -> None:
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

    def lock(self, key: str, ttl: float) -> Lock:
        return _MemoryLock(self, key, ttl)

    def ping(self) -> bool:
        return True


class _MemoryLock:
    """The in-process twin of redis-py's Lock: the key holds the owner's token."""

    def __init__(self, cache: MemoryCache, key: str, ttl: float) -> None:
        self._cache, self._key, self._ttl = cache, key, ttl
        self._token = uuid.uuid4().hex.encode()

    def acquire(self) -> bool | None:
        return self._cache.add(self._key, self._token, self._ttl)

    def extend(self) -> bool:
        cache = self._cache
        with cache._lock:
            if cache._live(self._key) != self._token:
                return False
            cache._data[self._key] = (self._token, time.monotonic() + self._ttl)
            return True

    def release(self) -> None:
        cache = self._cache
        with cache._lock:
            if cache._live(self._key) == self._token:
                del cache._data[self._key]


class RedisCache:
    """Redis-backed cache; every call survives Redis being away (returns a miss)."""

    backend = "redis"

    def __init__(self, url: str, prefix: str = "mymachi:") -> None:
        self._client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=15
        )
        self._prefix = prefix
        self._down_until = 0.0
        self.rate_limits = RateLimits(RedisStorage(
            url, connection_pool=self._client.connection_pool, key_prefix=prefix + "limits"))

    def _call(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        # After a failure, skip Redis for a second instead of paying the timeout on every call.
        if time.monotonic() < self._down_until:
            return None
        try:
            return fn(*args, **kwargs)
        except LockError:
            raise  # an answer about the lock's owner, not Redis being away
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

    def lock(self, key: str, ttl: float) -> Lock:
        return _RedisLock(self, self._client.lock(self._prefix + key, timeout=ttl,
                                                  blocking=False, thread_local=False))

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False


class _RedisLock:
    """redis-py's Lock (token-checked extend and release, done by Lua on the server), with
    the cache's tolerance of Redis being away."""

    def __init__(self, cache: RedisCache, lock: RedisLock) -> None:
        self._cache, self._lock = cache, lock

    def acquire(self) -> bool | None:
        return self._cache._call(self._lock.acquire)

    def extend(self) -> bool:
        try:
            self._cache._call(self._lock.reacquire)
        except LockNotOwnedError:
            return False  # lapsed, perhaps taken by another worker: theirs now
        except LockError:
            pass  # never taken (Redis was away at the start): nothing to extend
        return True

    def release(self) -> None:
        with contextlib.suppress(LockError):  # not ours any more, or never taken
            self._cache._call(self._lock.release)


@contextlib.asynccontextmanager
async def lease(cache: Cache, key: str, seconds: float) -> AsyncIterator[bool]:
    """Hold the lock `key` while the block runs. It is taken for `seconds` and renewed every
    third of that, so a holder killed outright (SIGKILL, a lost host) frees it within
    `seconds` instead of a long fixed TTL. Yields False when someone else holds it; True
    also when the store is unreachable (the work must then be safe to do twice)."""
    lock = cache.lock(key, seconds)  # only this holder may extend or release it
    if lock.acquire() is False:
        yield False
        return

    async def renew() -> None:
        while True:
            await asyncio.sleep(seconds / 3)
            if not lock.extend():
                return  # lapsed and perhaps taken: never extend someone else's

    renewing = asyncio.create_task(renew())
    try:
        yield True
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing
        lock.release()


def make_cache(redis_url: str | None) -> Cache:
    return RedisCache(redis_url) if redis_url else MemoryCache()
