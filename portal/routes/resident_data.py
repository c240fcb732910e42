"""The resident's own data: move the profile to another device, personal Atom/iCal URLs,
export (JSON) and erasure. No account: the signed profile cookie is the key."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from portal.db.models import Article
from portal.editorial.notices import notices_for
from portal.feed.ranking import personal_feed
from portal.feed.strips import upcoming_strips
from portal.feed.syndication import (
    atom_feed,
    ensure_feed_token,
    ical_calendar,
    profile_by_feed_token,
    reset_feed_token,
)
from portal.i18n import t
from portal.ingest.sources import utcnow
from portal.residents.devices import (
    active_code_expiry,
    claim_transfer_code,
    create_transfer_code,
    format_code,
    normalize_code,
    purge_expired_codes,
)
from portal.residents.profiles import (
    erase_profile,
    export_profile,
    feedback_sets,
    reset_learning,
)
from portal.routes.deps import (
    PROFILE_COOKIE,
    CookieProfile,
    CtxDep,
    FormDep,
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
FEED_ITEMS = 30
CALENDAR_ITEMS = 100


def _context(request: Request, ctx: Any, session: Any, profile: Any, **extra: Any
             ) -> dict[str, Any]:
    lang = request_language(request, profile)
    era = bool(profile is not None and profile.era_dates and lang == "ja")
    base = ctx.settings.public_url.rstrip("/")
    return page_context(request, lang, profile=profile, era=era, public_url=base,
                        notices=notices_for(session, profile, utcnow()), **extra)


@router.get("/my-data")
def my_data_page(request: Request, ctx: CtxDep, session: SessionDep,
                 profile: CookieProfile) -> Response:
    if profile is None:
        return RedirectResponse("/", status_code=303)
    now = utcnow()
    context = _context(request, ctx, session, profile, code=None,
                       code_expires=active_code_expiry(session, profile, now),
                       flash=request.query_params.get("done"))
    return request.app.state.templates.TemplateResponse(request, "pages/my_data.html", context)


@router.post("/my-data/transfer")
def make_transfer_code(request: Request, ctx: CtxDep, session: SessionDep,
                       profile: CookieProfile) -> Response:
    if profile is None:
        return RedirectResponse("/", status_code=303)
    now = utcnow()
    purge_expired_codes(session, now)
    code, expires = create_transfer_code(session, profile, now)
    session.commit()
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
    attempts = ctx.cache.incr(f"transfer-claims:{client}", ttl=60.0) or 0
    raw = str(form.get("code", ""))
    if attempts > CLAIMS_PER_MINUTE:
        error, status = "transfer.throttled", 429
    else:
        claimed = claim_transfer_code(session, raw, utcnow())
        if claimed is not None:
            session.commit()
            response = RedirectResponse("/feed", status_code=303)
            set_profile_cookie(response, ctx, claimed.id)
            return response
        error, status = "transfer.bad_code", 422
    session.commit()
    context = _context(request, ctx, session, profile, code=normalize_code(raw), error=error)
    return request.app.state.templates.TemplateResponse(
        request, "pages/transfer.html", context, status_code=status,
        headers={"Retry-After": "60"} if status == 429 else None,  # the claims window
    )


@router.post("/my-data/feed-urls")
def make_feed_urls(request: Request, form: FormDep, session: SessionDep,
                   profile: CookieProfile) -> Response:
    if profile is None:
        return RedirectResponse("/", status_code=303)
    if form.get("reset") == "1":
        reset_feed_token(profile)
    else:
        ensure_feed_token(profile)
    session.commit()
    return RedirectResponse("/my-data?done=feeds#personal-feeds", status_code=303)


@router.post("/my-data/reset-learning")
def reset_my_learning(session: SessionDep, profile: CookieProfile) -> Response:
    """Start over: forget what feedback taught the feed (interests, saved, hidden stay)."""
    if profile is None:
        return RedirectResponse("/", status_code=303)
    reset_learning(session, profile)
    session.commit()
    return RedirectResponse("/my-data?done=reset#reset-learning", status_code=303)


@router.get("/my-data/export")
def export_data(session: SessionDep, profile: CookieProfile) -> Response:
    if profile is None:
        return RedirectResponse("/", status_code=303)
    body = json.dumps(export_profile(session, profile), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="mymachi-profile.json"',
        "Cache-Control": "no-store",
    })


@router.post("/my-data/delete")
def delete_data(request: Request, form: FormDep, ctx: CtxDep, session: SessionDep,
                profile: CookieProfile) -> Response:
    if profile is None:
        return RedirectResponse("/", status_code=303)
    if form.get("confirm") != "1":
        context = _context(request, ctx, session, profile, code=None, flash=None,
                           code_expires=None, delete_error="data.confirm_required")
        return request.app.state.templates.TemplateResponse(
            request, "pages/my_data.html", context, status_code=422,
        )
    erase_profile(session, profile)
    session.commit()
    response = RedirectResponse("/settings?deleted=1", status_code=303)
    response.delete_cookie(PROFILE_COOKIE, httponly=True, samesite="lax")
    return response


# --- personal feeds at secret URLs -------------------------------------------------------


@router.get("/p/{token}/feed.atom")
def personal_atom(token: str, request: Request, ctx: CtxDep, session: SessionDep) -> Response:
    profile = profile_by_feed_token(session, token)
    if profile is None:
        return Response("not found", status_code=404, media_type="text/plain")
    lang = profile.language
    now = utcnow()
    items = personal_feed(ctx, session, profile, now=now, limit=FEED_ITEMS, language=lang)
    base = ctx.settings.public_url.rstrip("/")
    notices = notices_for(session, profile, now)
    stamps = [i.article.fetched_at for i in items] + [n.updated_at for n in notices]
    body = atom_feed(
        title=f"{ctx.city_name or 'mymachi'} — {t('feed.title', lang)}",
        self_url=f"{base}/p/{token}/feed.atom", site_url=f"{base}/feed",
        feed_id=f"{base}/p/{token}/feed.atom", updated=max(stamps, default=now),
        entries=[(i.article, i.reason, i.matches_interests) for i in items], language=lang,
        notices=notices,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})


@router.get("/p/{token}/calendar.ics")
def personal_calendar(token: str, ctx: CtxDep, session: SessionDep) -> Response:
    profile = profile_by_feed_token(session, token)
    if profile is None:
        return Response("not found", status_code=404, media_type="text/plain")
    lang = profile.language
    now = utcnow()
    feedback = feedback_sets(session, profile.id)
    strips = upcoming_strips(session, profile, feedback["hide"], now, size=CALENDAR_ITEMS)
    # Saved articles with a date belong in the calendar even outside the resident's topics.
    saved = list(session.scalars(select(Article).where(Article.id.in_(feedback["save"]))))
    entries: dict[tuple[str, int], tuple[Article, str, Any]] = {}
    for article in [*strips.deadlines, *saved]:
        if article.deadline is not None:
            entries[("deadline", article.id)] = (article, t("feed.deadline", lang),
                                                 article.deadline)
    for article in [*strips.events, *saved]:
        if article.event_date is not None:
            entries[("event", article.id)] = (article, t("feed.event", lang), article.event_date)
    host = urlsplit(ctx.settings.public_url).hostname or "mymachi"
    body = ical_calendar(name=f"{ctx.city_name or 'mymachi'} — {t('feeds.calendar', lang)}",
                         host=host, items=list(entries.values()), now=now)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=900"})
