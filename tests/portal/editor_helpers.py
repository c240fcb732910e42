"""Logging an editor in through the real login form (CSRF and all)."""

from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient

from portal.context import AppContext
from portal.db.session import session_scope
from portal.editorial.editors import create_editor

PASSWORD = "correct-horse-battery"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def login_as(client: TestClient, ctx: AppContext, username: str, role: str) -> str:
    """Create the account if needed, log in, return the session's CSRF token. An admin, who
    must use two-factor by default, gets TEST_TOTP_SECRET and passes the code step."""
    two_factor = role == "admin" and ctx.settings.require_admin_totp
    with session_scope(ctx.sessions) as session:
        from sqlalchemy import select

        from portal.db.models import Editor

        editor = session.scalar(select(Editor).where(Editor.username == username))
        if editor is None:
            editor = create_editor(session, username, PASSWORD, role)
        if two_factor:
            editor.totp_secret = editor.totp_secret or TEST_TOTP_SECRET
            editor.totp_last_step = None  # each login here may use the current code again
    token = csrf_of(client.get("/editor/login").text)
    response = client.post("/editor/login", data={"csrf_token": token, "username": username,
                                                  "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text
    if response.headers["location"] == "/editor/login/code":
        token = csrf_of(client.get("/editor/login/code").text)
        with session_scope(ctx.sessions) as session:
            from sqlalchemy import select

            from portal.db.models import Editor

            secret = session.scalar(select(Editor.totp_secret).where(
                Editor.username == username))
        response = client.post("/editor/login/code", follow_redirects=False, data={
            "csrf_token": token, "code": pyotp.TOTP(secret).now()})
        assert response.headers.get("location") == "/editor/", response.text
    return csrf_of(client.get("/editor/").text)
