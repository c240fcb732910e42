"""Editor console: what residents read, as charts and tables, and as open data."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from portal.context import AppContext
from portal.editorial.analytics import (
    DIMENSIONS,
    SHOWN_KINDS,
    Row,
    aggregate,
    default_since,
    to_csv,
    visible,
)
from portal.i18n import content_language
from portal.routes.deps import (
    CtxDep,
    SessionDep,
    ViewerRole,
    csrf_token,
    page_context,
    request_language,
)

router = APIRouter(include_in_schema=False)


def _label(ctx: AppContext, dimension: str, key: str, lang: str) -> str:
    if dimension == "category":
        return ctx.taxonomy.label(key, content_language(lang))
    if dimension == "ward":
        return ctx.area_label(key, lang) if key != "-" else "-"
    if dimension == "hour":
        return f"{int(key)}:00"
    return key


def _days(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("days", "30")), 366))
    except ValueError:
        return 30


@router.get("/editor/analytics")
def analytics(request: Request, ctx: CtxDep, session: SessionDep, editor: ViewerRole
              ) -> Response:
    lang = request_language(request)
    dimension = request.query_params.get("by", "category")
    if dimension not in DIMENSIONS:
        dimension = "category"
    days = _days(request)
    min_count = ctx.settings.analytics_min_count
    rows = aggregate(session, dimension, default_since(days), min_count)
    table = [(row, _label(ctx, dimension, row.key, lang), visible(row, min_count))
             for row in rows]
    peak = max((v or 0 for _, _, values in table for v in values.values()), default=0)
    return request.app.state.templates.TemplateResponse(
        request, "pages/editor_analytics.html",
        page_context(request, lang, editor=editor, csrf=csrf_token(request),
                     dimension=dimension, dimensions=DIMENSIONS, days=days, table=table,
                     kinds=SHOWN_KINDS, peak=peak, min_count=min_count),
    )


@router.get("/editor/analytics/export.{fmt}")
def export(fmt: str, request: Request, ctx: CtxDep, session: SessionDep,
           editor: ViewerRole) -> Response:
    """Aggregates as open data: suppressed cells stay empty, so no resident is exposed."""
    dimension = request.query_params.get("by", "category")
    if dimension not in DIMENSIONS or fmt not in ("csv", "json"):
        raise HTTPException(status_code=404)
    min_count = ctx.settings.analytics_min_count
    rows: list[Row] = aggregate(session, dimension, default_since(_days(request)), min_count)
    name = f"mymachi-{dimension}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(to_csv(rows, dimension, min_count), media_type="text/csv; charset=utf-8",
                        headers=headers)
    body = [{dimension: row.key, **visible(row, min_count)} for row in rows]
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json",
                    headers=headers)
