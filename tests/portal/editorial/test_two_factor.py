"""Editors' TOTP two-factor: enrolment, the code step at login (once per code), recovery
codes, the admin requirement, revoking every session, the session lifetime."""

from __future__ import annotations

import re
import time
import types

import pyotp
import pytest
from fastapi.testclient import TestClient

from portal.db.models import Editor
from portal.db.session import session_scope
from portal.editorial.editors import create_editor
from tests.portal.editor_helpers import PASSWORD, csrf_of


def _editor(ctx, username: str) -> Editor:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        from sqlalchemy import select

        return session.scalar(select(Editor).where(Editor.username == username))  # type: ignore[return-value]


def _password(client: TestClient, ctx, username: str, role: str = "admin"):  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        from sqlalchemy import select

        if session.scalar(select(Editor).where(Editor.username == username)) is None:
            create_editor(session, username, PASSWORD, role)
    token = csrf_of(client.get("/editor/login").text)
    return client.post("/editor/login", data={"csrf_token": token, "username": username,
                                              "password": PASSWORD}, follow_redirects=False)


def _enrol(client: TestClient) -> tuple[str, list[str]]:
    page = client.get("/editor/account").text
    secret = re.search(r'<code aria-labelledby="secret-label" class="secret">([A-Z2-7]+)</code>',
                       page).group(1)  # type: ignore[union-attr]
    assert "otpauth://totp/" in page and f"secret={secret}" in page
    done = client.post("/editor/account/totp", data={"csrf_token": csrf_of(page),
                                                     "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>",
                       done.text)
    assert len(codes) == 10
    return secret, codes


def _code_step(client: TestClient, code: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/editor/login/code").text)
    return client.post("/editor/login/code", data={"csrf_token": token, "code": code},
                       follow_redirects=False)


@pytest.fixture
def ctx(make_ctx, sqlite_url):  # type: ignore[no-untyped-def]
    return make_ctx(sqlite_url)


def test_an_admin_must_enrol_before_using_the_console(ctx, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ctx)
    assert _password(client, ctx, "boss").headers["location"] == "/editor/"
    blocked = client.get("/editor/sources", follow_redirects=False)
    assert blocked.status_code == 303 and blocked.headers["location"] == "/editor/account"
    wrong = client.post("/editor/account/totp", data={
        "csrf_token": csrf_of(client.get("/editor/account").text), "code": "000000"})
    assert wrong.status_code == 422
    _enrol(client)
    assert client.get("/editor/sources").status_code == 200
    stored = _editor(ctx, "boss")
    assert stored.totp_secret and len(stored.recovery_code_hashes) == 10
    # Only hashes are stored: no recovery code appears in the row.
    assert not any(len(h) != 64 for h in stored.recovery_code_hashes)


def test_login_asks_for_a_code_and_a_code_works_once(ctx, client_for) -> None:  # type: ignore[no-untyped-def]
    first = client_for(ctx)
    _password(first, ctx, "boss")
    secret, _codes = _enrol(first)
    second = client_for(ctx)
    step = _password(second, ctx, "boss")
    assert step.headers["location"] == "/editor/login/code"
    # The password alone opens nothing.
    assert second.get("/editor/", follow_redirects=False).headers["location"] == "/editor/login"
    assert _code_step(second, "123456").status_code == 401
    # The enrolment used this step's code: the next step's (within the drift allowed) works.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert _code_step(second, code).headers["location"] == "/editor/"
    assert second.get("/editor/").status_code == 200
    third = client_for(ctx)
    _password(third, ctx, "boss")
    assert _code_step(third, code).status_code == 401  # replayed: refused


def test_a_recovery_code_works_once(ctx, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ctx)
    _password(client, ctx, "boss")
    _secret, codes = _enrol(client)
    for attempt, expected in ((codes[3].lower(), 303), (codes[3], 401)):
        other = client_for(ctx)
        _password(other, ctx, "boss")
        assert _code_step(other, attempt).status_code == expected
    assert len(_editor(ctx, "boss").recovery_code_hashes) == 9


def test_two_factor_is_optional_for_editors_and_when_not_required(make_ctx, sqlite_url,
                                                                  client_for) -> None:  # type: ignore[no-untyped-def]
    relaxed = make_ctx(sqlite_url, require_admin_totp=False)
    admin = client_for(relaxed)
    _password(admin, relaxed, "boss")
    assert admin.get("/editor/sources").status_code == 200
    writer = client_for(relaxed)
    _password(writer, relaxed, "writer", role="editor")
    assert writer.get("/editor/").status_code == 200
    _secret, codes = _enrol(writer)
    page = writer.get("/editor/account").text
    # The enrolment used this 30-second step's code: a recovery code turns it off now.
    off = writer.post("/editor/account/totp/disable", data={
        "csrf_token": csrf_of(page), "code": codes[0]}, follow_redirects=False)
    assert off.status_code == 303 and _editor(relaxed, "writer").totp_secret is None


def test_the_default_requires_admins_to_use_two_factor(ctx) -> None:  # type: ignore[no-untyped-def]
    assert ctx.settings.require_admin_totp is True


def test_revoke_all_sessions_of_an_account(make_ctx, sqlite_url, client_for) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url, require_admin_totp=False)
    laptop, phone, admin = client_for(ctx), client_for(ctx), client_for(ctx)
    for client in (laptop, phone):
        _password(client, ctx, "writer", role="editor")
        assert client.get("/editor/").status_code == 200
    page = laptop.get("/editor/account").text
    laptop.post("/editor/account/sessions/revoke", data={"csrf_token": csrf_of(page)})
    for client in (laptop, phone):
        assert client.get("/editor/", follow_redirects=False).headers["location"] == \
            "/editor/login"
    _password(phone, ctx, "writer", role="editor")  # a new login works
    _password(admin, ctx, "boss")
    accounts = admin.get("/editor/accounts").text
    writer_id = _editor(ctx, "writer").id
    done = admin.post(f"/editor/accounts/{writer_id}/sessions/revoke",
                      data={"csrf_token": csrf_of(accounts)}, follow_redirects=False)
    assert done.status_code == 303
    assert phone.get("/editor/", follow_redirects=False).status_code == 303
    assert admin.get("/editor/").status_code == 200  # only that account's sessions


def test_new_forms_need_csrf_and_code_guessing_is_throttled(ctx, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ctx)
    _password(client, ctx, "boss")
    assert client.post("/editor/account/totp", data={"code": "000000"}).status_code == 403
    assert client.post("/editor/account/sessions/revoke").status_code == 403
    token = csrf_of(client.get("/editor/account").text)
    statuses = [client.post("/editor/account/totp", data={"csrf_token": token,
                                                          "code": "000000"}).status_code
                for _ in range(ctx.settings.login_attempts_per_15min + 1)]
    assert statuses[0] == 422 and statuses[-1] == 429


def test_a_session_ends_after_its_lifetime(make_ctx, sqlite_url, client_for,
                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url, require_admin_totp=False, editor_session_hours=2)
    client = client_for(ctx)
    _password(client, ctx, "writer", role="editor")
    assert client.get("/editor/").status_code == 200
    import portal.routes.deps as deps

    later = time.time() + 2 * 3600 + 1
    monkeypatch.setattr(deps, "time", types.SimpleNamespace(time=lambda: later))
    assert client.get("/editor/", follow_redirects=False).headers["location"] == \
        "/editor/login"
