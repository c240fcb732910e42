"""Operators' endpoints: health and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from portal.db.session import ping
from portal.metrics import backlog_registry
from portal.routes.deps import CtxDep
from portal.runtime.jobs import QUEUE_NAME

router = APIRouter(tags=["ops"])


class CacheHealth(BaseModel):
    backend: str
    state: str


class Health(BaseModel):
    status: str
    sql: str
    cache: CacheHealth


# Declared for /openapi.json: the handlers build their responses themselves.
@router.get("/healthz", responses={
    200: {"model": Health}, 503: {"model": Health, "description": "SQL is unreachable."}})
def healthz(ctx: CtxDep) -> JSONResponse:
    try:
        ping(ctx.engine)
        sql = "ok"
    except Exception as exc:  # report, do not raise: this is the page that says what is down
        sql = f"error: {type(exc).__name__}"
    cache = "ok" if ctx.cache.ping() else "unreachable"
    body = {"status": "ok" if sql == "ok" else "unavailable", "sql": sql,
            "cache": {"backend": ctx.cache.backend, "state": cache}}
    return JSONResponse(body, status_code=200 if sql == "ok" else 503)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(ctx: CtxDep) -> Response:
    # This process's counters, then the shared backlog (queue, due sources) read right now.
    body = generate_latest() + generate_latest(backlog_registry(ctx, QUEUE_NAME))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
