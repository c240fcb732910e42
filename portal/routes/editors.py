"""Editor console: login, priority notices, source health. Login + CSRF on every form."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from portal.db.models import Notice
from portal.i18n import JST
from portal.services.editors import authenticate, note_failure, throttled
from portal.services.notices import (
    SEVERITIES,
    NoticeInput,
    all_notices,
    cancel_notice,
    create_notice,
)
from portal.services.sources import health_of, list_sources, utcnow
from portal.web import (
    CtxDep,
    CurrentEditor,
    SessionDep,
    csrf_token,
    page_context,
    request_language,
    require_csrf,
)

router = APIRouter(prefix="/editor", include_in_schema=False)
Csrf = Annotated[None, Depends(require_csrf)]


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_page(request: Request) -> Response:
    lang = request_language(request)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_login.html",
        page_context(request, lang, csrf=csrf_token(request), error=None),
    )


@router.post("/login")
async def login(request: Request, ctx: CtxDep, session: SessionDep, _csrf: Csrf) -> Response:
    lang = request_language(request)
    form = await request.form()
    username = str(form.get("username", ""))[:100]
    password = str(form.get("password", ""))[:1000]
    ip = _client_ip(request)
    error = None
    if throttled(ctx.cache, username, ip, ctx.settings.login_attempts_per_15min):
        error = "editor.throttled"
    else:
        editor = authenticate(session, username, password)
        if editor is not None:
            session.commit()
            request.session.clear()  # a fresh session on login: no fixation
            request.session["editor_id"] = editor.id
            csrf_token(request)
            return RedirectResponse("/editor/", status_code=303)
        note_failure(ctx.cache, username, ip)
        error = "editor.bad_login"
    status = 429 if error == "editor.throttled" else 401
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_login.html",
        page_context(request, lang, csrf=csrf_token(request), error=error), status_code=status,
    )


@router.post("/logout")
def logout(request: Request, _csrf: Csrf) -> Response:
    request.session.clear()
    return RedirectResponse("/editor/login", status_code=303)


@router.get("/")
def console(request: Request, ctx: CtxDep, session: SessionDep, editor: CurrentEditor) -> Response:
    lang = request_language(request)
    sources = [(s, health_of(s)) for s in list_sources(session)]
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_console.html",
        page_context(
            request, lang, editor=editor, csrf=csrf_token(request),
            notices=all_notices(session), sources=sources, severities=SEVERITIES,
            categories=ctx.taxonomy.categories, areas=ctx.areas, now=utcnow(),
            flash=request.query_params.get("flash"), errors=[],
        ),
    )


def _parse_local(value: str) -> datetime | None:
    """A datetime-local form value, read as Japan time."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=JST) if value else None
    except ValueError:
        return None


@router.post("/notices")
async def publish_notice(request: Request, ctx: CtxDep, session: SessionDep,
                         editor: CurrentEditor, _csrf: Csrf) -> Response:
    form = await request.form()
    title = str(form.get("title", "")).strip()[:200]
    severity = str(form.get("severity", "info"))
    if not title or severity not in SEVERITIES:
        return RedirectResponse("/editor/?flash=editor.error_title", status_code=303)
    cats = {c.slug for c in ctx.taxonomy.categories}
    areas = {a.slug for a in ctx.areas}
    data = NoticeInput(
        severity=severity, title=title, body=str(form.get("body", "")).strip()[:5000],
        scope_categories=[v for v in form.getlist("scope_categories") if v in cats],
        scope_areas=[v for v in form.getlist("scope_areas") if v in areas],
        starts_at=utcnow(), ends_at=_parse_local(str(form.get("ends_at", ""))),
    )
    create_notice(session, editor.id, data)
    session.commit()
    return RedirectResponse("/editor/?flash=editor.published_ok", status_code=303)


@router.post("/notices/{notice_id}/cancel")
def withdraw_notice(notice_id: int, session: SessionDep, editor: CurrentEditor,
                    _csrf: Csrf) -> Response:
    notice = session.get(Notice, notice_id)
    if notice is not None:
        cancel_notice(session, editor.id, notice)
        session.commit()
    return RedirectResponse("/editor/", status_code=303)
