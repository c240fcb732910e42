"""Residents' "お知らせの受け取り方 / Notifications" page, the confirmation page of a
subscription (one button: link scanners that open mails cannot confirm) and the one-click
unsubscribe URL of RFC 8058 (POST, no login)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from portal.db.models import utcnow
from portal.editorial.notices import notices_for
from portal.residents.subscriptions import (
    SubscriptionError,
    SubscriptionInput,
    channels_enabled,
    confirm,
    get_subscription,
    list_subscriptions,
    remove_subscription,
    subscribe,
    subscription_for_confirm,
    subscription_for_unsubscribe,
    unsubscribe,
)
from portal.routes.deps import (
    CookieProfile,
    CtxDep,
    FormDep,
    RequiredProfile,
    SessionDep,
    page_context,
    request_language,
)
from portal.security import limit_writes

router = APIRouter(include_in_schema=False,
                   dependencies=[Depends(limit_writes("notifications"))])


def _page(request: Request, session: Any, ctx: Any, profile: Any, status: int = 200,
          **extra: Any) -> Response:
    lang = request_language(request, profile)
    context = page_context(
        request, lang, profile=profile,
        notices=notices_for(session, profile, utcnow()),
        subscriptions=list_subscriptions(session, profile),
        email_enabled="email" in channels_enabled(ctx), **extra)
    return request.app.state.templates.TemplateResponse(
        request, "pages/notifications.html", context, status_code=status)


@router.get("/notifications")
def notifications_page(request: Request, ctx: CtxDep, session: SessionDep,
                       profile: RequiredProfile) -> Response:
    done = request.query_params.get("done", "")
    return _page(request, session, ctx, profile, error=None, values={},
                 done=done if done in ("subscribed", "stopped") else None)


@router.post("/notifications")
def notifications_subscribe(request: Request, ctx: CtxDep, session: SessionDep,
                            profile: RequiredProfile, form: FormDep) -> Response:
    values = {"address": str(form.get("address", ""))[:320],
              "digest": str(form.get("digest", "off")),
              "emergencies": form.get("emergencies") == "1"}
    try:
        subscribe(ctx, session, profile, SubscriptionInput(
            channel="email", address=str(values["address"]), digest=str(values["digest"]),
            emergencies=bool(values["emergencies"])))
    except SubscriptionError as exc:
        return _page(request, session, ctx, profile, status=422, error=exc.field,
                     values=values, done=None)
    return RedirectResponse("/notifications?done=subscribed", status_code=303)


@router.post("/notifications/{subscription_id}/stop")
def notifications_stop(subscription_id: str, session: SessionDep,
                       profile: RequiredProfile) -> Response:
    sub = get_subscription(session, profile, subscription_id)
    if sub is None:
        raise HTTPException(status_code=404)
    remove_subscription(session, sub)
    return RedirectResponse("/notifications?done=stopped", status_code=303)


def _link_page(request: Request, profile: Any, mode: str, token: str, done: bool,
               status: int = 200) -> Response:
    lang = request_language(request, profile)
    context = page_context(request, lang, profile=profile,
                           mode=mode, token=token, done=done)
    return request.app.state.templates.TemplateResponse(
        request, "pages/subscription_link.html", context, status_code=status)


@router.get("/subscriptions/confirm/{token}")
def confirm_page(token: str, request: Request, ctx: CtxDep, session: SessionDep,
                 profile: CookieProfile) -> Response:
    if subscription_for_confirm(ctx, session, token) is None:
        raise HTTPException(status_code=404)
    return _link_page(request, profile, "confirm", token, done=False)


@router.post("/subscriptions/confirm/{token}")
def confirm_post(token: str, request: Request, ctx: CtxDep, session: SessionDep,
                 profile: CookieProfile) -> Response:
    sub = subscription_for_confirm(ctx, session, token)
    if sub is None or not confirm(session, sub):
        raise HTTPException(status_code=404)
    return _link_page(request, profile, "confirm", token, done=True)


@router.get("/unsubscribe/{token}")
def unsubscribe_page(token: str, request: Request, ctx: CtxDep, session: SessionDep,
                     profile: CookieProfile) -> Response:
    if subscription_for_unsubscribe(ctx, session, token) is None:
        raise HTTPException(status_code=404)
    return _link_page(request, profile, "unsubscribe", token, done=False)


@router.post("/unsubscribe/{token}")
def unsubscribe_post(token: str, request: Request, ctx: CtxDep, session: SessionDep,
                     profile: CookieProfile) -> Response:
    """RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here; the form on
    the page above posts the same. An erased subscription is already stopped."""
    sub = subscription_for_unsubscribe(ctx, session, token)
    if sub is not None:
        unsubscribe(session, sub)
    return _link_page(request, profile, "unsubscribe", token, done=True)
