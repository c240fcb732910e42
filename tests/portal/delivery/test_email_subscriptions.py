"""Residents subscribe by email through the API: double opt-in, an emergency mailed once with
RFC 8058 headers and a readable Japanese subject, and nothing after one-click unsubscribe.
A real SMTP server (aiosmtpd) on loopback receives everything."""

from __future__ import annotations

from email.header import decode_header, make_header

from sqlalchemy import select

from portal.db.models import Delivery
from tests.portal.delivery.helpers import (
    LINK,
    confirm_by_mail,
    drain,
    new_profile,
    publish,
    subscribe,
)
from tests.portal.delivery.smtp_server import SmtpServer, text_of


def test_bad_input_is_a_422_naming_the_field(mail_ctx, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    pid = new_profile(client)
    url = f"/api/v1/profiles/{pid}/subscriptions"
    cases = [
        ({"channel": "email", "address": "not-an-address"}, "address"),
        ({"channel": "email", "address": "a@b.example", "categories": ["no-such-topic"]},
         "categories"),
        ({"channel": "email", "address": "a@b.example", "digest": "hourly"}, "digest"),
        ({"channel": "webpush", "subscription": {"endpoint": "https://push.example/x",
                                                 "keys": {"p256dh": "k", "auth": "a"}}},
         "channel"),  # off: no VAPID keys set
        ({"channel": "fax", "address": "a@b.example"}, "channel"),
    ]
    for body, field in cases:
        response = client.post(url, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"][0]["loc"][-1] == field, response.json()
    assert client.post("/api/v1/profiles/nobody/subscriptions",
                       json={"channel": "email", "address": "a@b.example"}).status_code == 404


def test_subscribe_confirm_emergency_once_then_one_click_unsubscribe(
        mail_ctx, client_for, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    pid = new_profile(client)
    sub = subscribe(client, pid, "hanako@example.jp")
    assert sub["state"] == "pending" and sub["channel"] == "email"

    # Before confirming, only the confirmation goes out: the emergency waits for no one.
    publish(mail_ctx, "訓練ではありません")
    drain(mail_ctx)
    assert [m["Subject"] for m in smtp.inbox.to("hanako@example.jp")] == [
        "若葉野市：メール配信の登録確認"]
    confirm = smtp.inbox.to("hanako@example.jp")[0]
    assert "List-Unsubscribe" not in confirm
    # The page behind the link does not confirm by being opened (link scanners).
    listed = client.get(f"/api/v1/profiles/{pid}/subscriptions").json()
    assert [s["state"] for s in listed] == ["pending"]
    smtp.inbox.messages.clear()
    path = LINK.search(text_of(confirm)).group(1)  # type: ignore[union-attr]
    page = client.get(path)
    assert page.status_code == 200 and page.text.count("<form method=\"post\"") == 1
    assert [s["state"] for s in client.get(f"/api/v1/profiles/{pid}/subscriptions").json()
            ] == ["pending"]
    assert client.post(path).status_code == 200
    assert [s["state"] for s in client.get(f"/api/v1/profiles/{pid}/subscriptions").json()
            ] == ["active"]

    notice_id = publish(mail_ctx, "避難指示：若葉川流域")
    report = drain(mail_ctx)
    assert report.sent == 1
    drain(mail_ctx)  # again: nothing more
    mails = smtp.inbox.to("hanako@example.jp")
    assert len(mails) == 1
    mail = mails[0]
    raw_subject = mail.get("Subject", "")
    assert str(make_header(decode_header(raw_subject))) == "【緊急】避難指示：若葉川流域"
    assert mail["Message-ID"].startswith("<notice.") and mail["Message-ID"].endswith(
        "@city.example.lg.jp>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://portal.test/unsubscribe/")
    assert mail.get_body(preferencelist=("html",)) is not None
    assert "直ちに避難してください。" in text_of(mail)
    with mail_ctx.sessions() as session:
        rows = session.scalars(select(Delivery).where(Delivery.notice_id == notice_id)).all()
        assert [(r.state, r.attempts) for r in rows] == [("sent", 1)]

    # RFC 8058: one POST, no login, no cookie.
    client.cookies.clear()
    response = client.post(unsubscribe.removeprefix("http://portal.test"),
                           content=b"List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    listed = client.get(f"/api/v1/profiles/{pid}/subscriptions").json()
    assert listed[0]["state"] == "stopped" and listed[0]["stopped_reason"]
    publish(mail_ctx, "避難指示：第二報")
    drain(mail_ctx)
    assert len(smtp.inbox.to("hanako@example.jp")) == 1


def test_list_and_delete(mail_ctx, client_for, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    pid = new_profile(client)
    sub = subscribe(client, pid, "taro@example.jp", digest="weekly")
    again = subscribe(client, pid, "Taro@example.jp", digest="daily")
    assert again["id"] == sub["id"]  # the same address: one subscription, updated
    listed = client.get(f"/api/v1/profiles/{pid}/subscriptions").json()
    assert [(s["id"], s["digest"]) for s in listed] == [(sub["id"], "daily")]
    url = f"/api/v1/profiles/{pid}/subscriptions/{sub['id']}"
    assert client.delete(url).status_code == 204
    assert client.get(f"/api/v1/profiles/{pid}/subscriptions").json() == []
    assert client.delete(url).status_code == 404
    drain(mail_ctx)
    assert smtp.inbox.messages == []  # deleted before the confirmation went out


def test_emergency_reaches_only_subscribers_in_scope(mail_ctx, client_for,
                                                     smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mail_ctx)
    ward = mail_ctx.areas[0].slug
    other = mail_ctx.areas[1].slug
    inside = new_profile(client, areas=[ward])
    outside = new_profile(client, areas=[other])
    for pid, address in ((inside, "in@example.jp"), (outside, "out@example.jp")):
        subscribe(client, pid, address)
        confirm_by_mail(client, mail_ctx, smtp, address)
    smtp.inbox.messages.clear()
    publish(mail_ctx, "断水のお知らせ", severity="warning", areas=[ward])
    publish(mail_ctx, "図書館の休館", severity="info")  # info waits for the digest
    drain(mail_ctx)
    assert [m["To"] for m in smtp.inbox.messages] == ["in@example.jp"]


def test_the_notice_page_shows_its_delivery_report(mail_ctx, client_for,
                                                   smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    from tests.portal.editor_helpers import login_as

    client = client_for(mail_ctx)
    for address in ("r1@example.jp", "r2@example.jp"):
        subscribe(client, new_profile(client), address)
        confirm_by_mail(client, mail_ctx, smtp, address)
        smtp.inbox.messages.clear()
    smtp.inbox.refuse["r2@example.jp"] = "550 5.1.1 no such user"
    notice_id = publish(mail_ctx)
    drain(mail_ctx)
    client.cookies.clear()
    login_as(client, mail_ctx, "chief", "editor")
    page = client.get(f"/editor/notices/{notice_id}/edit")
    assert page.status_code == 200
    row = page.text.split('data-channel="email"')[1].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:]]
    assert cells[:4] == ["0", "1", "1", "0"], cells  # queued, sent, failed, cancelled
    assert cells[4].endswith("秒") or cells[4].endswith(" s")
