"""/docs and /redoc render in Chromium under the site's CSP, from same-origin assets."""

from __future__ import annotations

from portal.routes.apidocs import REDOC_CSP, REDOC_REFUSED_LOGO
from portal.security import CSP


def _console_errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_swagger_ui_lists_the_operations_without_console_errors(chromium, portal_url) -> None:
    context = chromium.new_context()  # CSP enforced
    page = context.new_page()
    errors = _console_errors(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    response = page.goto(portal_url + "/docs")
    assert response is not None and response.headers["content-security-policy"] == CSP
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    paths = {s.replace("\u200b", "") for s in summaries}
    assert "/api/v1/categories" in paths and "/api/v1/profiles/{profile_id}/feed" in paths
    assert all(url.startswith(portal_url) for url in requests), requests  # nothing from a CDN
    assert missing == [] and errors == []
    context.close()


def test_redoc_renders_with_only_inline_styles_allowed(chromium, portal_url) -> None:
    context = chromium.new_context()
    page = context.new_page()
    errors = _console_errors(page)
    response = page.goto(portal_url + "/redoc")
    assert response is not None and response.headers["content-security-policy"] == REDOC_CSP
    assert "script-src 'self';" in REDOC_CSP and "unsafe-eval" not in REDOC_CSP
    page.get_by_text("/api/v1/categories").first.wait_for()
    page.wait_for_load_state("networkidle")
    # Only the refusal of Redocly's CDN logo (img-src 'self' data:), nothing else.
    assert [e for e in errors if REDOC_REFUSED_LOGO not in e] == [], errors
    context.close()
