"""Operators' endpoints: health and Prometheus metrics."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Depends, HTTPException, Request
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


def _loopback(request: Request) -> bool:
    # The forwarded address behind a trusted proxy (uvicorn rewrites request.client), so a
    # request that came through the proxy from outside is not mistaken for a local one.
    try:
        return ipaddress.ip_address(request.client.host if request.client else "").is_loopback
    except ValueError:
        return False


def metrics_access(request: Request, ctx: CtxDep) -> None:
    """Metrics name sources, routes and queue depths: loopback or the bearer token only."""
    token = ctx.settings.metrics_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return
    if _loopback(request):
        return
    raise HTTPException(403, "metrics are served to loopback or with the bearer token",
                        headers={"WWW-Authenticate": "Bearer"})


@router.get("/metrics", response_class=PlainTextResponse,
            dependencies=[Depends(metrics_access)],
            responses={403: {"description": "Neither loopback nor the bearer token."}})
def metrics(ctx: CtxDep) -> Response:
    # This process's counters, then the shared backlog (queue, due sources) read right now.
    body = generate_latest() + generate_latest(backlog_registry(ctx, QUEUE_NAME))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
