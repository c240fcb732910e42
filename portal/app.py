"""The FastAPI application factory: tests and the CLI build the app the same way."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.assets import HashedStaticFiles
from portal.context import AppContext
from portal.i18n import t
from portal.logs import AccessLog
from portal.middleware import EditorSessions, ObserveRequests, compression
from portal.routes import (
    about,
    api,
    api_subscriptions,
    editor_account,
    editor_admin,
    editor_analytics,
    editor_articles,
    editor_notices,
    editor_webhooks,
    editors,
    live,
    notifications,
    ops,
    public_feeds,
    resident_data,
    residents,
)
from portal.routes.apidocs import install_api_docs
from portal.routes.deps import (
    LoginRequired,
    ProfileRequired,
    TotpEnrolmentRequired,
    make_templates,
    request_language,
)
from portal.runtime.jobs import start_embedded_scheduler
from portal.settings import PACKAGE_DIR, Settings

log = logging.getLogger(__name__)

# htmx and its SSE extension come from npm (package-lock.json), never copied into the repo.
VENDOR_SCRIPTS = {"htmx.org": "htmx.min.js", "htmx-ext-sse": "sse.js"}
# The Digital Agency design tokens (colour, type, spacing) from npm, linked before site.css.
VENDOR_STYLES = {"@digital-go-jp/design-tokens": "tokens.css"}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
        "accept", ""
    )


def create_app(settings: Settings | None = None, ctx: AppContext | None = None,
               *, run_scheduler: bool | None = None) -> FastAPI:
    settings = settings or Settings()
    ctx = ctx or AppContext.build(settings)
    if run_scheduler is None:
        run_scheduler = settings.embedded_scheduler and not settings.redis_url

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        await ctx.live.start()
        stop = start_embedded_scheduler(ctx) if run_scheduler else None
        yield
        if stop is not None:
            await stop()
        await ctx.live.stop()
        await asyncio.to_thread(ctx.close)  # embedded crawls' pool processes, connections

    app = FastAPI(
        title="mymachi", version="0.1.0", lifespan=lifespan,
        docs_url=None, redoc_url=None,  # same-origin pages instead: portal/routes/apidocs.py
        description="Personalized municipal news: residents' profiles and feeds.",
    )
    app.state.ctx = ctx
    app.state.templates = make_templates(ctx)
    # Plain ASGI only (portal/middleware.py). add_middleware puts each new one outside the
    # ones before: sessions (editor paths only) → metrics and security headers →
    # compression → access log, outermost, one line per request.
    app.add_middleware(
        EditorSessions, settings=settings, session_cookie="mymachi_editor",
        same_site="lax", https_only=settings.cookie_secure,
        max_age=int(settings.editor_session_hours * 3600),
    )
    app.add_middleware(ObserveRequests)
    app.add_middleware(compression)
    app.add_middleware(AccessLog)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/editor/login", status_code=303)

    @app.exception_handler(TotpEnrolmentRequired)
    async def to_enrolment(request: Request, exc: TotpEnrolmentRequired) -> Response:
        return RedirectResponse("/editor/account", status_code=303)

    @app.exception_handler(ProfileRequired)
    async def to_onboarding(request: Request, exc: ProfileRequired) -> Response:
        return RedirectResponse("/", status_code=303)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError) -> Response:
        # Fail fast and say so; never hang or show a traceback when SQL is unreachable.
        log.error("database unavailable: %s", exc.orig)
        return _error(request, 503, "error.unavailable", headers={"Retry-After": "10"})

    @app.exception_handler(DataError)
    async def unstorable(request: Request, exc: DataError) -> Response:
        # A value the database refuses (a NUL character in PostgreSQL text, a number out of
        # a column's range) is bad input, not a server fault: 422, never a 500.
        log.warning("input refused by the database: %s", str(exc.orig).partition("\n")[0])
        if request.url.path.startswith("/api/"):  # the API's usual 422 shape
            return JSONResponse({"detail": [{"loc": ["request"], "type": "value_error",
                                             "msg": t("error.invalid_input", "en")}]},
                                status_code=422)
        return _error(request, 422, "error.invalid_input")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        key = {404: "error.not_found", 403: "error.forbidden",
               429: "error.too_many_requests"}.get(exc.status_code, "error.unavailable")
        return _error(request, exc.status_code, key, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    def _error(request: Request, status: int, key: str,
               headers: dict[str, str] | None = None) -> Response:
        lang = request_language(request)
        if _wants_json(request):
            return JSONResponse({"detail": t(key, "en")}, status_code=status, headers=headers)
        return app.state.templates.TemplateResponse(
            request, "pages/error.html", {"request": request, "lang": lang, "message_key": key},
            status_code=status, headers=headers,
        )

    app.include_router(api.router)
    api.install_openapi(app, ctx)
    app.include_router(api_subscriptions.router)
    api_subscriptions.install_openapi(app, ctx)
    app.include_router(residents.router)
    app.include_router(resident_data.router)
    app.include_router(notifications.router)
    app.include_router(public_feeds.router)
    app.include_router(editors.router)
    app.include_router(editor_account.router)
    app.include_router(editor_notices.router)
    app.include_router(editor_admin.router)
    app.include_router(editor_webhooks.router)
    app.include_router(editor_analytics.router)
    app.include_router(editor_articles.router)
    app.include_router(ops.router)
    app.include_router(live.router)
    app.include_router(about.router)
    site_static = HashedStaticFiles(PACKAGE_DIR / "static", "/static")
    app.mount("/static", site_static, name="static")
    app.state.templates.env.globals["static_url"] = site_static.url
    # Only each package's dist/ folder is served, not node_modules as a whole.
    app.state.vendor_scripts = []
    app.state.vendor_styles = []
    for package, name in (VENDOR_SCRIPTS | VENDOR_STYLES).items():
        dist = settings.assets_dir / package / "dist"
        if not (dist / name).is_file():
            continue
        vendor = HashedStaticFiles(dist, f"/vendor/{package}")
        app.mount(f"/vendor/{package}", vendor, name=f"vendor-{package}")
        target = app.state.vendor_scripts if package in VENDOR_SCRIPTS else \
            app.state.vendor_styles
        target.append(vendor.url(name))
    # After the vendor mounts: its /vendor/{asset} route must not shadow them.
    install_api_docs(app, settings.assets_dir)
    return app
