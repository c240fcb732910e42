"""Read counters: incremented in the hot store on every view, flushed to SQL periodically.

A counter's field is "day|hour|article_id|ward|kind". Redis keeps them in one hash; a flush
renames the hash first (atomic), so increments arriving during the flush start a new one,
and a flush that fails to reach SQL leaves the renamed hash to be retried. At most the
counts since the last flush are lost if Redis itself is lost.

`add_once` counts residents, not page loads: a field is counted the first time a visitor
adds it on its day (per visitor, article, kind and day), remembered in a set per day (Redis)
or in the process (embedded). The visitor is stored only hashed with the day, so a day's set
names no profile and cannot be joined to another day's.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
import uuid
from collections import Counter, defaultdict
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
MAX_HELD_FIELDS = 200_000  # distinct counts a web process keeps while Redis is away
SEEN = "mymachi:counters:seen:"  # + day: a set of who was counted for what that day
SEEN_TTL_S = 2 * 86_400  # outlives its day: a page stamped 23:59 may be counted after midnight
# KEYS: pending hash, the day's seen set; ARGV: ttl, then member, field pairs. Atomic, so two
# processes serving the same resident at once still count them once.
COUNT_ONCE_LUA = """
local counted = 0
for i = 2, #ARGV, 2 do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[1], ARGV[i + 1], 1)
    counted = counted + 1
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[1])
return counted
"""


def counter_field(article_id: int, kind: str, ward: str, at: datetime) -> str:
    local = at.astimezone(JST)
    return f"{local:%Y-%m-%d}|{local.hour}|{article_id}|{ward}|{kind}"


def seen_member(visitor: str, field: str) -> tuple[str, str]:
    """(day, member) of a field for `add_once`: who, which article, what kind; not the hour."""
    day, _hour, article_id, _ward, kind = field.split("|")
    who = hashlib.blake2b(f"{day}|{visitor}".encode(), digest_size=8).hexdigest()
    return day, f"{who}|{article_id}|{kind}"


Once = dict[str, dict[str, str]]  # day → seen member → counter field, for add_once


class Counters(Protocol):
    def add(self, fields: Iterable[str]) -> None: ...
    def add_once(self, visitor: str, fields: Iterable[str]) -> None:
        """Count each field only the first time `visitor` adds it on the field's day."""
    def flush(self, engine: Engine) -> int: ...


class SeenDays:
    """Which (visitor, article, kind) were counted on each day; keeps today and yesterday."""

    def __init__(self) -> None:
        self._days: dict[str, set[str]] = {}

    def first_time(self, visitor: str, fields: Iterable[str]) -> list[str]:
        new = []
        for field in fields:
            day, member = seen_member(visitor, field)
            seen = self._days.get(day)
            if seen is None:
                seen = self._days[day] = set()
                for old in sorted(self._days)[:-2]:
                    del self._days[old]
            if member not in seen:
                seen.add(member)
                new.append(field)
        return new


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
        self._seen = SeenDays()

    def add(self, fields: Iterable[str]) -> None:
        with self._lock:
            self._pending.update(fields)

    def add_once(self, visitor: str, fields: Iterable[str]) -> None:
        with self._lock:
            self._pending.update(self._seen.first_time(visitor, fields))

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
        # Once-only counts made meanwhile, by day and member: handed over through the same
        # script, so Redis still counts each visitor once (it may know them already).
        self._held_once: Once = {}
        self._count_once = self._client.register_script(COUNT_ONCE_LUA)
        self._lock = threading.Lock()
        self._retry_at = 0.0
        # After a failure, one request at a time finds out whether Redis is back: when
        # Redis hangs rather than refuses, every other page would wait out the timeout too.
        self._down = self._probing = False

    def add(self, fields: Iterable[str]) -> None:
        self._send(Counter(fields), {})

    def add_once(self, visitor: str, fields: Iterable[str]) -> None:
        once: Once = defaultdict(dict)
        for field in fields:
            day, member = seen_member(visitor, field)
            once[day].setdefault(member, field)
        self._send(Counter(), once)

    def _send(self, counts: Counter[str], once: Once) -> None:
        with self._lock:
            if time.monotonic() < self._retry_at or self._probing:
                # down a moment ago, or someone is finding out
                self._hold(counts, once)
                return
            self._probing = self._down
            counts.update(self._held)
            self._held = Counter()
            for day, members in self._held_once.items():
                once.setdefault(day, {}).update(members)
            self._held_once = {}
        sent = False
        try:
            pipe = self._client.pipeline(transaction=False)
            for field, n in counts.items():
                pipe.hincrby(PENDING, field, n)
            for day, members in once.items():
                pairs = [x for member, field in members.items() for x in (member, field)]
                self._count_once(keys=[PENDING, SEEN + day], args=[SEEN_TTL_S, *pairs],
                                 client=pipe)
            pipe.execute()
            sent = True
        except redis.RedisError as exc:  # counting must never break a page
            with self._lock:
                if not self._held and not self._held_once:
                    log.warning("counters: Redis unavailable, counting in this process: %s",
                                exc)
                self._retry_at = time.monotonic() + 1.0
                self._hold(counts, once)
        finally:
            with self._lock:
                self._probing, self._down = False, not sent

    def _hold(self, counts: Counter[str], once: Once) -> None:
        held = len(self._held) + sum(map(len, self._held_once.values()))
        if held < MAX_HELD_FIELDS:  # a long outage must not exhaust memory
            self._held.update(counts)
            for day, members in once.items():
                self._held_once.setdefault(day, {}).update(members)

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
