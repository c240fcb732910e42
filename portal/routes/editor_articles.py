"""Editor console: correct what the machine got wrong (categories, wards), hide articles.

Corrections show at once and become labels the recommender learns from at its next refit.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from portal.db.models import Article
from portal.editorial.notices import audit
from portal.routes.deps import (
    CsrfChecked,
    CtxDep,
    EditorRole,
    FormDep,
    SessionDep,
    csrf_token,
    flash_key,
    get_or_404,
    page_context,
    request_language,
)
from portal.scoring.models import correct_categories

router = APIRouter(prefix="/editor", include_in_schema=False)
PAGE = 50


@router.get("/articles")
def articles(request: Request, session: SessionDep, editor: EditorRole) -> Response:
    q = request.query_params.get("q", "").strip()[:100]
    query = select(Article).order_by(Article.published.desc().nulls_last(), Article.id.desc())
    if q:
        query = query.where(Article.title.contains(q, autoescape=True))
    listed = list(session.scalars(query.limit(PAGE)))
    lang = request_language(request)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_articles.html",
        page_context(request, lang, editor=editor, csrf=csrf_token(request), articles=listed,
                     q=q, flash=flash_key(request)),
    )


def _article_or_404(session: SessionDep, article_id: int) -> Article:
    return get_or_404(session, Article, article_id)


@router.get("/articles/{article_id}")
def article_form(article_id: int, request: Request, ctx: CtxDep, session: SessionDep,
                 editor: EditorRole) -> Response:
    article = _article_or_404(session, article_id)
    lang = request_language(request)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_article.html",
        page_context(request, lang, editor=editor, csrf=csrf_token(request), article=article,
                     categories=ctx.taxonomy.categories, areas=ctx.areas),
    )


@router.post("/articles/{article_id}")
def correct_article(article_id: int, request: Request, ctx: CtxDep,
                    session: SessionDep, editor: EditorRole, _csrf: CsrfChecked,
                    form: FormDep) -> Response:
    article = _article_or_404(session, article_id)
    known_areas = {a.slug for a in ctx.areas}
    slugs = [s for s in form.getlist("categories") if s in set(ctx.taxonomy.slugs)]
    areas = [s for s in form.getlist("areas") if s in known_areas]
    before = {"categories": list(article.categories), "areas": list(article.areas)}
    # Only what the editor changed becomes a correction: saving the form untouched must not
    # turn the machine's own guesses into training labels.
    if areas != list(article.areas):
        article.corrected_areas = areas  # [] is a correction too: "the whole city"
        article.areas = areas
    if slugs != list(article.categories) or article.corrected_categories:
        correct_categories(ctx, session, article, slugs)
    audit(session, editor.id, "article.correct", f"article:{article.id}",
          {"from": before, "to": {"categories": slugs, "areas": areas}})
    session.commit()
    ctx.bump_articles_version()
    return RedirectResponse("/editor/articles?flash=editor.corrected_ok&q=", status_code=303)


@router.post("/articles/{article_id}/hidden")
def hide_article(article_id: int, request: Request, ctx: CtxDep, session: SessionDep,
                 editor: EditorRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    article = _article_or_404(session, article_id)
    article.hidden = form.get("hidden") == "1"
    audit(session, editor.id, "article.hide" if article.hidden else "article.unhide",
          f"article:{article.id}", {"title": article.title})
    session.commit()
    ctx.bump_articles_version()
    return RedirectResponse("/editor/articles?flash=editor.hidden_ok", status_code=303)
