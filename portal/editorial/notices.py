"""Editors' priority notices: who they reach and when; every change audited."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import LRUCache
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, sessionmaker

from portal.context import AppContext
from portal.db.models import Notice, Profile, utcnow
from portal.db.session import get_by_id
from portal.editorial.audit import audit
from portal.runtime.live import LiveNotices

SEVERITIES = ("emergency", "warning", "info")
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class NoticeInput:
    severity: str
    title: str
    body: str
    scope_categories: list[str]
    scope_areas: list[str]
    starts_at: datetime
    ends_at: datetime | None
    scope_life_stages: list[str] | None = None


class NoticeError(ValueError):
    """Invalid notice input; the message is a translation key."""


def _validate(data: NoticeInput) -> None:
    if not data.title.strip():
        raise NoticeError("editor.error_title")
    if data.severity not in SEVERITIES:
        raise NoticeError("editor.error_severity")
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise NoticeError("editor.error_period")


def _snapshot(notice: Notice) -> dict[str, Any]:
    return {
        "severity": notice.severity, "title": notice.title, "body": notice.body,
        "scope_categories": list(notice.scope_categories),
        "scope_areas": list(notice.scope_areas),
        "scope_life_stages": list(notice.scope_life_stages or []),
        "starts_at": notice.starts_at.isoformat() if notice.starts_at else None,
        "ends_at": notice.ends_at.isoformat() if notice.ends_at else None,
    }


def _apply(notice: Notice, data: NoticeInput) -> None:
    notice.severity = data.severity
    notice.title = data.title.strip()
    notice.body = data.body.strip()
    notice.scope_categories = list(data.scope_categories)
    notice.scope_areas = list(data.scope_areas)
    notice.scope_life_stages = list(data.scope_life_stages or [])
    notice.starts_at = data.starts_at
    notice.ends_at = data.ends_at
    notice.updated_at = utcnow()


def create_notice(session: Session, editor_id: int | None, data: NoticeInput, *,
                  origin: str = "editor", external_key: str | None = None) -> Notice:
    _validate(data)
    notice = Notice(state="published", created_by=editor_id, origin=origin,
                    external_key=external_key)
    _apply(notice, data)
    session.add(notice)
    session.flush()
    audit(session, editor_id, "notice.create", f"notice:{notice.id}",
          {"origin": origin, **_snapshot(notice)})
    _queue_delivery(session, notice, "published")
    return notice


def update_notice(session: Session, editor_id: int | None, notice: Notice,
                  data: NoticeInput) -> None:
    _validate(data)
    before = _snapshot(notice)
    _apply(notice, data)
    after = _snapshot(notice)
    changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    audit(session, editor_id, "notice.update", f"notice:{notice.id}", changed)
    if changed:
        _queue_delivery(session, notice, "changed")


def cancel_notice(session: Session, editor_id: int | None, notice: Notice,
                  reason: str = "") -> None:
    if notice.state == "cancelled":
        return
    notice.state = "cancelled"
    notice.updated_at = utcnow()
    audit(session, editor_id, "notice.cancel", f"notice:{notice.id}",
          {"reason": reason} if reason else {})
    _queue_delivery(session, notice, "withdrawn")


def _queue_delivery(session: Session, notice: Notice, event: str) -> None:
    """Outbox rows (mail to subscribers in scope, webhooks) in the same transaction as the
    change: committed together or not at all. Imported here: delivery imports this module."""
    from portal.delivery.outbox import queue_notice

    queue_notice(session, notice, event)


def notice_status(notice: Notice, now: datetime) -> str:
    """What residents see right now: scheduled, active, ended or cancelled."""
    if notice.state == "cancelled":
        return "cancelled"
    if notice.starts_at > now:
        return "scheduled"
    if notice.ends_at is not None and notice.ends_at <= now:
        return "ended"
    return "active"


def _not_ended(now: datetime) -> Select[tuple[Notice]]:
    """Published notices that have not ended by `now` (started or still scheduled)."""
    return select(Notice).where(Notice.state == "published",
                                or_(Notice.ends_at.is_(None), Notice.ends_at > now))


def _by_severity(notices: Iterable[Notice]) -> list[Notice]:
    return sorted(notices, key=lambda n: (SEVERITY_ORDER[n.severity], -n.id))


def active_notices(session: Session, now: datetime) -> list[Notice]:
    return _by_severity(session.scalars(_not_ended(now).where(Notice.starts_at <= now)))


def reaches(notice: Notice, categories: Iterable[str], areas: Iterable[str],
            life_stages: Iterable[str] = ()) -> bool:
    """Everyone when unscoped; otherwise the profile must match every scope that is set
    (a notice for ward A and 子育て reaches parents in ward A, not all of ward A)."""
    for scope, chosen in ((notice.scope_categories, categories), (notice.scope_areas, areas),
                          (notice.scope_life_stages or [], life_stages)):
        if scope and not set(scope) & set(chosen):
            return False
    return True


def is_for_everyone(notice: Notice) -> bool:
    return not (notice.scope_categories or notice.scope_areas or notice.scope_life_stages)


def filter_for(notices: Iterable[Notice], profile: Profile | None) -> list[Notice]:
    if profile is None:
        return [n for n in notices if is_for_everyone(n)]
    return [n for n in notices
            if reaches(n, profile.categories, profile.areas, profile.life_stages)]


def notices_for(session: Session, profile: Profile | None, now: datetime) -> list[Notice]:
    return filter_for(active_notices(session, now), profile)


# A live event that never came (Redis away) delays a change on pages and streams at most this
# long; it also bounds how stale the snapshot may be when a stream re-checks on its own.
SNAPSHOT_MAX_AGE = 5.0
RENDERED_KEPT = 256  # rendered notice regions kept (by language and notices shown)

Change = tuple[int, int]  # (live fan-out sequence, publishes from this process)


def _read_not_ended(session: Session, now: datetime) -> list[Notice]:
    notices = list(session.scalars(_not_ended(now)))
    for notice in notices:
        session.expunge(notice)  # read-only, shared across requests and streams
    return notices


class NoticesSnapshot:
    """The published notices that have not ended, read from SQL once per live change and
    shared by every page render (worker threads) and every open live stream (the event
    loop) of one context. `live` numbers the changes: its `sequence` moves with each change
    fanned out to this process, `published` at once with each published from it (a page
    served right after its own publish sees it). A change is read by whoever needs it first,
    with no lock held during the read; every other page or stream that needs that change
    waits for that one read. Which notices are active is decided per call, so scheduled
    starts and ends stay exact."""

    def __init__(self, live: LiveNotices, sessions: sessionmaker[Session]) -> None:
        self._live, self._sessions = live, sessions
        self._lock = threading.Lock()
        self._notices: list[Notice] = []
        self._read_for: Change = (-1, -1)
        self._read_at = 0.0
        self._reading: Future[list[Notice]] | None = None
        self._reading_for: Change = (-1, -1)
        # Pages and streams that show the same notices in the same language share one
        # rendering of them.
        self._rendered: LRUCache[tuple[Any, ...], str] = LRUCache(maxsize=RENDERED_KEPT)
        self._rendered_lock = threading.Lock()  # pages render on several threads

    def active(self, session: Session, now: datetime) -> list[Notice]:
        """For a page render: the active notices as of the latest change this process knows
        of; a read, when one is due, goes through the request's `session`."""
        notices, reading, mine = self._join((self._live.sequence, self._live.published))
        if mine is not None:
            assert reading is not None
            notices = self._read(reading, mine, lambda: _read_not_ended(session, now))
        elif notices is None:
            assert reading is not None
            notices = reading.result()
        return _active_at(notices, now)

    async def active_soon(self, change: int) -> list[Notice]:
        """For a live stream: the active notices as of fan-out change number `change` (0:
        any recent read will do). Of a thousand streams woken by one change, the first
        reads (in a worker thread, with a session of its own); the others await its read."""
        notices, reading, mine = self._join((change, 0))
        if mine is not None:
            assert reading is not None
            notices = await asyncio.to_thread(self._read, reading, mine, self._read_own)
        elif notices is None:
            assert reading is not None
            notices = await asyncio.wrap_future(reading)
        return _active_at(notices, utcnow())

    def render(self, key: tuple[Any, ...], render: Callable[[], str]) -> str:
        with self._rendered_lock:
            html = self._rendered.get(key)
        if html is None:  # rendered outside the lock: two threads may both render, harmlessly
            html = render()
            with self._rendered_lock:
                self._rendered[key] = html
        return html

    def _join(self, wanted: Change
              ) -> tuple[list[Notice] | None, Future[list[Notice]] | None, Change | None]:
        """(the snapshot, if fresh for `wanted`; else the read to wait for, and, when this
        caller must do that read, the change it reads for)."""
        with self._lock:
            if _covers(self._read_for, wanted) and (
                    time.monotonic() - self._read_at <= SNAPSHOT_MAX_AGE):
                return self._notices, None, None
            if self._reading is not None and _covers(self._reading_for, wanted):
                return None, self._reading, None
            # Everything this process knows of now is in the read about to start.
            known = (self._live.sequence, self._live.published)
            self._reading = Future()
            self._reading_for = (max(known[0], wanted[0]), max(known[1], wanted[1]))
            return None, self._reading, self._reading_for

    def _read(self, reading: Future[list[Notice]], read_for: Change,
              read: Callable[[], list[Notice]]) -> list[Notice]:
        started = time.monotonic()
        try:
            notices = read()
        except BaseException as exc:
            with self._lock:
                if self._reading is reading:
                    self._reading = None
            reading.set_exception(exc)
            raise
        with self._lock:
            if self._reading is reading:
                self._reading = None
            if _covers(read_for, self._read_for):  # a newer read may have finished first
                self._notices, self._read_for, self._read_at = notices, read_for, started
        reading.set_result(notices)
        return notices

    def _read_own(self) -> list[Notice]:
        # A short session of its own: a long-lived stream must not hold a pooled connection.
        with self._sessions() as session:
            return _read_not_ended(session, utcnow())


