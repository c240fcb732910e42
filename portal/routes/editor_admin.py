"""Editor console, admin side: editor accounts, the audit log and department sources."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from crawlers import fetch_url
from portal.editorial.audit import recent_audit
from portal.editorial.editors import (
    ROLES,
    EditorError,
    create_editor,
    get_editor,
    list_editors,
    set_editor_active,
)
from portal.ingest.fetcher import make_fetcher
from portal.ingest.sources import (
    RULE_FIELDS,
    add_source_by_editor,
    get_source,
    health_of,
    list_sources,
    set_source_paused,
    set_source_rules,
    source_with_url,
)
from portal.routes.deps import (
    AdminRole,
    CsrfChecked,
    CtxDep,
    FormDep,
    SessionDep,
    csrf_token,
    flash_key,
    found_or_404,
    page_context,
    request_language,
)

router = APIRouter(prefix="/editor", include_in_schema=False)
AUDIT_PAGE = 100
PREVIEW_RECORDS = 5


def _render(request: Request, template: str, status_code: int = 200, **context: object
            ) -> Response:
    lang = request_language(request)
    return request.app.state.templates.TemplateResponse(
        request, template, page_context(request, lang, csrf=csrf_token(request), **context),
        status_code=status_code,
    )


# --- accounts -----------------------------------------------------------------------------


@router.get("/accounts")
def accounts(request: Request, session: SessionDep, editor: AdminRole) -> Response:
    return _render(request, "pages/editor_accounts.html", editor=editor,
                   editors=list_editors(session),
                   roles=ROLES, flash=flash_key(request))


@router.post("/accounts")
def add_account(request: Request, session: SessionDep, editor: AdminRole,
                _csrf: CsrfChecked, form: FormDep) -> Response:
    try:
        create_editor(session, str(form.get("username", ""))[:100],
                      str(form.get("password", ""))[:1000], str(form.get("role", "editor")),
                      actor_id=editor.id)
    except EditorError as exc:
        return _render(request, "pages/editor_accounts.html", status_code=422, editor=editor,
                       editors=list_editors(session), roles=ROLES, error_detail=str(exc),
                       flash=None)
    return RedirectResponse("/editor/accounts?flash=editor.account_created", status_code=303)


@router.post("/accounts/{editor_id}/active")
def set_account_active(editor_id: int, request: Request, session: SessionDep,
                       editor: AdminRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    target = found_or_404(get_editor(session, editor_id))
    try:
        set_editor_active(session, editor, target, form.get("active") == "1")
    except EditorError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return RedirectResponse("/editor/accounts", status_code=303)


@router.get("/audit")
def audit_log(request: Request, session: SessionDep, editor: AdminRole) -> Response:
    return _render(request, "pages/editor_audit.html", editor=editor,
                   rows=recent_audit(session, AUDIT_PAGE))


# --- sources ------------------------------------------------------------------------------


@router.get("/sources")
def sources(request: Request, session: SessionDep, editor: AdminRole) -> Response:
    listed = [(s, health_of(s)) for s in list_sources(session)]
    return _render(request, "pages/editor_sources.html", editor=editor, sources=listed,
                   preview=None, flash=flash_key(request))


@router.post("/sources")
async def add_or_preview_source(request: Request, ctx: CtxDep, session: SessionDep,
                                editor: AdminRole, _csrf: CsrfChecked) -> Response:
    form = await request.form()
    url = str(form.get("url", "")).strip()[:2000]
    department = str(form.get("department", "")).strip()[:200]
    listed = [(s, health_of(s)) for s in list_sources(session)]
    if not url.startswith(("http://", "https://")) or not department:
        return _render(request, "pages/editor_sources.html", status_code=422, editor=editor,
                       sources=listed, preview=None, error="editor.error_source_form",
                       values={"url": url, "department": department})
    if source_with_url(session, url) is not None:
        # Adding it again would reset its kind and rules: edit the listed one instead.
        return _render(request, "pages/editor_sources.html", status_code=422, editor=editor,
                       sources=listed, preview=None, error="editor.source_exists",
                       values={"url": url, "department": department})
    if form.get("action") != "add":
        # A test fetch exactly as the crawler would do it, shown before anything is saved.
        async with make_fetcher(ctx.settings) as fetcher:
            outcome = await fetch_url(url, fetcher)
        return _render(request, "pages/editor_sources.html", editor=editor, sources=listed,
                       preview=outcome, preview_records=outcome.records[:PREVIEW_RECORDS],
                       values={"url": url, "department": department})
    add_source_by_editor(session, editor.id, url, department,
                         poll_interval_seconds=ctx.settings.crawl_interval_seconds)
    return RedirectResponse("/editor/sources?flash=editor.source_added", status_code=303)


@router.post("/sources/{source_id}/paused")
def pause_source(source_id: int, request: Request, session: SessionDep,
                 editor: AdminRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    source = found_or_404(get_source(session, source_id))
    set_source_paused(session, editor.id, source, form.get("paused") == "1")
    return RedirectResponse("/editor/sources", status_code=303)


@router.post("/sources/{source_id}/rules")
def edit_source_rules(source_id: int, request: Request, session: SessionDep,
                      editor: AdminRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    """CSS selectors for a department that only has an HTML list page."""
    source = found_or_404(get_source(session, source_id))
    set_source_rules(session, editor.id, source,
                     {k: str(form.get(k, "")).strip()[:300] for k in RULE_FIELDS})
    return RedirectResponse("/editor/sources?flash=editor.rules_saved", status_code=303)
