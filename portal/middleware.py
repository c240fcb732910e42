"""The request stack around every route, as plain ASGI middleware.

Starlette's BaseHTTPMiddleware (and `@app.middleware("http")`) runs the rest of the app in
a task of its own and streams the response through a memory channel: measured under wrk it
was most of the event loop's time for a trivial route. Plain ASGI middleware only wraps
`send`, so what each layer costs is what it does.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client.metrics import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_compress import CompressMiddleware, remove_compress_type

from portal.metrics import REQUEST_SECONDS, REQUESTS
from portal.security import security_headers
from portal.signing import EditorSessionMiddleware

EDITOR_PREFIX = "/editor"
# A live-notice stream must reach the page as each event is sent; compressing it would
# only hold events back in the compressor for a few bytes saved.
remove_compress_type("text/event-stream")


def route_template(scope: Scope) -> str:
    """The matched route's template (never the path, which may hold a token)."""
    return getattr(scope.get("route"), "path", None) or "unmatched"


class ObserveRequests:
    """Counts each request and its time to the response's start (Prometheus), and adds the
    security headers to every response. Label children are looked up once per (method,
    route, status), not per request: `labels()` takes a lock and builds a key each call."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._counted: dict[tuple[str, str, int], Counter] = {}
        self._timed: dict[str, Histogram] = {}

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope.get("method", "")
        route = route_template(scope)
        counter = self._counted.get((method, route, status))
        if counter is None:
            counter = self._counted[(method, route, status)] = REQUESTS.labels(
                method, route, str(status))
        timer = self._timed.get(route)
        if timer is None:
            timer = self._timed[route] = REQUEST_SECONDS.labels(route)
        counter.inc()
        timer.observe(seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        recorded = False

        async def send_observed(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start":
                message["headers"] = personal_page_headers(security_headers(
                    scope["path"], scope.get("scheme") == "https", message.get("headers", ())))
                # Time to the response's start: a live stream stays open for hours.
                self._record(scope, int(message["status"]), time.perf_counter() - started)
                recorded = True
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            if not recorded:  # an exception escaped before any response: a 500
                self._record(scope, 500, time.perf_counter() - started)


_HTML = b"text/html"
_PRIVATE = (b"cache-control", b"private")
# The language of a page can follow Accept-Language (no cookie yet): caches key on both.
_VARY_COOKIE = (b"vary", b"Accept-Language, Cookie")


def personal_page_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Every HTML page depends on the visitor's cookies (their profile, language, editor
    session): no shared cache may keep one for another visitor. A route that chose its own
    Cache-Control keeps it."""
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
    if not content_type.startswith(_HTML):
        return headers
    names = {n.lower() for n, _ in headers}
    if b"cache-control" not in names:
        headers.append(_PRIVATE)
    headers.append(_VARY_COOKIE)
    return headers


class EditorSessions:
    """The editor console's signed session cookie, read and written under /editor only:
    a resident's page never pays for decoding it (nor could it set one)."""

    def __init__(self, app: ASGIApp, **options: Any) -> None:
        self.app = app
        self.sessions = EditorSessionMiddleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if path == EDITOR_PREFIX or path.startswith(EDITOR_PREFIX + "/"):
            await self.sessions(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def compression(app: ASGIApp) -> CompressMiddleware:
    """Brotli, zstd or gzip by the client's Accept-Encoding, for text bodies over 500 bytes
    (HTML, JSON, feeds, CSS, JS); never live streams (above)."""
    return CompressMiddleware(app, minimum_size=500, brotli_quality=4, gzip_level=6)
