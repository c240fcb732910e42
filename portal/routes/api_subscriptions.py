"""Subscriptions API under /api/v1/profiles/{id}/subscriptions (a Stable contract)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from portal.context import AppContext
from portal.db.models import Subscription
from portal.residents.subscriptions import (
    ADDRESS_PATTERN,
    SubscriptionError,
    SubscriptionInput,
    channels_enabled,
    get_subscription,
    list_subscriptions,
    remove_subscription,
    subscribe,
)
from portal.routes.api import LIMITED, NOT_FOUND, UNAVAILABLE, UNREADABLE_BODY, _profile_or_404
from portal.routes.deps import CtxDep, SessionDep
from portal.security import limit_writes

router = APIRouter(prefix="/api/v1", tags=["subscriptions"], responses=UNAVAILABLE,
                   dependencies=[Depends(limit_writes("api"))])
Slug = Annotated[str, Field(min_length=1, max_length=100)]


class PushKeys(BaseModel):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=200)


class PushSubscription(BaseModel):
    endpoint: str = Field(max_length=2000)
    keys: PushKeys


class SubscriptionIn(BaseModel):
    # The schema lists what is accepted here (install_openapi narrows it to this city's
    # channels, topics and wards); the checks themselves are portal.delivery's.
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["channel",
                                                                              "address"]})

    channel: Literal["email", "webpush"]
    address: str | None = Field(default=None, max_length=254,
                                json_schema_extra={"pattern": ADDRESS_PATTERN})
    subscription: PushSubscription | None = None
    digest: Literal["daily", "weekly", "off"] = "off"
    emergencies: bool = True
    # Optional: narrow the profile's topics and wards for this subscription.
    categories: list[Slug] = Field(default_factory=list, max_length=50)
    areas: list[Slug] = Field(default_factory=list, max_length=50)


class SubscriptionOut(BaseModel):
    id: str
    channel: str
    state: Literal["pending", "active", "stopped"]
    address: str | None = None
    digest: str
    emergencies: bool
    stopped_reason: str | None = None


def install_openapi(app: FastAPI, ctx: AppContext) -> None:
    """Narrow the documented body to what this portal accepts; with no channel on, the
    POST is off and hidden (ARCHITECTURE.md, Delivery)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            channels = channels_enabled(ctx)
            path = schema["paths"]["/api/v1/profiles/{profile_id}/subscriptions"]
            if not channels:
                path.pop("post", None)
            fields = schema["components"]["schemas"]["SubscriptionIn"]["properties"]
            fields["channel"]["enum"] = channels or ["email"]
            fields["categories"]["items"]["enum"] = sorted(
                c.slug for c in ctx.taxonomy.categories)
            fields["areas"]["items"]["enum"] = sorted(a.slug for a in ctx.areas)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _out(sub: Subscription) -> SubscriptionOut:
    return SubscriptionOut(id=sub.id, channel=sub.channel, state=sub.state,  # type: ignore[arg-type]
                           address=sub.address, digest=sub.digest,
                           emergencies=sub.emergencies, stopped_reason=sub.stopped_reason)


def _unprocessable(field: str, message: str) -> HTTPException:
    return HTTPException(status_code=422, detail=[
        {"loc": ["body", field], "type": "value_error", "msg": message}])


@router.post("/profiles/{profile_id}/subscriptions", status_code=status.HTTP_202_ACCEPTED,
             response_model=SubscriptionOut, response_model_exclude_none=True,
             responses={**LIMITED, **NOT_FOUND, **UNREADABLE_BODY})
def post_subscription(profile_id: str, body: SubscriptionIn, ctx: CtxDep,
                      session: SessionDep) -> SubscriptionOut:
    """202: an email subscription is pending until the link in its confirmation mail is
    opened; nothing else is sent before."""
    profile = _profile_or_404(session, profile_id)
    if body.channel == "email" and not body.address:
        raise _unprocessable("address", "an email subscription needs an address")
    try:
        sub = subscribe(ctx, session, profile, SubscriptionInput(
            channel=body.channel, address=body.address or "", digest=body.digest,
            emergencies=body.emergencies, categories=body.categories, areas=body.areas))
    except SubscriptionError as exc:
        raise _unprocessable(exc.field, str(exc)) from None
    return _out(sub)


@router.get("/profiles/{profile_id}/subscriptions", response_model=list[SubscriptionOut],
            response_model_exclude_none=True, responses=NOT_FOUND)
def get_subscriptions(profile_id: str, session: SessionDep) -> list[SubscriptionOut]:
    return [_out(s) for s in list_subscriptions(session, _profile_or_404(session, profile_id))]


@router.delete("/profiles/{profile_id}/subscriptions/{subscription_id}",
               status_code=status.HTTP_204_NO_CONTENT, responses={**LIMITED, **NOT_FOUND})
def delete_subscription(profile_id: str, subscription_id: str, session: SessionDep) -> None:
    profile = _profile_or_404(session, profile_id)
    sub = get_subscription(session, profile, subscription_id)
    if sub is None:
        raise HTTPException(status_code=404, detail="unknown subscription")
    remove_subscription(session, sub)
