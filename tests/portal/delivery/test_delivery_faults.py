"""Faults: the SMTP server down or refusing, a notice withdrawn or a resident erased while
mail waits in the outbox. Publishing never fails for the editor; nothing is lost or sent
when it should not be."""

from __future__ import annotations

import time

from sqlalchemy import select

from portal.db.models import Delivery, Notice
from portal.db.session import session_scope
from portal.editorial.notices import cancel_notice
from tests.portal.delivery.helpers import (
    confirm_by_mail,
    drain,
    new_profile,
    publish,
    subscribe,
)
from tests.portal.delivery.smtp_server import SmtpServer


def _rows(ctx, notice_id: int) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    with ctx.sessions() as session:
        return [(r.state, r.attempts) for r in session.scalars(
            select(Delivery).where(Delivery.notice_id == notice_id).order_by(Delivery.id))]


def _subscribed(client, ctx, smtp: SmtpServer, address: str, **profile) -> str:  # type: ignore[no-untyped-def]
    pid = new_profile(client, **profile)
    subscribe(client, pid, address)
    confirm_by_mail(client, ctx, smtp, address)
    smtp.inbox.messages.clear()
    return pid


def test_server_down_then_back_loses_nothing(mail_ctx, client_for, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    _subscribed(client, mail_ctx, smtp, "a@example.jp")
    smtp.stop()
    started = time.monotonic()
    notice_id = publish(mail_ctx)  # the editor's publish does not wait for SMTP
    assert time.monotonic() - started < 2
    report = drain(mail_ctx)
    assert report.sent == 0 and report.errors
    assert _rows(mail_ctx, notice_id) == [("queued", 0)]  # the server was never reached
    smtp.restart()
    report = drain(mail_ctx)
    assert report.sent == 1
    assert len(smtp.inbox.to("a@example.jp")) == 1


def test_temporary_refusal_is_retried_with_backoff(mail_ctx, client_for,
                                                   smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    _subscribed(client, mail_ctx, smtp, "busy@example.jp")
    smtp.inbox.refuse["busy@example.jp"] = "451 4.3.0 try again later"
    notice_id = publish(mail_ctx)
    assert drain(mail_ctx).retried == 1
    assert _rows(mail_ctx, notice_id) == [("queued", 1)]
    assert drain(mail_ctx).retried == 0  # not due yet: backoff
    del smtp.inbox.refuse["busy@example.jp"]
    time.sleep(0.3)
    assert drain(mail_ctx).sent == 1
    assert _rows(mail_ctx, notice_id) == [("sent", 2)]


def test_permanent_refusal_stops_the_subscription_with_the_reason(
        mail_ctx, client_for, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    pid = _subscribed(client, mail_ctx, smtp, "gone@example.jp")
    smtp.inbox.refuse["gone@example.jp"] = "550 5.1.1 no such user"
    notice_id = publish(mail_ctx)
    assert drain(mail_ctx).failed == 1
    assert _rows(mail_ctx, notice_id) == [("failed", 1)]
    [sub] = client.get(f"/api/v1/profiles/{pid}/subscriptions").json()
    assert sub["state"] == "stopped" and "550" in sub["stopped_reason"]
    client.cookies.clear()
    # The resident sees why on their page.
    from portal.routes.deps import PROFILE_COOKIE
    from portal.signing import profile_signer

    client.cookies.set(PROFILE_COOKIE, profile_signer(mail_ctx.settings).dumps(pid))
    page = client.get("/notifications")
    assert page.status_code == 200 and "550 5.1.1 no such user" in page.text


def test_withdrawing_cancels_what_is_still_queued(mail_ctx, client_for,
                                                   smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    _subscribed(client, mail_ctx, smtp, "w@example.jp")
    notice_id = publish(mail_ctx)
    with session_scope(mail_ctx.sessions) as session:
        cancel_notice(session, None, session.get(Notice, notice_id))
    drain(mail_ctx)
    assert smtp.inbox.messages == []
    assert _rows(mail_ctx, notice_id) == [("cancelled", 0)]


def test_erased_resident_gets_nothing_queued(mail_ctx, client_for, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    pid = _subscribed(client, mail_ctx, smtp, "erase@example.jp")
    export = client.get(f"/api/v1/profiles/{pid}").json()
    assert [s["address"] for s in export["subscriptions"]] == ["erase@example.jp"]
    notice_id = publish(mail_ctx)
    assert client.delete(f"/api/v1/profiles/{pid}").status_code == 204
    drain(mail_ctx)
    assert smtp.inbox.messages == []
    assert _rows(mail_ctx, notice_id) == []  # the address and its mail are gone
