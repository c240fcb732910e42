"""Residents' HTML pages: onboarding and the personal feed (full pages + HTMX fragments)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from portal.context import AppContext
from portal.db.models import Article, Profile
from portal.i18n import LANG_COOKIE_MAX_AGE, normalize_language
from portal.services.feed import personal_feed
from portal.services.notices import notices_for
from portal.services.profiles import (
    FEEDBACK_KINDS,
    ProfileInput,
    add_feedback,
    create_profile,
    update_profile,
)
from portal.services.sources import utcnow
from portal.web import (
    LANG_COOKIE,
    CookieProfile,
    CtxDep,
    SessionDep,
    is_htmx,
    page_context,
    request_language,
    set_profile_cookie,
)

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
KEYWORD_SPLIT = re.compile(r"[,、，\s]+")


def _form_context(ctx: AppContext, profile: Profile | None) -> dict[str, Any]:
    return {
        "categories": ctx.taxonomy.categories,
        "life_stages": ctx.taxonomy.life_stages,
        "areas": ctx.areas,
        "chosen": {
            "categories": set(profile.categories) if profile else set(),
            "areas": set(profile.areas) if profile else set(),
            "life_stages": set(profile.life_stages) if profile else set(),
            "keywords": "、".join(profile.keywords) if profile else "",
        },
    }


def _parse_form(ctx: AppContext, form: FormData) -> tuple[ProfileInput, list[str]]:
    """Read the onboarding form, keeping only known values; return (input, error keys)."""
    cats = {c.slug for c in ctx.taxonomy.categories}
    areas = {a.slug for a in ctx.areas}
    stages = {s.slug for s in ctx.taxonomy.life_stages}
    chosen_cats = [v for v in form.getlist("categories") if v in cats]
    keywords = [k for k in KEYWORD_SPLIT.split(str(form.get("keywords", ""))[:500]) if k][:20]
    data = ProfileInput(
        categories={slug: 1.0 for slug in chosen_cats},
        areas=[v for v in form.getlist("areas") if v in areas],
        life_stages=[v for v in form.getlist("life_stages") if v in stages],
        keywords=[k[:100] for k in keywords],
        language=normalize_language(str(form.get("language", "ja"))),
    )
    errors = [] if chosen_cats or keywords else ["onboard.error_categories"]
    return data, errors


@router.get("/")
def home(request: Request, ctx: CtxDep, profile: CookieProfile) -> Response:
    if profile is not None:
        return RedirectResponse("/feed", status_code=303)
    return settings_page(request, ctx, profile)


@router.get("/settings")
def settings_page(request: Request, ctx: CtxDep, profile: CookieProfile) -> Response:
    lang = request_language(request, profile)
    return request.app.state.templates.TemplateResponse(
        request, "pages/onboarding.html",
        page_context(request, lang, errors=[], **_form_context(ctx, profile)),
    )


@router.post("/profile")
async def save_profile(request: Request, ctx: CtxDep, session: SessionDep,
                       profile: CookieProfile) -> Response:
    data, errors = _parse_form(ctx, await request.form())
    if errors:
        lang = data.language
        return request.app.state.templates.TemplateResponse(
            request, "pages/onboarding.html",
            page_context(request, lang, errors=errors, **_form_context(ctx, profile)),
            status_code=422,
        )
    if profile is None:
        profile = create_profile(session, data)
    else:
        update_profile(profile, data)
    session.commit()
    response = RedirectResponse("/feed", status_code=303)
    set_profile_cookie(response, ctx, profile.id)
    response.set_cookie(LANG_COOKIE, data.language, max_age=LANG_COOKIE_MAX_AGE, samesite="lax")
    return response


@router.get("/feed")
def feed_page(request: Request, ctx: CtxDep, session: SessionDep,
              profile: CookieProfile) -> Response:
    if profile is None:
        return RedirectResponse("/", status_code=303)
    lang = request_language(request, profile)
    try:
        offset = max(0, min(int(request.query_params.get("offset", "0")), 10_000))
    except ValueError:
        offset = 0
    now = utcnow()
    items = personal_feed(ctx, session, profile, now=now, limit=PAGE_SIZE, offset=offset,
                          language=lang)
    context = page_context(
        request, lang, profile=profile, items=items, offset=offset, page_size=PAGE_SIZE,
        next_offset=offset + PAGE_SIZE if len(items) == PAGE_SIZE else None,
        notices=notices_for(session, profile, now), feedback_kinds=FEEDBACK_KINDS,
    )
    templates = request.app.state.templates
    if is_htmx(request) and offset:
        return templates.TemplateResponse(request, "pages/feed.html", context,
                                           block_name="feed_page")
    return templates.TemplateResponse(request, "pages/feed.html", context)


@router.post("/feed/feedback")
async def feed_feedback(request: Request, ctx: CtxDep, session: SessionDep,
                        profile: CookieProfile) -> Response:
    if profile is None:
        return RedirectResponse("/", status_code=303)
    form = await request.form()
    kind = str(form.get("kind", ""))
    raw_id = str(form.get("article_id", ""))
    article = session.get(Article, int(raw_id)) if raw_id.isdigit() and len(raw_id) < 10 else None
    if kind not in FEEDBACK_KINDS or article is None:
        return Response("invalid feedback", status_code=422, media_type="text/plain")
    add_feedback(session, profile, article.id, kind)
    session.commit()
    if is_htmx(request):
        lang = request_language(request, profile)
        if kind == "hide":
            return Response("", media_type="text/html")
        return request.app.state.templates.TemplateResponse(
            request, "fragments/feedback_done.html",
            page_context(request, lang, kind=kind, article=article),
        )
    return RedirectResponse(f"/feed#article-{article.id}", status_code=303)


@router.get("/lang/{lang}")
def switch_language(lang: str, request: Request, session: SessionDep,
                    profile: CookieProfile) -> Response:
    lang = normalize_language(lang)
    if profile is not None:
        profile.language = lang
        profile.updated_at = utcnow()
        session.commit()
    back = "/feed" if profile is not None else "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, samesite="lax")
    return response
