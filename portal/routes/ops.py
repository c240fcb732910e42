"""Operators' endpoints: health and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from portal.web import CtxDep

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz(ctx: CtxDep) -> JSONResponse:
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        sql = "ok"
    except Exception as exc:  # report, do not raise: this is the page that says what is down
        sql = f"error: {type(exc).__name__}"
    cache = "ok" if ctx.cache.ping() else "unreachable"
    body = {"status": "ok" if sql == "ok" else "unavailable", "sql": sql,
            "cache": {"backend": ctx.cache.backend, "state": cache}}
    return JSONResponse(body, status_code=200 if sql == "ok" else 503)


@router.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
