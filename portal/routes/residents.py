"""Residents' HTML pages: onboarding with a preview, the personal feed, feedback, the saved
list and search. Full pages and HTMX fragments come from the same templates; every form and
link works without JavaScript."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from portal.context import AppContext
from portal.db.models import Article, Profile, utcnow
from portal.db.session import Session, session_scope
from portal.editorial import analytics
from portal.editorial.notices import notices_on_page
from portal.feed.pages import PAGE_SIZE, feed_page_html
from portal.feed.ranking import FeedItem, preview_feed
from portal.feed.search import (
    ArticleQuery,
    find_articles,
    get_article,
    has_control_characters,
    search_snippet,
)
from portal.i18n import LANG_COOKIE_MAX_AGE, normalize_language, shows_era
from portal.residents.profiles import (
    FEEDBACK_KINDS,
    ProfileInput,
    article_feedback,
    create_profile,
    feedback_sets,
    saved_articles,
    set_language,
    toggle_feedback,
    update_profile,
)
from portal.routes.deps import (
    LANG_COOKIE,
    PROFILE_COOKIE,
    CookieProfile,
    CtxDep,
    FormDep,
    RequiredProfile,
    SessionDep,
    is_htmx,
    page_context,
    profile_from_cookie,
    request_language,
    require_profile,
    set_profile_cookie,
)
from portal.security import limit_writes
from recommender.profile import ProfileSpec

# Form posts (profile, preview, feedback) count against the client's write rate limit.
router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_writes("pages"))])
MAX_OFFSET = 10_000
KEYWORD_SPLIT = re.compile(r"[,、，\s]+")


def safe_next(value: str | None, default: str = "/feed") -> str:
    """A same-site path to go back to after a form post (never another host)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return default


def _offset(request: Request) -> int:
    try:
        return max(0, min(int(request.query_params.get("offset", "0")), MAX_OFFSET))
    except ValueError:
        return 0


def _render(request: Request, template: str, context: dict[str, Any], *,
            status_code: int = 200, block: str | None = None) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status_code, block_name=block,
    )


def _base(request: Request, profile: Profile | None, **extra: Any) -> dict[str, Any]:
    lang = request_language(request, profile)
    return page_context(request, lang, profile=profile, era=shows_era(profile, lang), **extra)


# --- onboarding and settings -------------------------------------------------------------


