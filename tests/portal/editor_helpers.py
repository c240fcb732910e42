"""Logging an editor in through the real login form (CSRF and all)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from portal.context import AppContext
from portal.db.session import session_scope
from portal.editorial.editors import create_editor

PASSWORD = "correct-horse-battery"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def login_as(client: TestClient, ctx: AppContext, username: str, role: str) -> str:
    """Create the account if needed, log in, return the session's CSRF token."""
    with session_scope(ctx.sessions) as session:
        from sqlalchemy import select

        from portal.db.models import Editor

        if session.scalar(select(Editor).where(Editor.username == username)) is None:
            create_editor(session, username, PASSWORD, role)
    token = csrf_of(client.get("/editor/login").text)
    response = client.post("/editor/login", data={"csrf_token": token, "username": username,
                                                  "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/editor/").text)
