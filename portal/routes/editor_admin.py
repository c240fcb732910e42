"""Editor console, admin side: editor accounts, the audit log and department sources."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from crawlers import fetch_url
from portal.db.models import AuditLog, Editor, Source
from portal.editorial.editors import ROLES, EditorError, create_editor
from portal.editorial.notices import audit
from portal.ingest.fetcher import make_fetcher
from portal.ingest.sources import add_source, health_of, list_sources
from portal.routes.deps import (
    AdminRole,
    CsrfChecked,
    CtxDep,
    FormDep,
    SessionDep,
    csrf_token,
    flash_key,
    get_or_404,
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
    editors = list(session.scalars(select(Editor).order_by(Editor.username)))
    return _render(request, "pages/editor_accounts.html", editor=editor, editors=editors,
                   roles=ROLES, flash=flash_key(request))


@router.post("/accounts")
def add_account(request: Request, session: SessionDep, editor: AdminRole,
                _csrf: CsrfChecked, form: FormDep) -> Response:
    try:
        create_editor(session, str(form.get("username", ""))[:100],
                      str(form.get("password", ""))[:1000], str(form.get("role", "editor")),
                      actor_id=editor.id)
    except EditorError as exc:
        editors = list(session.scalars(select(Editor).order_by(Editor.username)))
        return _render(request, "pages/editor_accounts.html", status_code=422, editor=editor,
                       editors=editors, roles=ROLES, error_detail=str(exc), flash=None)
    session.commit()
    return RedirectResponse("/editor/accounts?flash=editor.account_created", status_code=303)


@router.post("/accounts/{editor_id}/active")
def set_account_active(editor_id: int, request: Request, session: SessionDep,
                       editor: AdminRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    target = get_or_404(session, Editor, editor_id)
    active = form.get("active") == "1"
    if target.id == editor.id and not active:
        raise HTTPException(status_code=422, detail="you cannot deactivate yourself")
    target.active = active
    audit(session, editor.id, "editor.activate" if active else "editor.deactivate",
          f"editor:{target.id}")
    session.commit()
    return RedirectResponse("/editor/accounts", status_code=303)


@router.get("/audit")
def audit_log(request: Request, session: SessionDep, editor: AdminRole) -> Response:
    rows = session.execute(
        select(AuditLog, Editor.username)
        .join(Editor, Editor.id == AuditLog.editor_id, isouter=True)
        .order_by(AuditLog.id.desc()).limit(AUDIT_PAGE)
    ).all()
    return _render(request, "pages/editor_audit.html", editor=editor, rows=rows)


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
    if session.scalar(select(Source.id).where(Source.url == url)) is not None:
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
    source = add_source(session, url, department,
                        poll_interval_seconds=ctx.settings.crawl_interval_seconds)
    audit(session, editor.id, "source.add", f"source:{source.id}",
          {"url": url, "department": department})
    session.commit()
    return RedirectResponse("/editor/sources?flash=editor.source_added", status_code=303)


@router.post("/sources/{source_id}/paused")
def pause_source(source_id: int, request: Request, session: SessionDep,
                 editor: AdminRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    source = get_or_404(session, Source, source_id)
    source.paused = form.get("paused") == "1"
    if not source.paused:
        source.next_fetch_at = None  # resume now, not after the old backoff
    audit(session, editor.id, "source.pause" if source.paused else "source.resume",
          f"source:{source.id}")
    session.commit()
    return RedirectResponse("/editor/sources", status_code=303)


RULE_FIELDS = ("item", "link", "title", "date")


@router.post("/sources/{source_id}/rules")
def edit_source_rules(source_id: int, request: Request, session: SessionDep,
                      editor: AdminRole, _csrf: CsrfChecked, form: FormDep) -> Response:
    """CSS selectors for a department that only has an HTML list page."""
    source = get_or_404(session, Source, source_id)
    rules = {k: str(form.get(k, "")).strip()[:300] for k in RULE_FIELDS}
    rules = {k: v for k, v in rules.items() if v}
    before = dict(source.rules or {})
    source.rules = rules
    if rules.get("item") and rules.get("link"):
        source.kind = "html"
    elif source.kind == "html":
        source.kind = "auto"  # rules cleared: let the crawler recognise the page again
    source.etag = source.last_modified = None  # re-read the page with the new rules
    source.next_fetch_at = None
    audit(session, editor.id, "source.rules", f"source:{source.id}",
          {"from": before, "to": rules})
    session.commit()
    return RedirectResponse("/editor/sources?flash=editor.rules_saved", status_code=303)
