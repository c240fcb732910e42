"""Daily and weekly digests: each subscriber's top new items since their last digest, ranked
as their feed (with the reason for each), deadlines soon and active notices.

A digest falls due at `digest_hour` local time (Asia/Tokyo): every day, or on Mondays.
`send_digests` walks the due subscriptions in pages by id (memory flat in their number),
takes each one by moving its `last_digest_at` (so two runs never build the same digest) and
writes its outbox row in the same transaction; nothing is queued when nothing is new.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Delivery, Notice, Profile, Subscription, utcnow
from portal.i18n import JST, format_date

FREQUENCIES = ("daily", "weekly")
DIGEST_ITEMS = 10
DEADLINE_DAYS = 14
PAGE = 200


def last_boundary(frequency: str, now: datetime, hour: int) -> datetime:
    """The most recent time a digest of this frequency fell due, at or before `now`."""
    local = now.astimezone(JST)
    boundary = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if boundary > local:
        boundary -= timedelta(days=1)
    if frequency == "weekly":
        boundary -= timedelta(days=boundary.weekday())  # Monday
    return boundary


@dataclass
class DigestReport:
    considered: int = 0
    queued: int = 0
    empty: int = 0
    seconds: float = 0.0


def build_digest(ctx: AppContext, session: Session, profile: Profile, since: datetime | None,
                 now: datetime, notices: list[Notice]) -> dict[str, Any] | None:
    """What one resident's digest says, or None when nothing is new for them."""
    from portal.editorial.notices import filter_for
    from portal.feed.ranking import personal_feed

    lang = profile.language
    feed = personal_feed(ctx, session, profile, now=now, limit=60, cards=True)
    new = [item for item in feed
           if since is None or (item.article.published and item.article.published > since)]
    if not new:
        return None
    horizon = now + timedelta(days=DEADLINE_DAYS)
    return {
        "items": [{"title": i.article.title, "url": i.article.url, "reason": i.reason}
                  for i in new[:DIGEST_ITEMS]],
        "deadlines": [{"title": i.article.title, "url": i.article.url,
                       "deadline": format_date(i.article.deadline, lang)}
                      for i in feed if i.article.deadline and now <= i.article.deadline
                      <= horizon][:5],
        "notices": [{"severity": n.severity, "title": n.title}
                    for n in filter_for(notices, profile)],
    }


def _due_page(session: Session, frequency: str, boundary: datetime, after: str
              ) -> list[tuple[str, str, datetime | None]]:
    return [(sid, pid, last) for sid, pid, last in session.execute(
        select(Subscription.id, Subscription.profile_id, Subscription.last_digest_at)
        .where(Subscription.state == "active", Subscription.digest == frequency,
               Subscription.id > after,
               or_(Subscription.last_digest_at.is_(None),
                   Subscription.last_digest_at < boundary))
        .order_by(Subscription.id).limit(PAGE))]


def send_digests(ctx: AppContext, frequency: str | None = None, *, dry_run: bool = False,
                 now: datetime | None = None) -> DigestReport:
    """Queue the digests that are due (both frequencies unless one is named)."""
    from portal.editorial.notices import active_notices

    now = now or utcnow()
    report, started = DigestReport(), time.perf_counter()
    for freq in [frequency] if frequency else FREQUENCIES:
        boundary = last_boundary(freq, now, ctx.settings.digest_hour)
        key = f"digest:{freq}:{boundary.date().isoformat()}"
        after = ""
        while True:
            with ctx.sessions() as session:
                page = _due_page(session, freq, boundary, after)
                notices = active_notices(session, now)
                for sid, profile_id, since in page:
                    report.considered += 1
                    _one(ctx, session, sid, profile_id, since, now, notices, freq, key,
                         dry_run, report)
                if not dry_run:
                    session.commit()
            if len(page) < PAGE:
                break
            after = page[-1][0]
    report.seconds = time.perf_counter() - started
    return report


def _one(ctx: AppContext, session: Session, sid: str, profile_id: str,
         since: datetime | None, now: datetime, notices: list[Notice], freq: str, key: str,
         dry_run: bool, report: DigestReport) -> None:
    profile = session.get(Profile, profile_id)
    if profile is None:
        return
    content = build_digest(ctx, session, profile, since, now, notices)
    if content is None:
        report.empty += 1
    if dry_run:
        report.queued += content is not None
        return
    taken = session.execute(
        update(Subscription).where(Subscription.id == sid,
                                   Subscription.last_digest_at.is_(since) if since is None
                                   else Subscription.last_digest_at == since)
        .values(last_digest_at=now).execution_options(synchronize_session=False))
    if taken.rowcount != 1 or content is None:  # type: ignore[attr-defined]
        return  # another run took it, or nothing new (the window still moves on)
    session.add(Delivery(item=key, kind="digest", channel="email", subscription_id=sid,
                         payload={"frequency": freq, **content}))
    report.queued += 1
