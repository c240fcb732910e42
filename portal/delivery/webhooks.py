"""Webhooks: notice events POSTed as JSON, signed per the Standard Webhooks spec.

Admins register a URL and get a secret (whsec_…); receivers verify `webhook-id`,
`webhook-timestamp` and `webhook-signature` with any Standard Webhooks library. The URL is
checked by the crawler's SSRF guard (MYMACHI_CRAWL_ALLOW) when registered and again at
every connection, so a webhook cannot be aimed at the portal's own network.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook as Signer

from crawlers.ssrf import AddressPolicy, GuardedTransport
from portal.db.models import Delivery, Notice, Webhook, utcnow
from portal.editorial.audit import audit

EVENT_TYPES = {"published": "notice.published", "changed": "notice.changed",
               "withdrawn": "notice.withdrawn"}
USER_AGENT = "mymachi-webhooks/1"


class WebhookError(ValueError):
    """Invalid webhook input; the message is a translation key."""


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def register_webhook(session: Session, editor_id: int | None, url: str,
                     description: str = "") -> Webhook:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise WebhookError("editor.webhook_error_url")
    hook = Webhook(url=url.strip(), secret=new_secret(), description=description.strip()[:200])
    session.add(hook)
    session.flush()
    audit(session, editor_id, "webhook.create", f"webhook:{hook.id}", {"url": hook.url})
    return hook


def set_webhook_active(session: Session, editor_id: int | None, hook: Webhook,
                       active: bool) -> None:
    hook.active = active
    if active:
        hook.disabled_reason = None
    audit(session, editor_id, "webhook.enable" if active else "webhook.disable",
          f"webhook:{hook.id}", {})
    session.flush()


def all_webhooks(session: Session) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def get_webhook(session: Session, hook_id: int) -> Webhook | None:
    return session.get(Webhook, hook_id) if 0 < hook_id < 2**31 else None


def delivery_log(session: Session, limit: int = 50) -> list[Delivery]:
    return list(session.scalars(select(Delivery).where(Delivery.channel == "webhook")
                                .order_by(Delivery.id.desc()).limit(limit)))


def notice_payload(notice: Notice, event: str, public_url: str) -> dict[str, Any]:
    return {
        "type": EVENT_TYPES.get(event, f"notice.{event}"),
        "timestamp": utcnow().isoformat(),
        "data": {
            "id": str(notice.id), "severity": notice.severity, "title": notice.title,
            "body": notice.body, "state": notice.state,
            "categories": list(notice.scope_categories), "areas": list(notice.scope_areas),
            "life_stages": list(notice.scope_life_stages or []),
            "starts_at": notice.starts_at.isoformat() if notice.starts_at else None,
            "ends_at": notice.ends_at.isoformat() if notice.ends_at else None,
            "url": public_url.rstrip("/") + "/",
        },
    }


def make_client(crawl_allow: str | None, timeout: float) -> httpx.AsyncClient:
    """An HTTP client that dials only addresses the SSRF guard allows."""
    transport = GuardedTransport(AddressPolicy(crawl_allow),
                                 limits=httpx.Limits(max_connections=16))
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False,
                             headers={"User-Agent": USER_AGENT})


class DeliveryFailed(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


async def post_signed(client: httpx.AsyncClient, url: str, secret: str, msg_id: str,
                      payload: dict[str, Any], now: datetime | None = None) -> int:
    """POST the payload; the status on 2xx, else DeliveryFailed (410: permanent, so the
    webhook is disabled; other 4xx except 408/429: permanent for this message)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    when = now or utcnow()
    headers = {"content-type": "application/json", "webhook-id": msg_id,
               "webhook-timestamp": str(int(when.timestamp())),
               "webhook-signature": Signer(secret).sign(msg_id, when, body)}
    try:
        response = await client.post(url, content=body.encode(), headers=headers)
    except Exception as exc:  # refused by the guard, DNS, timeout, connection: try again
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:500]) from exc
    if 200 <= response.status_code < 300:
        return response.status_code
    permanent = response.status_code == 410
    raise DeliveryFailed(f"HTTP {response.status_code}", permanent=permanent)
