"""Editor console: priority notices — write, preview, schedule, edit, withdraw."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from portal.context import AppContext
from portal.db.models import Editor, Notice, utcnow
from portal.db.session import Session
from portal.delivery.outbox import ChannelReport, notice_report
from portal.editorial.notices import (
    SEVERITIES,
    NoticeError,
    NoticeInput,
    get_notice,
    save_from_console,
    withdraw_from_console,
)
from portal.i18n import JST
from portal.routes.deps import (
    CsrfChecked,
    CtxDep,
    EditorRole,
    SessionDep,
    csrf_token,
    found_or_404,
    page_context,
    request_language,
)

router = APIRouter(prefix="/editor", include_in_schema=False)


def parse_local(value: str) -> datetime | None:
    """A datetime-local form value, read as Japan time; empty is None, nonsense an error."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise NoticeError("editor.error_date") from None
    if not 2000 <= moment.year <= 2999:
        raise NoticeError("editor.error_date")
    return moment.replace(tzinfo=JST)


def local_value(moment: datetime | None) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M") if moment else ""


def parse_notice_form(ctx: AppContext, form: FormData, *, strict: bool = True) -> NoticeInput:
    """The notice form as input; raises NoticeError for a date that is not one (with
    strict=False such a date is left out, to show the form again with the rest kept)."""

    def moment(key: str) -> datetime | None:
        try:
            return parse_local(str(form.get(key, "")))
        except NoticeError:
            if strict:
                raise
            return None

    cats = {c.slug for c in ctx.taxonomy.categories}
    areas = {a.slug for a in ctx.areas}
    stages = {s.slug for s in ctx.taxonomy.life_stages}
    return NoticeInput(
        severity=str(form.get("severity", "info")),
        title=str(form.get("title", "")).strip()[:200],
        body=str(form.get("body", "")).strip()[:5000],
        scope_categories=[v for v in form.getlist("scope_categories") if v in cats],
        scope_areas=[v for v in form.getlist("scope_areas") if v in areas],
        scope_life_stages=[v for v in form.getlist("scope_life_stages") if v in stages],
        starts_at=moment("starts_at") or utcnow(),
        ends_at=moment("ends_at"),
    )


def _form_page(request: Request, ctx: AppContext, editor: Editor, *, data: NoticeInput | None,
               notice: Notice | None, error: str | None = None, preview: bool = False,
               typed: dict[str, str] | None = None, status_code: int = 200,
               delivery: list[ChannelReport] | None = None) -> Response:
    """The notice form. `typed` holds the dates as the editor typed them, so a preview or
    an error never turns a scheduled start into "now"."""
    lang = request_language(request)
    values: dict[str, Any] = {
        "severity": data.severity if data else "info",
        "title": data.title if data else "", "body": data.body if data else "",
        "scope_categories": set(data.scope_categories) if data else set(),
        "scope_areas": set(data.scope_areas) if data else set(),
        "scope_life_stages": set(data.scope_life_stages or []) if data else set(),
        "starts_at": local_value(data.starts_at) if data and notice else "",
        "ends_at": local_value(data.ends_at) if data else "",
        **(typed or {}),
    }
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_notice_form.html",
        page_context(request, lang, csrf=csrf_token(request), editor=editor, notice=notice,
                     values=values,
                     error=error, preview=data if preview else None, severities=SEVERITIES,
                     categories=ctx.taxonomy.categories, areas=ctx.areas,
                     life_stages=ctx.taxonomy.life_stages, delivery=delivery),
        status_code=status_code,
    )


@router.get("/notices/new")
def new_notice(request: Request, ctx: CtxDep, editor: EditorRole) -> Response:
    return _form_page(request, ctx, editor, data=None, notice=None)


async def _submit(request: Request, ctx: AppContext, session: Session, editor: Editor,
                  notice: Notice | None) -> Response:
    """Preview, create or update from the notice form: one path for new and edited."""
    form = await request.form()
    typed = {key: str(form.get(key, ""))[:30] for key in ("starts_at", "ends_at")}
    try:
        data = parse_notice_form(ctx, form)
    except NoticeError as exc:
        return _form_page(request, ctx, editor, data=parse_notice_form(ctx, form, strict=False),
                          notice=notice, error=str(exc), typed=typed, status_code=422)
    if form.get("action") == "preview":
        return _form_page(request, ctx, editor, data=data, notice=notice, preview=True,
                          typed=typed)
    is_new = notice is None
    try:
        # In a worker thread: a write waiting for the store (SQLite's one writer during a
        # crawl) must not stall every other request on this event loop.
        notice = await run_in_threadpool(save_from_console, ctx, session, editor.id, data,
                                         notice)
    except NoticeError as exc:
        return _form_page(request, ctx, editor, data=data, notice=notice, error=str(exc),
                          typed=typed, status_code=422)
    flash = "editor.published_ok" if is_new else "editor.saved_ok"
    return RedirectResponse(f"/editor/?flash={flash}", status_code=303)


@router.post("/notices")
async def publish_notice(request: Request, ctx: CtxDep, session: SessionDep,
                         editor: EditorRole, _csrf: CsrfChecked) -> Response:
    return await _submit(request, ctx, session, editor, None)


def _notice_or_404(session: Session, notice_id: int) -> Notice:
    return found_or_404(get_notice(session, notice_id))


@router.get("/notices/{notice_id}/edit")
def edit_notice(notice_id: int, request: Request, ctx: CtxDep, session: SessionDep,
                editor: EditorRole) -> Response:
    notice = _notice_or_404(session, notice_id)
    data = NoticeInput(
        severity=notice.severity, title=notice.title, body=notice.body,
        scope_categories=notice.scope_categories, scope_areas=notice.scope_areas,
        scope_life_stages=notice.scope_life_stages, starts_at=notice.starts_at,
        ends_at=notice.ends_at,
    )
    return _form_page(request, ctx, editor, data=data, notice=notice,
                      delivery=notice_report(session, notice.id))


@router.post("/notices/{notice_id}")
async def save_notice(notice_id: int, request: Request, ctx: CtxDep, session: SessionDep,
                      editor: EditorRole, _csrf: CsrfChecked) -> Response:
    return await _submit(request, ctx, session, editor, _notice_or_404(session, notice_id))


@router.post("/notices/{notice_id}/cancel")
def withdraw_notice(notice_id: int, ctx: CtxDep, session: SessionDep, editor: EditorRole,
                    _csrf: CsrfChecked) -> Response:
    notice = _notice_or_404(session, notice_id)
    withdraw_from_console(ctx, session, editor.id, notice)
    return RedirectResponse("/editor/?flash=editor.withdrawn_ok", status_code=303)
