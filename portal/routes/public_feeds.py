"""Public feeds, no profile needed: Atom per topic, per ward and per saved search, and
/feeds.opml listing the topic and ward feeds. Answers carry an ETag; a reader sending it back
in If-None-Match gets 304 without the body."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from portal.db.models import utcnow
from portal.feed.public_feeds import articles_for, etag_of, opml, public_atom
from portal.feed.search import ArticleQuery, has_control_characters
from portal.i18n import content_language, t
from portal.routes.deps import CtxDep, SessionDep, request_language

router = APIRouter(include_in_schema=False)
ATOM = "application/atom+xml; charset=utf-8"


def _answer(request: Request, body: bytes, media_type: str) -> Response:
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300", "Vary": "Accept-Language"}
    sent = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in sent or f"W/{etag}" in sent:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _not_found() -> Response:
    return Response("not found", status_code=404, media_type="text/plain")


@router.get("/feeds/topics/{slug}.atom")
def topic_atom(slug: str, request: Request, ctx: CtxDep, session: SessionDep) -> Response:
    if slug not in {c.slug for c in ctx.taxonomy.categories}:
        return _not_found()
    lang = request_language(request)
    base = ctx.settings.public_url.rstrip("/")
    articles = articles_for(session, ArticleQuery(category=slug))
    body = public_atom(ctx, articles, title=ctx.taxonomy.label(slug, content_language(lang)),
                       self_url=f"{base}/feeds/topics/{slug}.atom",
                       site_url=f"{base}/search?category={slug}", language=lang, now=utcnow())
    return _answer(request, body, ATOM)


@router.get("/feeds/areas/{slug}.atom")
def area_atom(slug: str, request: Request, ctx: CtxDep, session: SessionDep) -> Response:
    if slug not in {a.slug for a in ctx.areas}:
        return _not_found()
    lang = request_language(request)
    base = ctx.settings.public_url.rstrip("/")
    articles = articles_for(session, ArticleQuery(area=slug))
    body = public_atom(ctx, articles, title=ctx.area_label(slug, lang),
                       self_url=f"{base}/feeds/areas/{slug}.atom",
                       site_url=f"{base}/search?area={slug}", language=lang, now=utcnow())
    return _answer(request, body, ATOM)


@router.get("/search.atom")
def search_atom(request: Request, ctx: CtxDep, session: SessionDep) -> Response:
    """A saved search: the newest articles matching the same query as /search."""
    params = request.query_params
    if has_control_characters(params.get("q", "")):
        return Response("invalid query", status_code=422, media_type="text/plain")
    query = ArticleQuery(
        text=params.get("q", "")[:100].strip(),
        category=params.get("category", "") if params.get("category") in {
            c.slug for c in ctx.taxonomy.categories} else "",
        area=params.get("area", "") if params.get("area") in {a.slug for a in ctx.areas} else "",
    )
    lang = request_language(request)
    base = ctx.settings.public_url.rstrip("/")
    query_string = f"?{request.url.query}" if request.url.query else ""
    title = f"{t('search.title', lang)}: {query.text}" if query.text else t("search.title", lang)
    body = public_atom(ctx, articles_for(session, query), title=title,
                       self_url=f"{base}/search.atom{query_string}",
                       site_url=f"{base}/search{query_string}", language=lang, now=utcnow())
    return _answer(request, body, ATOM)


@router.get("/feeds.opml")
def feeds_opml(request: Request, ctx: CtxDep) -> Response:
    base = ctx.settings.public_url.rstrip("/")
    return _answer(request, opml(ctx, base, request_language(request)),
                   "text/x-opml; charset=utf-8")
