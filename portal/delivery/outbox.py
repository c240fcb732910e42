"""The outbox: rows written with the item they deliver, claimed one by one, sent once.

At most once per (item, recipient): a unique index keeps an item from being queued twice,
and a row is claimed (queued → sending, committed) before anything goes on the wire. A row
whose worker died mid-send stays "sending" until its lease runs out and is then marked
failed, never sent again: the resident may have it already. Temporary failures go back to
the queue with exponential backoff; permanent ones fail and stop the subscription.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from portal.db.models import Delivery, Notice, Profile, Subscription, Webhook, utcnow

# Notices that go out by mail at once; info notices wait for the digest.
MAILED_SEVERITIES = ("emergency", "warning")
FANOUT_CHUNK = 1000
INTERRUPTED = "delivery.error_interrupted"


def _scope_matches(notice: Notice, sub_categories: list[str], sub_areas: list[str],
                   categories: dict[str, Any] | list[str], areas: list[str],
                   life_stages: list[str]) -> bool:
    # Imported here: portal.editorial.notices calls into this module when notices change.
    from portal.editorial.notices import reaches

    return reaches(notice, sub_categories or list(categories), sub_areas or areas, life_stages)


def _email_recipients(session: Session, notice: Notice) -> Iterator[str]:
    """Active email subscriptions that want emergencies and that the notice reaches,
    streamed: memory stays flat in the number of subscribers."""
    query = (
        select(Subscription.id, Subscription.categories, Subscription.areas,
               Profile.categories, Profile.areas, Profile.life_stages)
        .join(Profile, Profile.id == Subscription.profile_id)
        .where(Subscription.state == "active", Subscription.emergencies.is_(True),
               Subscription.channel == "email")
        .execution_options(yield_per=FANOUT_CHUNK)
    )
    for sid, sub_cats, sub_areas, cats, areas, stages in session.execute(query):
        if _scope_matches(notice, sub_cats, sub_areas, cats, areas, stages):
            yield sid


def _insert_chunks(session: Session, rows: Iterator[dict[str, Any]]) -> int:
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= FANOUT_CHUNK:
            session.execute(insert(Delivery), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        session.execute(insert(Delivery), chunk)
        count += len(chunk)
    return count


def queue_notice(session: Session, notice: Notice, event: str) -> int:
    """Outbox rows for a notice `event` (published | changed | withdrawn), in the caller's
    transaction. Mail goes out for a published emergency or warning (at its start, when it
    is scheduled); every webhook hears every event. Returns the rows written."""
    now = utcnow()
    session.flush()
    written = 0
    if event == "withdrawn":
        session.execute(update(Delivery).where(
            Delivery.notice_id == notice.id, Delivery.state == "queued",
            Delivery.channel != "webhook").values(state="cancelled", last_error="withdrawn"))
    if event == "published" and notice.severity in MAILED_SEVERITIES:
        due = max(notice.starts_at or now, now)
        written += _insert_chunks(session, (
            {"item": f"notice:{notice.id}", "kind": "notice", "channel": "email",
             "notice_id": notice.id, "subscription_id": sid, "state": "queued",
             "attempts": 0, "next_attempt_at": due, "payload": {}, "created_at": now}
            for sid in _email_recipients(session, notice)))
    # A changed notice is announced once per change; the change's time tells them apart.
    item = f"notice:{notice.id}:{event}" + (
        f":{notice.updated_at.timestamp():.6f}" if event == "changed" else "")
    written += _insert_chunks(session, (
        {"item": item, "kind": "webhook", "channel": "webhook", "notice_id": notice.id,
         "webhook_id": wid, "state": "queued", "attempts": 0, "next_attempt_at": now,
         "payload": {"event": event}, "created_at": now}
        for wid in session.scalars(select(Webhook.id).where(Webhook.active.is_(True)))))
    return written


# --- the workers' side ----------------------------------------------------------------------


def due_ids(session: Session, channel: str, now: datetime, limit: int) -> list[int]:
    return list(session.scalars(
        select(Delivery.id).where(Delivery.state == "queued", Delivery.channel == channel,
                                  Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)))


def claim(session: Session, delivery_id: int, now: datetime) -> Delivery | None:
    """Take one row for sending; None when another worker took it first. The caller
    commits before sending: from then on, the row is never sent again."""
    taken = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.state == "queued")
        .values(state="sending", claimed_at=now, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(Delivery, delivery_id, populate_existing=True)


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: int
    error: str | None = None  # None: sent
    permanent: bool = False


def backoff(settings_retry: float, attempts: int) -> timedelta:
    return timedelta(seconds=min(settings_retry * 2 ** max(attempts - 1, 0), 3600.0))


def record(session: Session, outcomes: list[Outcome], *, retry_seconds: float,
           max_attempts: int, now: datetime | None = None) -> None:
    """Write what happened to claimed rows. A permanent refusal stops the subscription (or
    disables the webhook) with the reason, so the resident (or the admin) sees why."""
    now = now or utcnow()
    sent = [o.delivery_id for o in outcomes if o.error is None]
    if sent:
        session.execute(update(Delivery).where(Delivery.id.in_(sent))
                        .values(state="sent", sent_at=now, last_error=None)
                        .execution_options(synchronize_session=False))
    for outcome in outcomes:
        if outcome.error is None:
            continue
        row = session.get(Delivery, outcome.delivery_id)
        if row is None:
            continue
        row.last_error = outcome.error[:2000]
        if outcome.permanent or row.attempts >= max_attempts:
            row.state = "failed"
            if outcome.permanent:
                _disable_recipient(session, row, outcome.error)
        else:
            row.state = "queued"
            row.next_attempt_at = now + backoff(retry_seconds, row.attempts)
    session.flush()


def _disable_recipient(session: Session, row: Delivery, reason: str) -> None:
    from portal.residents.subscriptions import stop_subscription

    if row.subscription_id is not None:
        sub = session.get(Subscription, row.subscription_id)
        if sub is not None:
            stop_subscription(session, sub, reason)
    elif row.webhook_id is not None:
        hook = session.get(Webhook, row.webhook_id)
        if hook is not None:
            hook.active, hook.disabled_reason = False, reason


def cancel(session: Session, delivery_id: int, reason: str) -> None:
    session.execute(update(Delivery).where(Delivery.id == delivery_id)
                    .values(state="cancelled", last_error=reason)
                    .execution_options(synchronize_session=False))


def sweep_interrupted(session: Session, lease_seconds: float, now: datetime | None = None
                      ) -> int:
    """Rows a dead worker left "sending": failed, not retried (at most once)."""
    now = now or utcnow()
    result = session.execute(
        update(Delivery).where(Delivery.state == "sending",
                               Delivery.claimed_at < now - timedelta(seconds=lease_seconds))
        .values(state="failed", last_error=INTERRUPTED)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- reports --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelReport:
    channel: str
    queued: int
    sending: int
    sent: int
    failed: int
    cancelled: int
    first_queued: datetime | None
    last_sent: datetime | None

    @property
    def seconds_to_last(self) -> float | None:
        if self.first_queued is None or self.last_sent is None:
            return None
        return max((self.last_sent - self.first_queued).total_seconds(), 0.0)


def notice_report(session: Session, notice_id: int) -> list[ChannelReport]:
    """Queued / sent / failed per channel and the time from queueing to the last delivery."""
    rows = session.execute(
        select(Delivery.channel, Delivery.state, func.count(), func.min(Delivery.created_at),
               func.max(Delivery.sent_at))
        .where(Delivery.notice_id == notice_id, Delivery.kind != "confirm")
        .group_by(Delivery.channel, Delivery.state)).all()
    by_channel: dict[str, dict[str, Any]] = {}
    for channel, state, n, first, last in rows:
        entry = by_channel.setdefault(channel, {"first": None, "last": None})
        entry[state] = n
        if first is not None and (entry["first"] is None or first < entry["first"]):
            entry["first"] = first
        if last is not None and (entry["last"] is None or last > entry["last"]):
            entry["last"] = last
    return [
        ChannelReport(channel=ch, queued=e.get("queued", 0), sending=e.get("sending", 0),
                      sent=e.get("sent", 0), failed=e.get("failed", 0),
                      cancelled=e.get("cancelled", 0), first_queued=e["first"],
                      last_sent=e["last"])
        for ch, e in sorted(by_channel.items())
    ]


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Delivery).where(
        or_(Delivery.state == "queued", Delivery.state == "sending"))) or 0
