"""Shared steps of the delivery tests: a resident subscribes and confirms, a notice goes out."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from portal.context import AppContext
from portal.db.models import Notice, utcnow
from portal.db.session import session_scope
from portal.delivery.runner import DeliveryRunner, DrainReport
from portal.editorial.notices import NoticeInput, create_notice
from tests.portal.delivery.smtp_server import SmtpServer, text_of

LINK = re.compile(r"http://portal\.test(/\S+)")


def drain(ctx: AppContext) -> DrainReport:
    return asyncio.run(DeliveryRunner(ctx).drain())


def new_profile(client: TestClient, **fields: Any) -> str:
    body = {"categories": [], "areas": [], "life_stages": [], "keywords": [], **fields}
    response = client.post("/api/v1/profiles", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def subscribe(client: TestClient, profile_id: str, address: str, **fields: Any
              ) -> dict[str, Any]:
    response = client.post(f"/api/v1/profiles/{profile_id}/subscriptions",
                           json={"channel": "email", "address": address, "digest": "off",
                                 "emergencies": True, **fields})
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


def confirm_by_mail(client: TestClient, ctx: AppContext, smtp: SmtpServer, address: str
                    ) -> None:
    """Open the confirmation mail's link and press the page's one button."""
    drain(ctx)
    mails = smtp.inbox.to(address)
    assert len(mails) == 1, [m["Subject"] for m in mails]
    path = LINK.search(text_of(mails[-1])).group(1)  # type: ignore[union-attr]
    page = client.get(path)
    assert page.status_code == 200 and page.text.count("<button") >= 1
    assert client.post(path).status_code == 200


def publish(ctx: AppContext, title: str = "避難指示：若葉川流域", severity: str = "emergency",
            **scope: list[str]) -> int:
    with session_scope(ctx.sessions) as session:
        notice = create_notice(session, None, NoticeInput(
            severity=severity, title=title, body="直ちに避難してください。",
            scope_categories=scope.get("categories", []), scope_areas=scope.get("areas", []),
            starts_at=utcnow() - timedelta(seconds=1), ends_at=None))
        return int(notice.id)


def notice_state(ctx: AppContext, notice_id: int) -> str:
    with ctx.sessions() as session:
        return str(session.get(Notice, notice_id).state)  # type: ignore[union-attr]