def _covers(read_for: Change, wanted: Change) -> bool:
    return read_for[0] >= wanted[0] and read_for[1] >= wanted[1]


def _active_at(notices: Iterable[Notice], now: datetime) -> list[Notice]:
    return _by_severity(n for n in notices if notice_status(n, now) == "active")


def notices_on_page(ctx: AppContext, session: Session, profile: Profile | None,
                    now: datetime) -> list[Notice]:
    """`notices_for`, from the notices this context's pages share."""
    return filter_for(ctx.notices.active(session, now), profile)


def all_notices(session: Session, limit: int = 100) -> list[Notice]:
    return list(session.scalars(select(Notice).order_by(Notice.id.desc()).limit(limit)))


def get_notice(session: Session, notice_id: int) -> Notice | None:
    return get_by_id(session, Notice, notice_id)


def save_from_console(ctx: AppContext, session: Session, editor_id: int,
                      data: NoticeInput, notice: Notice | None) -> Notice:
    """Create (notice None) or update a notice from the console form, and tell open pages."""
    if notice is None:
        notice = create_notice(session, editor_id, data)
    else:
        update_notice(session, editor_id, notice, data)
    _commit_and_announce(ctx, session, notice)
    return notice


def withdraw_from_console(ctx: AppContext, session: Session, editor_id: int,
                          notice: Notice) -> None:
    cancel_notice(session, editor_id, notice)
    _commit_and_announce(ctx, session, notice)


def _commit_and_announce(ctx: AppContext, session: Session, notice: Notice) -> None:
    # Committed before the announcement, not when the request ends: open pages in every
    # process re-read the notices as soon as they are told, and must find this change.
    session.commit()
    ctx.live.publish({"type": "notice", "id": notice.id})
