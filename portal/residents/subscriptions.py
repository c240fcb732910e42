"""Subscriptions a resident holds: an email address, double opt-in, stop at any time.

The address is used for nothing but sending: it is in the resident's export and is erased
with the profile (the row cascades, and its queued deliveries with it).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Delivery, Profile, Subscription, utcnow
from portal.signing import signer

DIGESTS = ("daily", "weekly", "off")
CHANNELS = ("email", "webpush")
# Deliberately plain: one @, a dotted domain, no spaces or angle brackets. The real test of
# an address is the confirmation mail reaching it.
ADDRESS_PATTERN = (r"^[^@\s<>(),;:\"\[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_ADDRESS = re.compile(ADDRESS_PATTERN)
# Reasons a subscription stopped, shown to the resident (translation keys).
STOPPED_BY_LINK = "delivery.stopped_unsubscribed"


class SubscriptionError(ValueError):
    """Bad input; `field` is the body field to name in the 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class SubscriptionInput:
    channel: str
    address: str
    digest: str = "off"
    emergencies: bool = True
    categories: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


def channels_enabled(ctx: AppContext) -> list[str]:
    """The channels residents may choose: those whose settings are set."""
    return ["email"] if ctx.settings.email_enabled else []


def _validate(ctx: AppContext, data: SubscriptionInput) -> str:
    if data.channel not in CHANNELS or data.channel not in channels_enabled(ctx):
        raise SubscriptionError("channel", f"channel {data.channel!r} is not offered here; "
                                f"offered: {', '.join(channels_enabled(ctx)) or 'none'}")
    address = data.address.strip()
    if len(address) > 254 or not _ADDRESS.match(address):
        raise SubscriptionError("address", "not an email address")
    if data.digest not in DIGESTS:
        raise SubscriptionError("digest", f"digest must be one of {', '.join(DIGESTS)}")
    topics = {c.slug for c in ctx.taxonomy.categories}
    for slug in data.categories:
        if slug not in topics:
            raise SubscriptionError("categories", f"unknown category {slug!r}")
    wards = {a.slug for a in ctx.areas}
    for slug in data.areas:
        if slug not in wards:
            raise SubscriptionError("areas", f"unknown area {slug!r}")
    return address


def subscribe(ctx: AppContext, session: Session, profile: Profile,
              data: SubscriptionInput) -> Subscription:
    """Add (or update) a subscription; a new or still pending one gets a confirmation mail
    and nothing else until its link is opened."""
    address = _validate(ctx, data)
    sub = session.scalar(select(Subscription).where(
        Subscription.profile_id == profile.id, Subscription.channel == data.channel,
        func.lower(Subscription.address) == address.lower()))
    if sub is None:
        sub = Subscription(id=secrets.token_urlsafe(16), profile_id=profile.id,
                           channel=data.channel, address=address, state="pending")
        session.add(sub)
    sub.digest, sub.emergencies = data.digest, data.emergencies
    sub.categories, sub.areas = list(data.categories), list(data.areas)
    if sub.state == "stopped":  # subscribing again starts over with a new confirmation
        sub.state, sub.stopped_reason, sub.stopped_at = "pending", None, None
    session.flush()
    if sub.state == "pending":
        _queue_confirmation(session, sub)
    return sub


def _queue_confirmation(session: Session, sub: Subscription) -> None:
    sent = session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.subscription_id == sub.id, Delivery.kind == "confirm")) or 0
    if sent >= 5:  # asked again and again: no mail bomb to someone else's address
        return
    session.add(Delivery(item=f"confirm:{sent + 1}", kind="confirm", channel=sub.channel,
                         subscription_id=sub.id))
    session.flush()


def list_subscriptions(session: Session, profile: Profile) -> list[Subscription]:
    return list(session.scalars(select(Subscription).where(
        Subscription.profile_id == profile.id).order_by(Subscription.created_at)))


def get_subscription(session: Session, profile: Profile, sid: str) -> Subscription | None:
    if not sid or len(sid) > 32 or "\x00" in sid:
        return None
    sub = session.get(Subscription, sid)
    return sub if sub is not None and sub.profile_id == profile.id else None


def remove_subscription(session: Session, sub: Subscription) -> None:
    """The resident stops it: the row and the address go, queued mail with them."""
    session.execute(delete(Delivery).where(Delivery.subscription_id == sub.id))
    session.delete(sub)
    session.flush()


def stop_subscription(session: Session, sub: Subscription, reason: str) -> None:
    """Stopped but kept, so the resident sees why (a link in a mail, a bounced address)."""
    if sub.state != "stopped":
        sub.state, sub.stopped_reason, sub.stopped_at = "stopped", reason, utcnow()
    session.execute(update(Delivery).where(Delivery.subscription_id == sub.id,
                                           Delivery.state == "queued")
                    .values(state="cancelled", last_error=reason))
    session.flush()


# --- links in mails: signed ids, so no login is needed and no id can be guessed -----------


def _signer(ctx: AppContext, purpose: str) -> URLSafeSerializer:
    # Under every configured key: a key rotation must not break the links in mails sent.
    return signer(ctx.settings, f"subscription-{purpose}")


def confirm_token(ctx: AppContext, sub_id: str) -> str:
    return _signer(ctx, "confirm").dumps(sub_id)


def unsubscribe_token(ctx: AppContext, sub_id: str) -> str:
    return _signer(ctx, "stop").dumps(sub_id)


def _by_token(ctx: AppContext, session: Session, purpose: str, token: str
              ) -> Subscription | None:
    try:
        sub_id = _signer(ctx, purpose).loads(token)
    except BadSignature:
        return None
    return session.get(Subscription, str(sub_id)) if isinstance(sub_id, str) else None


def subscription_for_confirm(ctx: AppContext, session: Session, token: str
                             ) -> Subscription | None:
    return _by_token(ctx, session, "confirm", token)


def subscription_for_unsubscribe(ctx: AppContext, session: Session, token: str
                                 ) -> Subscription | None:
    return _by_token(ctx, session, "stop", token)


def confirm(session: Session, sub: Subscription) -> bool:
    """The confirmation page's button: a pending subscription becomes active."""
    if sub.state != "pending":
        return sub.state == "active"
    sub.state, sub.confirmed_at = "active", utcnow()
    # Digests count from now, not from the first article ever crawled.
    sub.last_digest_at = sub.confirmed_at
    session.flush()
    return True


def unsubscribe(session: Session, sub: Subscription) -> None:
    stop_subscription(session, sub, STOPPED_BY_LINK)


def export_subscriptions(session: Session, profile_id: str) -> list[dict[str, Any]]:
    """The resident's subscriptions for their data export, addresses included."""
    return [
        {"id": s.id, "channel": s.channel, "address": s.address, "digest": s.digest,
         "emergencies": s.emergencies, "categories": list(s.categories),
         "areas": list(s.areas), "state": s.state, "stopped_reason": s.stopped_reason,
         "created_at": s.created_at.isoformat()}
        for s in session.scalars(select(Subscription).where(
            Subscription.profile_id == profile_id).order_by(Subscription.created_at))
    ]
