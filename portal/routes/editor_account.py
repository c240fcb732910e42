"""An editor's own account: two-factor enrolment, recovery codes, ending every session.
Reachable before enrolment (an admin who must enrol is sent here), so it takes the signed-in
editor without the two-factor requirement."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.editorial.editors import get_editor, note_failure, throttled
from portal.editorial.twofactor import (
    confirm_enrolment,
    disable_totp,
    has_totp,
    needs_totp,
    provisioning_uri,
    revoke_sessions,
    start_enrolment,
    verify_second_factor,
)
from portal.routes.deps import (
    AdminRole,
    CsrfChecked,
    CtxDep,
    FormDep,
    SessionDep,
    SignedInEditor,
    csrf_token,
    flash_key,
    found_or_404,
    page_context,
    request_language,
)
from portal.security import client_key

router = APIRouter(prefix="/editor", include_in_schema=False)


def _page(request: Request, ctx: CtxDep, editor: SignedInEditor, *, status_code: int = 200,
          error: str | None = None, recovery_codes: list[str] | None = None) -> Response:
    secret = None if has_totp(editor) else start_enrolment(editor)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_account.html",
        page_context(
            request, request_language(request), csrf=csrf_token(request), editor=editor,
            secret=secret, recovery_codes=recovery_codes, error=error,
            flash=flash_key(request),
            otpauth_uri=provisioning_uri(secret, editor.username, ctx.city_name or "mymachi")
            if secret else None,
            must_enrol=needs_totp(editor, ctx.settings.require_admin_totp),
            may_disable=has_totp(editor) and not (
                ctx.settings.require_admin_totp and editor.role == "admin"),
            remaining_codes=len(editor.recovery_code_hashes or [])),
        status_code=status_code)


@router.get("/account")
def account(request: Request, ctx: CtxDep, editor: SignedInEditor) -> Response:
    return _page(request, ctx, editor)


def _code_attempt(request: Request, ctx: CtxDep, editor: SignedInEditor) -> bool:
    """False when this account or address has used up its code attempts (as the login)."""
    return not throttled(ctx.cache, editor.username, client_key(request),
                         ctx.settings.login_attempts_per_15min)


def _failed(request: Request, ctx: CtxDep, editor: SignedInEditor) -> None:
    note_failure(ctx.cache, editor.username, client_key(request),
                 ctx.settings.login_attempts_per_15min)


@router.post("/account/totp")
def enrol(request: Request, ctx: CtxDep, session: SessionDep, editor: SignedInEditor,
          _csrf: CsrfChecked, form: FormDep) -> Response:
    if has_totp(editor):
        return RedirectResponse("/editor/account", status_code=303)
    if not _code_attempt(request, ctx, editor):
        return _page(request, ctx, editor, status_code=429, error="editor.throttled")
    codes = confirm_enrolment(session, editor, str(form.get("code", ""))[:40])
    if codes is None:
        _failed(request, ctx, editor)
        return _page(request, ctx, editor, status_code=422, error="editor.bad_code")
    return _page(request, ctx, editor, recovery_codes=codes)


@router.post("/account/totp/disable")
def disable(request: Request, ctx: CtxDep, session: SessionDep, editor: SignedInEditor,
            _csrf: CsrfChecked, form: FormDep) -> Response:
    if ctx.settings.require_admin_totp and editor.role == "admin":
        return _page(request, ctx, editor, status_code=403, error="editor.totp_required")
    if not _code_attempt(request, ctx, editor):
        return _page(request, ctx, editor, status_code=429, error="editor.throttled")
    if not verify_second_factor(session, editor, str(form.get("code", ""))[:40]):
        _failed(request, ctx, editor)
        return _page(request, ctx, editor, status_code=422, error="editor.bad_code")
    disable_totp(session, editor)
    return RedirectResponse("/editor/account?flash=editor.totp_disabled", status_code=303)


@router.post("/account/sessions/revoke")
def revoke_own_sessions(request: Request, session: SessionDep, editor: SignedInEditor,
                        _csrf: CsrfChecked) -> Response:
    """Sign out everywhere (a lost phone, a shared computer), this browser too."""
    revoke_sessions(session, editor, editor)
    request.session.clear()
    return RedirectResponse("/editor/login", status_code=303)


@router.post("/accounts/{editor_id}/sessions/revoke")
def revoke_account_sessions(editor_id: int, session: SessionDep, editor: AdminRole,
                            _csrf: CsrfChecked) -> Response:
    target = found_or_404(get_editor(session, editor_id))
    revoke_sessions(session, editor, target)
    if target.id == editor.id:
        return RedirectResponse("/editor/login", status_code=303)
    return RedirectResponse("/editor/accounts?flash=editor.sessions_revoked", status_code=303)
