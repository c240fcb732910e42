"""Editor console: login required, CSRF enforced, login throttled."""

from __future__ import annotations

import re

import pytest

from portal.db.session import session_scope
from portal.editorial.editors import EditorError, create_editor


@pytest.fixture
def ctx(sqlite_url, make_ctx):
    ctx = make_ctx(sqlite_url, login_attempts_per_15min=3)
    with session_scope(ctx.sessions) as session:
        create_editor(session, "koho", "correct-horse-battery")
    return ctx


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_console_requires_login(ctx, client_for) -> None:
    client = client_for(ctx)
    response = client.get("/editor/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/editor/login"
    response = client.post("/editor/notices", data={"title": "x", "severity": "info"},
                           follow_redirects=False)
    assert response.status_code in (303, 403)
    assert response.status_code == 403 or response.headers["location"] == "/editor/login"


def test_login_and_csrf(ctx, client_for) -> None:
    client = client_for(ctx)
    token = _csrf(client.get("/editor/login").text)
    # A login post without the token is refused outright.
    bad = client.post("/editor/login", data={"username": "koho",
                                              "password": "correct-horse-battery"})
    assert bad.status_code == 403
    ok = client.post("/editor/login", data={"csrf_token": token, "username": "koho",
                                             "password": "correct-horse-battery"},
                     follow_redirects=False)
    assert ok.status_code == 303
    console = client.get("/editor/")
    assert console.status_code == 200 and "koho" in console.text
    # Logged in, but a notice posted without a valid CSRF token is still refused.
    forged = client.post("/editor/notices", data={"csrf_token": "forged", "title": "偽",
                                                   "severity": "info"})
    assert forged.status_code == 403
    assert "偽" not in client.get("/editor/").text


def test_wrong_passwords_are_throttled(ctx, client_for) -> None:
    client = client_for(ctx)
    token = _csrf(client.get("/editor/login").text)
    for _ in range(3):
        r = client.post("/editor/login", data={"csrf_token": token, "username": "koho",
                                                "password": "wrong-password!"})
        assert r.status_code == 401
    # Even the right password is refused once throttled.
    r = client.post("/editor/login", data={"csrf_token": token, "username": "koho",
                                            "password": "correct-horse-battery"},
                    follow_redirects=False)
    assert r.status_code == 429


def test_create_editor_rejects_weak_or_duplicate(ctx) -> None:
    with session_scope(ctx.sessions) as session:
        with pytest.raises(EditorError):
            create_editor(session, "koho", "another-long-password")
        with pytest.raises(EditorError):
            create_editor(session, "newbie", "short")
        with pytest.raises(EditorError):
            create_editor(session, "newbie", "long-enough-password", role="god")
