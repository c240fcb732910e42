"""Admins' webhooks: register a URL (its signing secret is shown), pause, see deliveries."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.delivery.webhooks import (
    WebhookError,
    all_webhooks,
    delivery_log,
    get_webhook,
    register_webhook,
    set_webhook_active,
)
from portal.routes.deps import (
    AdminRole,
    CsrfChecked,
    FormDep,
    SessionDep,
    csrf_token,
    found_or_404,
    page_context,
    request_language,
)

router = APIRouter(prefix="/editor", include_in_schema=False)


def _render(request: Request, session: object, editor: object, status_code: int = 200,
            **extra: object) -> Response:
    lang = request_language(request)
    context = page_context(request, lang, csrf=csrf_token(request), editor=editor,
                           hooks=all_webhooks(session), log=delivery_log(session),  # type: ignore[arg-type]
                           **extra)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_webhooks.html", context, status_code=status_code)


@router.get("/webhooks")
def webhooks_page(request: Request, session: SessionDep, editor: AdminRole) -> Response:
    return _render(request, session, editor, error=None, created=None)


@router.post("/webhooks")
def add_webhook(request: Request, session: SessionDep, editor: AdminRole,
                _csrf: CsrfChecked, form: FormDep) -> Response:
    try:
        hook = register_webhook(session, editor.id, str(form.get("url", ""))[:2000],
                                str(form.get("description", ""))[:200])
    except WebhookError as exc:
        return _render(request, session, editor, status_code=422, error=str(exc),
                       created=None)
    # The secret is shown once here, for the receiving system's settings.
    return _render(request, session, editor, error=None, created=hook)


@router.post("/webhooks/{hook_id}/active")
def toggle_webhook(hook_id: int, session: SessionDep, editor: AdminRole, _csrf: CsrfChecked,
                   form: FormDep) -> Response:
    hook = found_or_404(get_webhook(session, hook_id))
    set_webhook_active(session, editor.id, hook, form.get("active") == "1")
    return RedirectResponse("/editor/webhooks", status_code=303)
