"""Editor console: login, logout and the dashboard. Login + CSRF on every form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.db.models import utcnow
from portal.editorial.editors import authenticate, note_failure, throttled
from portal.editorial.notices import all_notices, notice_status
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
)
from portal.security import client_key

router = APIRouter(prefix="/editor", include_in_schema=False)


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
        if editor is not None:
            request.session.clear()  # a fresh session on login: no fixation
            request.session["editor_id"] = editor.id
            csrf_token(request)
            return RedirectResponse("/editor/", status_code=303)
        note_failure(ctx.cache, username, ip, attempts)
        error = "editor.bad_login"
    status = 429 if error == "editor.throttled" else 401
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_login.html",
        page_context(request, lang, csrf=csrf_token(request), error=error), status_code=status,
    )


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
