"""Every editor write, found from the app's own routes (so a new one is covered the day it is
added), is refused without a session, without the role, and without the CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select
from starlette.routing import BaseRoute

from portal.app import create_app
from portal.db.models import AuditLog
from tests.portal.editor_helpers import login_as

OPEN = {"/editor/login", "/editor/logout",  # guarded by CSRF alone, tested in test_editors
        "/editor/login/code"}  # the second step of the login: test_two_factor
# Any signed-in editor's own account (two-factor, signing out everywhere), whatever the role:
# left out of the role test only; the session and CSRF tests cover them (and test_two_factor).
OWN_ACCOUNT = {"/editor/account/totp", "/editor/account/totp/disable",
               "/editor/account/sessions/revoke"}


@pytest.fixture
def ctx(sqlite_url, make_ctx):
    return make_ctx(sqlite_url)


def _routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        # FastAPI keeps an included router as one entry that wraps the original router.
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else [route]


def _editor_writes(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    app = create_app(ctx.settings, ctx, run_scheduler=False)
    paths = sorted({
        re.sub(r"\{[^}]+\}", "1", route.path) for route in _routes(app.routes)
        if isinstance(route, APIRoute) and route.path.startswith("/editor/")
        and route.methods & {"POST", "PUT", "PATCH", "DELETE"} and route.path not in OPEN
    })
    assert len(paths) >= 10, paths  # notices, articles, sources, accounts
    return paths


def _audit_rows(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AuditLog)) or 0)


def test_editor_writes_need_a_session(ctx, client_for) -> None:
    client = client_for(ctx)
    for path in _editor_writes(ctx):
        response = client.post(path, data={"csrf_token": "x", "title": "x"},
                               follow_redirects=False)
        refused = response.status_code == 403 or (
            response.status_code == 303 and response.headers["location"] == "/editor/login")
        assert refused, (path, response.status_code)
    assert _audit_rows(ctx) == 0


def test_editor_writes_need_the_editor_role(ctx, client_for) -> None:
    client = client_for(ctx)
    token = login_as(client, ctx, "watcher", "viewer")  # a valid session and CSRF token
    before = _audit_rows(ctx)
    assert set(_editor_writes(ctx)) >= OWN_ACCOUNT
    for path in sorted(set(_editor_writes(ctx)) - OWN_ACCOUNT):
        response = client.post(path, data={"csrf_token": token, "title": "x"},
                               follow_redirects=False)
        assert response.status_code == 403, (path, response.status_code)
    assert _audit_rows(ctx) == before


@pytest.mark.parametrize("token", [None, "forged"])
def test_editor_writes_need_the_csrf_token(ctx, client_for, token) -> None:
    client = client_for(ctx)
    login_as(client, ctx, "root", "admin")  # every role, but no valid token sent
    before = _audit_rows(ctx)
    for path in _editor_writes(ctx):
        data = {"title": "x"} if token is None else {"csrf_token": token, "title": "x"}
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, (path, response.status_code)
    assert _audit_rows(ctx) == before
