"""Editor console: login, logout and the dashboard. Login + CSRF on every form."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.db.models import Editor, utcnow
from portal.db.session import Session
from portal.editorial.editors import authenticate, get_editor, note_failure, throttled
from portal.editorial.notices import all_notices, notice_status
from portal.editorial.twofactor import has_totp, verify_second_factor
from portal.ingest.sources import health_of, list_sources
from portal.routes.deps import (
    CsrfChecked,
    CtxDep,
    FormDep,
    SessionDep,
    ViewerRole,
    csrf_token,
    flash_key,
    page_context,
    request_language,
    signed_values,
    start_editor_session,
)
from portal.security import client_key

router = APIRouter(prefix="/editor", include_in_schema=False)
PENDING_SECONDS = 300  # between the password and the code


def _client_ip(request: Request) -> str:
    return client_key(request)  # an IPv6 client cannot rotate within its /64


@router.get("/login")
def login_page(request: Request) -> Response:
    lang = request_language(request)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_login.html",
        page_context(request, lang, csrf=csrf_token(request), error=None),
    )


@router.post("/login")
def login(request: Request, ctx: CtxDep, session: SessionDep,
          _csrf: CsrfChecked, form: FormDep) -> Response:
    lang = request_language(request)
    username = str(form.get("username", ""))[:100]
    password = str(form.get("password", ""))[:1000]
    ip = _client_ip(request)
    error = None
    attempts = ctx.settings.login_attempts_per_15min
    if throttled(ctx.cache, username, ip, attempts):
        error = "editor.throttled"
    else:
        editor = authenticate(session, username, password)
        if editor is not None and has_totp(editor):
            # The password is right; the session holds no editor until the second factor.
            request.session.clear()
            request.session.update(pending_editor_id=editor.id, pending_at=int(time.time()))
            csrf_token(request)
            return RedirectResponse("/editor/login/code", status_code=303)
        if editor is not None:
            start_editor_session(request, editor)
            return RedirectResponse("/editor/", status_code=303)
        note_failure(ctx.cache, username, ip, attempts)
        error = "editor.bad_login"
    status = 429 if error == "editor.throttled" else 401
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_login.html",
        page_context(request, lang, csrf=csrf_token(request), error=error), status_code=status,
    )


def _pending_editor(request: Request, session: Session) -> Editor | None:
    """The account whose password was just given, within PENDING_SECONDS."""
    values = signed_values(request)
    editor_id = values.get("pending_editor_id")
    fresh = time.time() - float(values.get("pending_at", 0)) < PENDING_SECONDS
    editor = get_editor(session, int(editor_id)) if editor_id and fresh else None
    return editor if editor is not None and editor.active and has_totp(editor) else None


def _code_page(request: Request, error: str | None = None, status_code: int = 200
               ) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_login_code.html",
        page_context(request, request_language(request), csrf=csrf_token(request),
                     error=error), status_code=status_code)


@router.get("/login/code")
def login_code_page(request: Request, session: SessionDep) -> Response:
    if _pending_editor(request, session) is None:
        return RedirectResponse("/editor/login", status_code=303)
    return _code_page(request)


@router.post("/login/code")
def login_code(request: Request, ctx: CtxDep, session: SessionDep,
               _csrf: CsrfChecked, form: FormDep) -> Response:
    editor = _pending_editor(request, session)
    if editor is None:
        return RedirectResponse("/editor/login", status_code=303)
    ip = _client_ip(request)
    attempts = ctx.settings.login_attempts_per_15min
    if throttled(ctx.cache, editor.username, ip, attempts):
        return _code_page(request, "editor.throttled", 429)
    if verify_second_factor(session, editor, str(form.get("code", ""))[:40]):
        start_editor_session(request, editor)
        return RedirectResponse("/editor/", status_code=303)
    note_failure(ctx.cache, editor.username, ip, attempts)
    return _code_page(request, "editor.bad_code", 401)


@router.post("/logout")
def logout(request: Request, _csrf: CsrfChecked) -> Response:
    request.session.clear()
    return RedirectResponse("/editor/login", status_code=303)


@router.get("/")
def console(request: Request, ctx: CtxDep, session: SessionDep, editor: ViewerRole) -> Response:
    lang = request_language(request)
    now = utcnow()
    notices = all_notices(session)
    healths = [(s, health_of(s, now)) for s in list_sources(session)]
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_console.html",
        page_context(
            request, lang, editor=editor, csrf=csrf_token(request),
            notices=[(n, notice_status(n, now)) for n in notices],
            flash=flash_key(request),
            failing_sources=[s for s, h in healths if h.state in ("failing", "degraded")],
            quiet_sources=[s for s, h in healths if h.state == "quiet"],
        ),
    )
