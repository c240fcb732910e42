"""Editor console: correct what the machine got wrong (categories, wards), hide articles."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.db.models import Article
from portal.db.session import Session
from portal.editorial import articles as edits
from portal.routes.deps import (
    CsrfChecked,
    CtxDep,
    EditorRole,
    FormDep,
    SessionDep,
    csrf_token,
    flash_key,
    found_or_404,
    page_context,
    request_language,
)

router = APIRouter(prefix="/editor", include_in_schema=False)


@router.get("/articles")
def articles(request: Request, session: SessionDep, editor: EditorRole) -> Response:
    q = request.query_params.get("q", "").strip()[:100]
    listed = edits.articles_for_editors(session, q)
    lang = request_language(request)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_articles.html",
        page_context(request, lang, editor=editor, csrf=csrf_token(request), articles=listed,
                     q=q, flash=flash_key(request)),
    )


def _article_or_404(session: Session, article_id: int) -> Article:
    return found_or_404(edits.get_article(session, article_id))


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
    edits.correct_article(ctx, session, article, editor.id, form.getlist("categories"),
                          form.getlist("areas"))
    return RedirectResponse("/editor/articles?flash=editor.corrected_ok&q=", status_code=303)


@router.post("/articles/{article_id}/hidden")
def hide_article(article_id: int, request: Request, ctx: CtxDep, session: SessionDep,
                 editor: EditorRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    article = _article_or_404(session, article_id)
    edits.set_article_hidden(ctx, session, article, editor.id, form.get("hidden") == "1")
    return RedirectResponse("/editor/articles?flash=editor.hidden_ok", status_code=303)
