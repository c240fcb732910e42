"""The rate-limit store fails open: Redis away or hanging never refuses or holds a request."""

from __future__ import annotations

import threading
import time

import pytest
import redis
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage

from portal.runtime.ratelimits import RateLimits

ITEM = RateLimitItemPerMinute(2)


class HangingStorage(MemoryStorage):
    """A Redis that hangs until its timeout, then fails; counts how often it is asked."""

    def __init__(self, hang: float) -> None:
        super().__init__()
        self.hang, self.calls = hang, 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return redis.RedisError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self.calls += 1
        time.sleep(self.hang)
        raise redis.TimeoutError("Timeout reading from socket")


def test_counts_in_fixed_windows() -> None:
    limits = RateLimits(MemoryStorage())
    assert [limits.hit(ITEM, "api", "192.0.2.1") for _ in range(3)] == [True, True, False]
    assert limits.test(ITEM, "api", "192.0.2.1") is False
    assert limits.hit(ITEM, "api", "192.0.2.2") is True  # another client, its own budget


def test_an_unreachable_store_lets_requests_through(caplog: pytest.LogCaptureFixture) -> None:
    limits = RateLimits(HangingStorage(hang=0))
    assert [limits.hit(ITEM, "api", "x") for _ in range(3)] == [None, None, None]
    assert "not being limited" in caplog.text


def test_one_request_at_a_time_waits_on_a_hanging_store() -> None:
    storage = HangingStorage(hang=0.3)
    limits = RateLimits(storage)
    assert limits.hit(ITEM, "api", "x") is None  # it failed once: known to be down
    time.sleep(1.05)  # a second later, the store may be back
    storage.calls = 0
    results: list[bool | None] = []
    threads = [threading.Thread(target=lambda: results.append(limits.hit(ITEM, "api", "x")))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One finds out whether it is back (and waits out the timeout); the rest go ahead.
    assert storage.calls == 1 and results == [None] * 8
    # Within a second of the failure the store is not asked again.
    assert limits.hit(ITEM, "api", "x") is None and storage.calls == 1
