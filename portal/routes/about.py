"""The privacy page and the accessibility statement: static pages, ja/en, in every footer."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from portal.routes.deps import CookieProfile, CtxDep, page_context, request_language

router = APIRouter(include_in_schema=False)  # HTML pages, not the JSON API

# The pages axe-core checks in tests/browser (WCAG 2.1 A/AA, the success criteria JIS X
# 8341-3:2016 takes from WCAG 2.0); the statement lists them, and a test keeps the two alike.
AXE_TESTED_PAGES = (
    "/", "/feed", "/saved", "/search", "/settings", "/my-data", "/notifications", "/transfer",
    "/privacy", "/accessibility", "/editor/login", "/editor/",
)
# The day the pages above last passed those tests; move it when the statement is reviewed.
ACCESSIBILITY_TESTED_ON = date(2026, 12, 5)
ACCESSIBILITY_STANDARD = "JIS X 8341-3:2016"


@router.get("/privacy")
def privacy_page(request: Request, ctx: CtxDep, profile: CookieProfile) -> Response:
    lang = request_language(request, profile)
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "pages/privacy.html", page_context(
            request, lang, profile=profile,
            retention_days=ctx.settings.profile_retention_days,
            analytics_min_count=ctx.settings.analytics_min_count))


@router.get("/accessibility")
def accessibility_page(request: Request, profile: CookieProfile) -> Response:
    lang = request_language(request, profile)
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "pages/accessibility.html", page_context(
            request, lang, profile=profile, standard=ACCESSIBILITY_STANDARD,
            tested_pages=AXE_TESTED_PAGES, tested_on=ACCESSIBILITY_TESTED_ON))
