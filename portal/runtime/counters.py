"""Read counters: incremented in the hot store on every view, flushed to SQL periodically.

A counter's field is "day|hour|article_id|ward|kind". Redis keeps them in one hash; a flush
renames the hash first (atomic), so increments arriving during the flush start a new one,
and a flush that fails to reach SQL leaves the renamed hash to be retried. At most the
counts since the last flush are lost if Redis itself is lost.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

import redis
from redis.exceptions import LockError
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.db.models import Article, ReadCounter
from portal.i18n import JST

log = logging.getLogger(__name__)
KINDS = ("impression", "open", "save", "hide", "more", "less")
PENDING = "mymachi:counters:pending"
FLUSHING = "mymachi:counters:flushing:"
FLUSH_LOCK = "mymachi:counters:flush-lock"
FLUSH_LOCK_MS = 120_000
MAX_HELD_FIELDS = 200_000  # distinct counters a web process keeps while Redis is away


def counter_field(article_id: int, kind: str, ward: str, at: datetime) -> str:
    local = at.astimezone(JST)
    return f"{local:%Y-%m-%d}|{local.hour}|{article_id}|{ward}|{kind}"


class Counters(Protocol):
    def add(self, fields: Iterable[str]) -> None: ...
    def flush(self, engine: Engine) -> int: ...


def _write(engine: Engine, counts: Counter[str]) -> int:
    """Add the counts to SQL (upsert: count = count + n), in one transaction."""
    rows = []
    for field, n in counts.items():
        day, hour, article_id, ward, kind = field.split("|")
        rows.append({"day": day, "hour": int(hour), "article_id": int(article_id),
                     "ward": ward, "kind": kind, "count": n})
    if not rows:
        return 0
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ReadCounter)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "hour", "article_id", "ward", "kind"],
        set_={"count": ReadCounter.count + statement.excluded.count},
    )
    with engine.begin() as conn:
        # Counts of articles deleted meanwhile are dropped, not an error.
        ids = {r["article_id"] for r in rows}
        existing = set(conn.scalars(select(Article.id).where(Article.id.in_(ids))))
        rows = [r for r in rows if r["article_id"] in existing]
        if rows:
            conn.execute(statement, rows)
    return len(rows)


class MemoryCounters:
    """In-process counters for the embedded default."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[str] = Counter()

    def add(self, fields: Iterable[str]) -> None:
        with self._lock:
            self._pending.update(fields)

    def flush(self, engine: Engine) -> int:
        with self._lock:
            taken, self._pending = self._pending, Counter()
        try:
            return _write(engine, taken)
        except Exception:
            with self._lock:
                self._pending.update(taken)  # keep them for the next flush
            raise


class RedisCounters:
    """Counters in one Redis hash, shared by every web process."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        # Counted while Redis was away: kept here and handed over when it is back, so an
        # outage loses only what Redis itself held (the counts since its last flush).
        self._held: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._retry_at = 0.0
        # After a failure, one request at a time finds out whether Redis is back: when
        # Redis hangs rather than refuses, every other page would wait out the timeout too.
        self._down = self._probing = False

    def add(self, fields: Iterable[str]) -> None:
        counts = Counter(fields)
        with self._lock:
            if time.monotonic() < self._retry_at or self._probing:
                self._hold(counts)  # down a moment ago, or someone is finding out
                return
            self._probing = self._down
            counts.update(self._held)
            self._held = Counter()
        sent = False
        try:
            pipe = self._client.pipeline(transaction=False)
            for field, n in counts.items():
                pipe.hincrby(PENDING, field, n)
            pipe.execute()
            sent = True
        except redis.RedisError as exc:  # counting must never break a page
            with self._lock:
                if not self._held:
                    log.warning("counters: Redis unavailable, counting in this process: %s",
                                exc)
                self._retry_at = time.monotonic() + 1.0
                self._hold(counts)
        finally:
            with self._lock:
                self._probing, self._down = False, not sent

    def _hold(self, counts: Counter[str]) -> None:
        if len(self._held) < MAX_HELD_FIELDS:  # a long outage must not exhaust memory
            self._held.update(counts)

    def flush(self, engine: Engine) -> int:
        # One flusher at a time across processes: otherwise a second one would take the
        # first one's hash, still being written, for a leftover and count it twice.
        lock = self._client.lock(FLUSH_LOCK, timeout=FLUSH_LOCK_MS / 1000, blocking=False)
        if not lock.acquire():
            return 0
        try:
            return self._flush_locked(engine)
        finally:
            with contextlib.suppress(LockError):  # it lapsed: another flusher's now
                lock.release()

    def _flush_locked(self, engine: Engine) -> int:
        # Leftovers of a flush that could not reach SQL go first.
        keys = [k.decode() for k in self._client.scan_iter(FLUSHING + "*")]
        try:
            key = FLUSHING + uuid.uuid4().hex
            self._client.rename(PENDING, key)
            keys.append(key)
        except redis.ResponseError:
            pass  # nothing pending
        written = 0
        for key in keys:
            raw = self._client.hgetall(key)
            counts = Counter({f.decode(): int(v) for f, v in raw.items()})
            written += _write(engine, counts)
            self._client.delete(key)
        return written


def make_counters(redis_url: str | None) -> Counters:
    return RedisCounters(redis_url) if redis_url else MemoryCounters()