def _form_context(ctx: AppContext, profile: Profile | None,
                  data: ProfileInput | None = None) -> dict[str, Any]:
    source: Any = data if data is not None else profile
    return {
        "categories": ctx.taxonomy.categories,
        "life_stages": ctx.taxonomy.life_stages,
        "areas": ctx.areas,
        "chosen": {
            "categories": set(source.categories) if source else set(),
            "areas": set(source.areas) if source else set(),
            "life_stages": set(source.life_stages) if source else set(),
            "keywords": "、".join(source.keywords) if source else "",
            "era_dates": bool(source.era_dates) if source else False,
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
        era_dates=form.get("era_dates") == "1",
    )
    errors = [] if chosen_cats or keywords else ["onboard.error_categories"]
    return data, errors


def _preview(ctx: AppContext, session: Session, data: ProfileInput) -> list[FeedItem]:
    spec = ProfileSpec(categories=data.categories, areas=data.areas,
                       life_stages=data.life_stages, keywords=data.keywords)
    return preview_feed(ctx, session, spec, now=utcnow(), language=data.language)


@router.get("/")
def home(request: Request, ctx: CtxDep, session: SessionDep,
         profile: CookieProfile) -> Response:
    if profile is not None:
        return RedirectResponse("/feed", status_code=303)
    return settings_page(request, ctx, session, profile)


@router.get("/settings")
def settings_page(request: Request, ctx: CtxDep, session: SessionDep,
                  profile: CookieProfile) -> Response:
    flash = "data.deleted" if request.query_params.get("deleted") == "1" else None
    # A first-time visitor still sees notices for everyone (an evacuation order), live.
    notices = notices_on_page(ctx, session, profile, utcnow())
    return _render(request, "pages/onboarding.html",
                   _base(request, profile, errors=[], preview=None, flash=flash,
                         notices=notices, **_form_context(ctx, profile)))


@router.post("/onboarding/preview")
def onboarding_preview(request: Request, form: FormDep, ctx: CtxDep, session: SessionDep,
                       profile: CookieProfile) -> Response:
    """The first items of the feed these choices would give, without saving anything."""
    data, errors = _parse_form(ctx, form)
    items = None if errors else _preview(ctx, session, data)
    context = page_context(request, data.language, profile=profile, era=False, errors=errors,
                           preview=items, flash=None, **_form_context(ctx, profile, data))
    if is_htmx(request):
        return _render(request, "pages/onboarding.html", context, block="preview")
    return _render(request, "pages/onboarding.html", context)


@router.post("/profile")
def save_profile(request: Request, form: FormDep, ctx: CtxDep, session: SessionDep,
                 profile: CookieProfile) -> Response:
    data, errors = _parse_form(ctx, form)
    if errors:
        context = page_context(request, data.language, profile=profile, era=False,
                               errors=errors, preview=None, flash=None,
                               **_form_context(ctx, profile, data))
        return _render(request, "pages/onboarding.html", context, status_code=422)
    if profile is None:
        profile = create_profile(session, data)
    else:
        update_profile(profile, data)
    response = RedirectResponse("/feed", status_code=303)
    set_profile_cookie(response, ctx, profile.id)
    response.set_cookie(LANG_COOKIE, data.language, max_age=LANG_COOKIE_MAX_AGE, samesite="lax")
    return response


# --- the feed ----------------------------------------------------------------------------


@router.get("/feed")
async def feed_page(request: Request) -> Response:
    # The hottest page: one worker-thread hop for all its blocking work (session, cookie,
    # cache, SQL), instead of one per sync dependency.
    return await run_in_threadpool(_feed_response, request)


def _feed_response(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    # Committed: a visit may move the profile's last-seen day (retention).
    with session_scope(ctx.sessions) as session:
        profile = require_profile(
            profile_from_cookie(ctx, session, request.cookies.get(PROFILE_COOKIE)))
        offset = _offset(request)
        context = _base(request, profile, offset=offset, page_size=PAGE_SIZE,
                        categories=ctx.taxonomy.categories, areas=ctx.areas,
                        next_path="/feed" + (f"?offset={offset}" if offset else ""))
        html = feed_page_html(
            ctx, session, request.app.state.templates.env, ctx.cards,
            ctx.notices.render, profile, offset=offset,
            more_only=is_htmx(request) and offset > 0, context=context, now=utcnow())
    return HTMLResponse(html)


def _article_or_none(session: Session, raw_id: str) -> Article | None:
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    valid = raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 10
    return get_article(session, int(raw_id)) if valid else None


@router.post("/feed/feedback")
def feed_feedback(request: Request, form: FormDep, ctx: CtxDep, session: SessionDep,
                  profile: RequiredProfile) -> Response:
    kind = str(form.get("kind", ""))
    article = _article_or_none(session, str(form.get("article_id", "")))
    if kind not in FEEDBACK_KINDS or kind == "open" or article is None:
        return Response("invalid feedback", status_code=422, media_type="text/plain")
    now_on = toggle_feedback(session, profile, article.id, kind)
    if now_on:  # counted when given, not when taken back
        analytics.record(ctx, profile, [article.id], kind)
    back = safe_next(str(form.get("next", "")))
    if not is_htmx(request):
        anchor = "" if kind == "hide" and now_on else f"#article-{article.id}"
        return RedirectResponse(back.split("#")[0] + anchor, status_code=303)
    context = _base(request, profile, article=article, kind=kind, now_on=now_on,
                    state=article_feedback(session, profile.id, article.id), next_path=back)
    if kind == "hide" and not now_on:  # "undo": the card comes back
        context.update(item=FeedItem(article, "", list(article.categories or [])[:3]),
                       feedback={k: {article.id} for k in context["state"]})
        return _render(request, "fragments/feed_item.html", context)
    template = "fragments/card_hidden.html" if kind == "hide" else "fragments/feedback_done.html"
    return _render(request, template, context)


@router.get("/read/{article_id}")
def read_article(article_id: int, ctx: CtxDep, session: SessionDep,
                 profile: CookieProfile) -> Response:
    """Go to the department's page, remembering it in the resident's read history and
    counting the open (without personal data) for the editors' analytics."""
    article = get_article(session, article_id)
    if article is None:
        return RedirectResponse("/feed", status_code=303)
    analytics.record(ctx, profile, [article.id], "open")
    if profile is not None:
        toggle_feedback(session, profile, article.id, "open")
    return RedirectResponse(article.url, status_code=303)


# --- saved list and search ---------------------------------------------------------------


def _cards(articles: list[Article]) -> list[FeedItem]:
    return [FeedItem(a, "", list(a.categories or [])[:3]) for a in articles]


@router.get("/saved")
def saved_page(request: Request, ctx: CtxDep, session: SessionDep,
               profile: RequiredProfile) -> Response:
    offset = _offset(request)
    articles = saved_articles(session, profile.id, limit=PAGE_SIZE + 1, offset=offset)
    context = _base(
        request, profile, items=_cards(articles[:PAGE_SIZE]), offset=offset,
        page_size=PAGE_SIZE, feedback=feedback_sets(session, profile.id),
        next_offset=offset + PAGE_SIZE if len(articles) > PAGE_SIZE else None,
        next_path="/saved", notices=notices_on_page(ctx, session, profile, utcnow()),
    )
    return _render(request, "pages/saved.html", context)


@router.get("/search")
def search_page(request: Request, ctx: CtxDep, session: SessionDep,
                profile: CookieProfile) -> Response:
    params = request.query_params
    if has_control_characters(params.get("q", "")):  # as the database would refuse NUL
        return _render(request, "pages/error.html",
                       _base(request, profile, message_key="error.invalid_input"),
                       status_code=422)
    categories = {c.slug for c in ctx.taxonomy.categories}
    areas = {a.slug for a in ctx.areas}
    query = ArticleQuery(
        text=params.get("q", "")[:100].strip(),
        category=params.get("category", "") if params.get("category") in categories else "",
        area=params.get("area", "") if params.get("area") in areas else "",
    )
    offset = _offset(request)
    found = [] if query.is_empty else find_articles(session, query, limit=PAGE_SIZE + 1,
                                                     offset=offset)
    feedback = feedback_sets(session, profile.id) if profile else {}
    hidden = feedback.get("hide", set())
    found = [a for a in found if a.id not in hidden]
    snippets = {a.id: search_snippet(a, query.text) for a in found[:PAGE_SIZE]}
    context = _base(
        request, profile, query=query, snippets=snippets if query.text else {},
        atom_query=str(request.url.query).split("&offset=")[0],
        categories=ctx.taxonomy.categories, areas=ctx.areas,
        items=_cards(found[:PAGE_SIZE]), offset=offset, page_size=PAGE_SIZE, feedback=feedback,
        next_offset=offset + PAGE_SIZE if len(found) > PAGE_SIZE else None,
        next_path=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        notices=notices_on_page(ctx, session, profile, utcnow()),
    )
    return _render(request, "pages/search.html", context)


@router.get("/lang/{lang}")
def switch_language(lang: str, request: Request, profile: CookieProfile) -> Response:
    """Switch the UI language; remembered in the profile (and a cookie before there is one)."""
    lang = normalize_language(lang)
    if profile is not None:
        set_language(profile, lang)
    default = "/feed" if profile is not None else "/"
    response = RedirectResponse(safe_next(request.query_params.get("next"), default),
                                status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, samesite="lax")
    return response
