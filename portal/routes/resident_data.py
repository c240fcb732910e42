"""The resident's own data: move the profile to another device, personal Atom/iCal URLs,
export (JSON) and erasure. No account: the signed profile cookie is the key."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from limits import RateLimitItemPerMinute

from portal.db.models import utcnow
from portal.editorial.notices import notices_for
from portal.feed.syndication import (
    calendar_items,
    ensure_feed_token,
    ical_calendar,
    personal_atom_feed,
    profile_by_feed_token,
    reset_feed_token,
)
from portal.i18n import shows_era, t
from portal.residents.devices import (
    active_code_expiry,
    claim_transfer_code,
    create_transfer_code,
    format_code,
    normalize_code,
    purge_expired_codes,
)
from portal.residents.profiles import erase_profile, export_profile, reset_learning
from portal.routes.deps import (
    PROFILE_COOKIE,
    CookieProfile,
    CtxDep,
    FormDep,
    RequiredProfile,
    SessionDep,
    page_context,
    request_language,
    set_profile_cookie,
)
from portal.security import client_key, limit_writes

# Form posts (transfer codes, feed URLs, erasure) count against the write rate limit.
router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_writes("my-data"))])
# Guessing codes: at most this many claims per client per minute.
CLAIMS_PER_MINUTE = 10
CLAIMS = RateLimitItemPerMinute(CLAIMS_PER_MINUTE)
FEED_ITEMS = 30
CALENDAR_ITEMS = 100


def _context(request: Request, ctx: Any, session: Any, profile: Any, **extra: Any
             ) -> dict[str, Any]:
    lang = request_language(request, profile)
    base = ctx.settings.public_url.rstrip("/")
    return page_context(request, lang, profile=profile, era=shows_era(profile, lang),
                        public_url=base,
                        notices=notices_for(session, profile, utcnow()), **extra)


@router.get("/my-data")
def my_data_page(request: Request, ctx: CtxDep, session: SessionDep,
                 profile: RequiredProfile) -> Response:
    now = utcnow()
    context = _context(request, ctx, session, profile, code=None,
                       code_expires=active_code_expiry(session, profile, now),
                       flash=request.query_params.get("done"))
    return request.app.state.templates.TemplateResponse(request, "pages/my_data.html", context)


@router.post("/my-data/transfer")
def make_transfer_code(request: Request, ctx: CtxDep, session: SessionDep,
                       profile: RequiredProfile) -> Response:
    now = utcnow()
    purge_expired_codes(session, now)
    code, expires = create_transfer_code(session, profile, now)
    context = _context(request, ctx, session, profile, code=format_code(code), raw_code=code,
                       code_expires=expires, flash=None)
    return request.app.state.templates.TemplateResponse(request, "pages/my_data.html", context)


@router.get("/transfer")
def transfer_page(request: Request, ctx: CtxDep, session: SessionDep,
                  profile: CookieProfile) -> Response:
    code = normalize_code(request.query_params.get("code", ""))
    context = _context(request, ctx, session, profile, code=code, error=None)
    return request.app.state.templates.TemplateResponse(request, "pages/transfer.html", context)


@router.post("/transfer")
def claim_transfer(request: Request, form: FormDep, ctx: CtxDep, session: SessionDep,
                   profile: CookieProfile) -> Response:
    client = client_key(request)  # an IPv6 client cannot rotate within its /64
    allowed = ctx.cache.rate_limits.hit(CLAIMS, "transfer-claims", client)
    raw = str(form.get("code", ""))
    if allowed is False:
        error, status = "transfer.throttled", 429
    else:
        claimed = claim_transfer_code(session, raw, utcnow())
        if claimed is not None:
            response = RedirectResponse("/feed", status_code=303)
            set_profile_cookie(response, ctx, claimed.id)
            return response
        error, status = "transfer.bad_code", 422
    context = _context(request, ctx, session, profile, code=normalize_code(raw), error=error)
    return request.app.state.templates.TemplateResponse(
        request, "pages/transfer.html", context, status_code=status,
        headers={"Retry-After": "60"} if status == 429 else None,  # the claims window
    )


@router.post("/my-data/feed-urls")
def make_feed_urls(request: Request, form: FormDep, profile: RequiredProfile) -> Response:
    if form.get("reset") == "1":
        reset_feed_token(profile)
    else:
        ensure_feed_token(profile)
    return RedirectResponse("/my-data?done=feeds#personal-feeds", status_code=303)


@router.post("/my-data/reset-learning")
def reset_my_learning(session: SessionDep, profile: RequiredProfile) -> Response:
    """Start over: forget what feedback taught the feed (interests, saved, hidden stay)."""
    reset_learning(session, profile)
    return RedirectResponse("/my-data?done=reset#reset-learning", status_code=303)


@router.get("/my-data/export")
def export_data(session: SessionDep, profile: RequiredProfile) -> Response:
    body = json.dumps(export_profile(session, profile), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="mymachi-profile.json"',
        "Cache-Control": "no-store",
    })


@router.post("/my-data/delete")
def delete_data(request: Request, form: FormDep, ctx: CtxDep, session: SessionDep,
                profile: RequiredProfile) -> Response:
    if form.get("confirm") != "1":
        context = _context(request, ctx, session, profile, code=None, flash=None,
                           code_expires=None, delete_error="data.confirm_required")
        return request.app.state.templates.TemplateResponse(
            request, "pages/my_data.html", context, status_code=422,
        )
    erase_profile(session, profile)
    response = RedirectResponse("/settings?deleted=1", status_code=303)
    response.delete_cookie(PROFILE_COOKIE, httponly=True, samesite="lax")
    return response


# --- personal feeds at secret URLs -------------------------------------------------------


def conditional(request: Request, body: bytes, identity: bytes, *, media_type: str,
                cache_control: str) -> Response:
    """`body`, or 304 when the reader's copy (If-None-Match) is the same `identity` (the
    content without what changes on every write). Weak ETag: compression re-encodes it."""
    etag = f'W/"{hashlib.sha256(identity).hexdigest()[:32]}"'
    headers = {"Cache-Control": cache_control, "ETag": etag}
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _matches(if_none_match: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


@router.get("/p/{token}/feed.atom")
def personal_atom(token: str, request: Request, ctx: CtxDep, session: SessionDep) -> Response:
    profile = profile_by_feed_token(session, token)
    if profile is None:
        return Response("not found", status_code=404, media_type="text/plain")
    base = ctx.settings.public_url.rstrip("/")
    body = personal_atom_feed(ctx, session, profile, self_url=f"{base}/p/{token}/feed.atom",
                              site_url=f"{base}/feed", size=FEED_ITEMS, now=utcnow())
    return conditional(request, body, body, media_type="application/atom+xml; charset=utf-8",
                       cache_control="private, max-age=300")


@router.get("/p/{token}/calendar.ics")
def personal_calendar(token: str, request: Request, ctx: CtxDep, session: SessionDep
                      ) -> Response:
    profile = profile_by_feed_token(session, token)
    if profile is None:
        return Response("not found", status_code=404, media_type="text/plain")
    now = utcnow()
    host = urlsplit(ctx.settings.public_url).hostname or "mymachi"
    body = ical_calendar(
        name=f"{ctx.city_name or 'mymachi'} — {t('feeds.calendar', profile.language)}",
        host=host, items=calendar_items(session, profile, now, CALENDAR_ITEMS), now=now)
    # DTSTAMP is the time of writing: the same events written a second later are the same.
    unstamped = b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))
    return conditional(request, body, unstamped, media_type="text/calendar; charset=utf-8",
                       cache_control="private, max-age=900")
