"""Rate-limit counters: the `limits` package's fixed windows, in Redis when configured (shared
by every process) or in process memory, failing open.

A limit protects the portal; it must never take it down. When the store is unreachable the
request is allowed (and a warning logged once a minute); after a failure the store is left
alone for a second, and then one request at a time finds out whether it is back, so a Redis
that hangs rather than refuses costs at most one timeout per second, not one per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from limits import RateLimitItem
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)
RETRY_AFTER_FAILURE = 1.0  # seconds without the store after it failed
WARN_EVERY = 60.0


class RateLimits:
    """`hit` counts one request against `item` for `identifiers`; `test` only looks. Both
    return True when the request may go ahead, False when over the limit, None when the
    store is unreachable (the caller lets it through)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._limiter = FixedWindowRateLimiter(storage)
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._down = self._probing = False
        self._warned_at: float | None = None

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool | None:
        return self._guarded(self._limiter.hit, item, *identifiers)

    def test(self, item: RateLimitItem, *identifiers: str) -> bool | None:
        return self._guarded(self._limiter.test, item, *identifiers)

    def _guarded(self, call: Callable[..., bool], *args: object) -> bool | None:
        with self._lock:
            if time.monotonic() < self._retry_at or self._probing:
                self._warn_unenforced(None)
                return None  # failed a moment ago, or another request is finding out
            self._probing = self._down
        reached = False
        try:
            allowed = call(*args)
            reached = True
            return allowed
        except self.storage.base_exceptions as exc:
            with self._lock:
                self._retry_at = time.monotonic() + RETRY_AFTER_FAILURE
                self._warn_unenforced(exc)
            return None
        finally:
            with self._lock:
                self._probing, self._down = False, not reached

    def _warn_unenforced(self, exc: BaseException | None) -> None:
        # Called with the lock held. Once a minute, not on every request while Redis is down.
        now = time.monotonic()
        if self._warned_at is not None and now - self._warned_at < WARN_EVERY:
            return
        self._warned_at = now
        log.warning("rate limit store unreachable: writes and logins are not being limited"
                    " (%s)", exc or "Redis failed a moment ago")

