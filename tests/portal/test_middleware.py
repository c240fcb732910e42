"""The request stack: plain ASGI only, the editor session under /editor only, compressed
pages and JSON (never a live stream), metrics per route template."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.types import Message, Receive, Scope, Send

from portal.app import create_app
from portal.middleware import EditorSessions, compression
from portal.settings import Settings
from tests.portal.resident_seed import seed_articles


@pytest.fixture
def client(sqlite_url, make_ctx, client_for) -> TestClient:
    ctx = make_ctx(sqlite_url)
    seed_articles(ctx)
    return client_for(ctx)


def test_no_middleware_runs_the_app_in_a_task_of_its_own(sqlite_url, make_ctx) -> None:
    app = create_app(make_ctx(sqlite_url).settings, run_scheduler=False)
    for middleware in app.user_middleware:
        assert not (isinstance(middleware.cls, type)
                    and issubclass(middleware.cls, BaseHTTPMiddleware)), middleware


def _sessions_seen(path: str) -> bool:
    seen: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append("session" in scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        pass

    wrapped = EditorSessions(app, settings=Settings(secret_key="x" * 32),
                             session_cookie="mymachi_editor")
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    asyncio.run(wrapped(scope, receive, send))
    return seen[0]


def test_the_editor_session_is_read_under_editor_only() -> None:
    assert _sessions_seen("/editor/login")
    assert _sessions_seen("/editor")
    assert not _sessions_seen("/feed")
    assert not _sessions_seen("/editorial-policy")  # a prefix of the word is not the console


def test_editor_login_still_keeps_its_session(client) -> None:
    page = client.get("/editor/login")
    assert page.status_code == 200
    assert "mymachi_editor" in page.cookies  # the CSRF token lives in the session


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_and_json_are_compressed(client, encoding) -> None:
    page = client.get("/", headers={"Accept-Encoding": encoding, "Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == encoding
    assert "<html" in page.text  # decoded by the client: the body is intact
    api = client.get("/api/v1/categories", headers={"Accept-Encoding": encoding})
    assert api.headers["content-encoding"] == encoding
    assert isinstance(api.json(), list)
    # Security headers survive compression.
    assert page.headers["x-content-type-options"] == "nosniff"


def test_no_compression_unless_asked(client) -> None:
    page = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in page.headers


def test_a_live_stream_is_never_compressed() -> None:
    sent: list[Message] = []

    async def stream(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream; charset=utf-8")]})
        await send({"type": "http.response.body", "body": b"data: x\n\n" * 100,
                    "more_body": False})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/live/notices",
             "headers": [(b"accept-encoding", b"br, gzip")], "query_string": b""}
    asyncio.run(compression(stream)(scope, receive, send))
    start = sent[0]
    assert b"content-encoding" not in {name for name, _ in start["headers"]}
    assert sent[1]["body"] == b"data: x\n\n" * 100


def test_requests_are_counted_per_route_template(client) -> None:
    def count() -> float:
        return REGISTRY.get_sample_value(
            "mymachi_http_requests_total",
            {"method": "GET", "route": "/api/v1/categories", "status": "200"}) or 0.0

    before = count()
    for _ in range(3):
        assert client.get("/api/v1/categories").status_code == 200
    assert count() == before + 3


def test_personal_pages_are_private_and_vary_by_cookie(client) -> None:
    client.post("/profile", data={"categories": ["childcare"], "language": "ja"})
    for path in ("/feed", "/settings", "/"):
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.headers["content-type"].startswith("text/html"), path
        assert page.headers["cache-control"].startswith("private"), path
        assert "cookie" in page.headers["vary"].lower(), path
    # Not the JSON API, whose URLs name the profile.
    assert "cookie" not in client.get("/api/v1/categories").headers.get("vary", "").lower()
