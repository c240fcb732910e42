"""Digests: the resident's top new items ranked as their feed, with reasons; once per
period; nothing when nothing is new; `mymachi digest send --dry-run` counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from portal.db.models import Subscription
from portal.db.session import session_scope
from portal.delivery.digests import last_boundary, send_digests
from tests.portal.delivery.helpers import confirm_by_mail, drain, new_profile, subscribe
from tests.portal.delivery.smtp_server import SmtpServer, text_of
from tests.portal.resident_seed import seed_articles


def test_due_times_are_local_seven_oclock() -> None:
    # 2026-12-05 (Saturday) 06:59 JST is still the 4th's digest; 07:00 is the 5th's.
    before = datetime(2026, 12, 4, 21, 59, tzinfo=UTC)
    at = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    assert last_boundary("daily", before, 7).isoformat() == "2026-12-04T07:00:00+09:00"
    assert last_boundary("daily", at, 7).isoformat() == "2026-12-05T07:00:00+09:00"
    assert last_boundary("weekly", at, 7).isoformat() == "2026-11-30T07:00:00+09:00"


def test_daily_digest_once_with_reasons_and_nothing_when_nothing_is_new(
        mail_ctx, client_for, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    seed_articles(mail_ctx)
    client = client_for(mail_ctx)
    reader = new_profile(client, categories=["disaster"])
    idle = new_profile(client, categories=["disaster"])
    subscribe(client, reader, "reader@example.jp", digest="daily")
    subscribe(client, idle, "idle@example.jp", digest="daily")
    for address in ("reader@example.jp", "idle@example.jp"):
        confirm_by_mail(client, mail_ctx, smtp, address)
    smtp.inbox.messages.clear()
    now = datetime.now(UTC)
    # Last digests: a month ago, and just before today's (the newest article is a day old).
    just_before = last_boundary("daily", now, 7) - timedelta(minutes=1)
    with session_scope(mail_ctx.sessions) as session:
        session.execute(update(Subscription).where(Subscription.address == "reader@example.jp")
                        .values(last_digest_at=now - timedelta(days=30)))
        session.execute(update(Subscription).where(Subscription.address == "idle@example.jp")
                        .values(last_digest_at=just_before))
    dry = send_digests(mail_ctx, "daily", dry_run=True, now=now)
    assert (dry.considered, dry.queued) == (2, 1)
    report = send_digests(mail_ctx, "daily", now=now)
    assert (report.queued, report.empty) == (1, 1)
    assert send_digests(mail_ctx, "daily", now=now).considered == 0  # once per period
    drain(mail_ctx)
    assert [m["To"] for m in smtp.inbox.messages] == ["reader@example.jp"]
    mail = smtp.inbox.messages[0]
    assert "今日の新着" in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = text_of(mail)
    assert "総合防災訓練を実施します" in body
    assert "防災・安全" in body  # the reason, as on the feed
