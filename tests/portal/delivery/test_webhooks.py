"""Webhooks: notice events POSTed to a real HTTP receiver that verifies the Standard Webhooks
signature with the standardwebhooks library; retried from the outbox; the SSRF guard holds."""

from __future__ import annotations

import json
import time
from typing import Any

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier
from werkzeug import Request, Response

from portal.db.models import Delivery, Notice
from portal.db.session import session_scope
from portal.delivery.webhooks import register_webhook
from portal.editorial.notices import cancel_notice
from tests.portal.delivery.helpers import drain, publish
from tests.portal.editor_helpers import csrf_of, login_as


def _receiver(httpserver: HTTPServer, secret: str, seen: list[dict[str, Any]],
              fail_first: int = 0) -> None:
    calls = {"n": 0}

    def handle(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] <= fail_first:
            return Response("busy", status=503)
        headers = {k.lower(): v for k, v in request.headers.items()}
        payload = Verifier(secret).verify(request.get_data(), headers)  # raises if forged
        seen.append({"id": headers["webhook-id"], **payload})
        return Response("", status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handle)


def test_events_are_signed_retried_and_logged(make_ctx, sqlite_url: str, client_for,
                                              httpserver: HTTPServer) -> None:
    ctx = make_ctx(sqlite_url, delivery_retry_seconds=0.01)
    with session_scope(ctx.sessions) as session:
        hook = register_webhook(session, None, httpserver.url_for("/hook"), "LINE bridge")
        secret = hook.secret
    seen: list[dict[str, Any]] = []
    _receiver(httpserver, secret, seen, fail_first=1)
    notice_id = publish(ctx, "避難指示", severity="emergency")
    # The first POST gets a 503: back in the queue, due again after a (short) backoff.
    assert drain(ctx).retried == 1
    for _ in range(40):
        if seen:
            break
        time.sleep(0.05)
        drain(ctx)
    with session_scope(ctx.sessions) as session:
        cancel_notice(session, None, session.get(Notice, notice_id))
    drain(ctx)
    assert [e["type"] for e in seen] == ["notice.published", "notice.withdrawn"]
    assert seen[0]["data"]["title"] == "避難指示" and seen[0]["data"]["severity"] == "emergency"
    assert len({e["id"] for e in seen}) == 2
    with ctx.sessions() as session:
        states = [(d.state, d.attempts) for d in session.scalars(
            select(Delivery).where(Delivery.channel == "webhook").order_by(Delivery.id))]
    assert states == [("sent", 2), ("sent", 1)]

    client = client_for(ctx)
    login_as(client, ctx, "admin", "admin")
    page = client.get("/editor/webhooks")
    assert page.status_code == 200 and httpserver.url_for("/hook") in page.text
    assert f"notice:{notice_id}:published" in page.text  # the delivery log


def test_admin_registers_a_webhook_and_sees_its_secret_once(make_ctx, sqlite_url: str,
                                                            client_for) -> None:
    ctx = make_ctx(sqlite_url)
    client = client_for(ctx)
    login_as(client, ctx, "admin", "admin")
    page = client.get("/editor/webhooks")
    response = client.post("/editor/webhooks", data={
        "csrf_token": csrf_of(page.text), "url": "https://relay.example.jp/in"})
    assert response.status_code == 200 and "whsec_" in response.text
    assert "whsec_" not in client.get("/editor/webhooks").text
    bad = client.post("/editor/webhooks", data={"csrf_token": csrf_of(page.text),
                                                "url": "ftp://x"})
    assert bad.status_code == 422


def test_the_ssrf_guard_applies_to_webhook_urls(make_ctx, sqlite_url: str,
                                                httpserver: HTTPServer) -> None:
    ctx = make_ctx(sqlite_url, crawl_allow="")  # loopback not allowed
    with session_scope(ctx.sessions) as session:
        hook = register_webhook(session, None, httpserver.url_for("/hook"))
        secret = hook.secret
    seen: list[dict[str, Any]] = []
    _receiver(httpserver, secret, seen)
    publish(ctx)
    report = drain(ctx)
    assert report.sent == 0 and seen == []
    assert any("blocked" in e or "private" in e for e in report.errors), report.errors
    json.dumps(report.errors)
