"""/docs (Swagger UI) and /redoc (ReDoc), served same-origin from npm packages.

FastAPI's own pages load both from a CDN and start Swagger UI with an inline script, which the
site's CSP (script-src 'self') blocks: they rendered blank. Here the bundles come from
node_modules (package-lock.json) and Swagger UI starts from a script file. ReDoc builds its
styles at run time into <style> elements (styled-components), so /redoc alone gets a CSP
whose relaxations are style-src 'unsafe-inline' (without it ReDoc renders nothing) and
worker-src blob: (its search index runs in a worker it creates from a blob); its img-src
is narrower than the site's.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from portal.security import CSP

# URL under /vendor/ → file inside node_modules: only these files are served.
DOCS_ASSETS = {
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "redoc/redoc.standalone.js": "redoc/bundles/redoc.standalone.js",
}
REDOC_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "img-src 'self' https: data:", "img-src 'self' data:") + "; worker-src 'self' blob:"
# ReDoc's sidebar always loads Redocly's logo from their CDN; the img-src above refuses it
# (the page asks no outside host for anything) and ReDoc then leaves the logo out.
REDOC_REFUSED_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head><body>
<main id="swagger-ui" data-openapi-url="{openapi_url}"></main>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body></html>
"""

REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API</title>
<link rel="icon" href="data:,">
</head><body>
<redoc spec-url="{openapi_url}"></redoc>
<script src="/vendor/redoc/redoc.standalone.js"></script>
</body></html>
"""


def install_api_docs(app: FastAPI, assets_dir: Path) -> None:
    """Serve /docs and /redoc when their npm packages are installed (`make assets`)."""
    files = {url: assets_dir / path for url, path in DOCS_ASSETS.items()}
    if not all(path.is_file() for path in files.values()):
        return
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/vendor/{asset:path}", include_in_schema=False)
    def docs_asset(asset: str) -> FileResponse:
        path = files.get(asset)
        if path is None:
            raise HTTPException(status_code=404)
        return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(SWAGGER_PAGE.format(title=app.title, openapi_url=openapi_url))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC_PAGE.format(title=app.title, openapi_url=openapi_url),
                            headers={"Content-Security-Policy": REDOC_CSP})
