"""Security headers on every kind of response; HSTS only over TLS; no Referer leaves a page
whose URL holds a secret; nothing in the pages needs a CSP exception (inline style/script)."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.security import CSP
from tests.live_server import free_port
from tests.portal.editor_helpers import login_as
from tests.portal.resident_seed import seed_articles

HSTS = "max-age=63072000; includeSubDomains"
BIN = Path(sys.executable).parent


@pytest.fixture
def ctx(sqlite_url, make_ctx):
    ctx = make_ctx(sqlite_url)
    seed_articles(ctx)
    return ctx


def _with_profile(client: TestClient) -> TestClient:
    client.post("/profile", data={"categories": ["childcare"], "language": "ja"})
    return client


def _assert_hardened(headers: object, path: str) -> None:
    h = headers  # httpx.Headers: case-insensitive
    assert h["content-security-policy"] == CSP, path  # type: ignore[index]
    assert "unsafe-inline" not in h["content-security-policy"], path  # type: ignore[index]
    assert h["x-content-type-options"] == "nosniff", path  # type: ignore[index]
    assert h["x-frame-options"] == "DENY", path  # type: ignore[index]
    assert h["cross-origin-opener-policy"] == "same-origin", path  # type: ignore[index]
    assert h["permissions-policy"] == "camera=(), microphone=(), geolocation=()", path  # type: ignore[index]


PUBLIC = ["/", "/api/v1/categories", "/static/site.css", "/openapi.json", "/healthz",
          "/no-such-page"]


def test_html_json_static_and_error_responses_carry_the_headers(ctx, client_for) -> None:
    client = client_for(ctx)
    for path in PUBLIC:
        response = client.get(path, headers={"Accept": "text/html"} if path == "/" else {})
        assert response.status_code in (200, 404), path
        _assert_hardened(response.headers, path)
        assert response.headers["referrer-policy"] == "same-origin", path
        # Plain http: an HSTS header would be ignored at best, so none is sent.
        assert "strict-transport-security" not in response.headers, path


def test_hsts_only_over_https(ctx) -> None:
    app = create_app(ctx.settings, ctx, run_scheduler=False)
    with TestClient(app, base_url="https://testserver") as tls:
        for path in PUBLIC:
            response = tls.get(path)
            assert response.headers["strict-transport-security"] == HSTS, path
            _assert_hardened(response.headers, path)
    with TestClient(app, base_url="http://testserver") as plain:
        assert "strict-transport-security" not in plain.get("/").headers


def test_pages_with_a_secret_in_the_url_send_no_referrer(ctx, client_for) -> None:
    client = _with_profile(client_for(ctx))
    client.post("/my-data/feed-urls")
    my_data = client.get("/my-data")
    atom = re.search(r'value="http[^"]*(/p/[^"/]+/feed\.atom)"', my_data.text).group(1)  # type: ignore[union-attr]
    code_page = client.post("/my-data/transfer")
    code = re.search(r"/transfer\?code=([A-Z0-9]{8})", code_page.text).group(1)  # type: ignore[union-attr]
    profile_id = client.post("/api/v1/profiles", json={"categories": ["tax"]}).json()["id"]
    secret = {
        "/my-data": my_data, "POST /my-data/transfer": code_page,
        "/transfer?code=": client.get(f"/transfer?code={code}"),
        "atom": client.get(atom), "ics": client.get(atom.replace("feed.atom", "calendar.ics")),
        "unknown feed token": client.get("/p/not-a-token/feed.atom"),
        "api profile": client.get(f"/api/v1/profiles/{profile_id}"),
        "api feed": client.get(f"/api/v1/profiles/{profile_id}/feed"),
    }
    for name, response in secret.items():
        assert response.headers["referrer-policy"] == "no-referrer", name
        _assert_hardened(response.headers, name)
    for path in ("/feed", "/saved", "/settings", "/search?q=保育園"):
        assert client.get(path).headers["referrer-policy"] == "same-origin", path


class _InlineFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        self.found += [f"{tag} {name}=" for name in names
                       if name == "style" or name.startswith("on")]
        self.found += [f"{tag} javascript: URL" for name, value in attrs
                       if name in ("href", "src", "action") and value
                       and value.strip().lower().startswith("javascript:")]


def test_no_page_needs_inline_style_or_script(ctx, client_for) -> None:
    resident = _with_profile(client_for(ctx))
    resident.post("/my-data/feed-urls")
    pages = {path: resident.get(path).text for path in (
        "/feed", "/saved", "/settings", "/search?q=保育園", "/my-data", "/transfer",
        "/feed?lang=en", "/no-such-page")}
    pages["/my-data/transfer"] = resident.post("/my-data/transfer").text
    pages["onboarding"] = client_for(ctx).get("/").text
    editor = client_for(ctx)
    pages["/editor/login"] = editor.get("/editor/login").text
    login_as(editor, ctx, "root", "admin")
    for path in ("/editor/", "/editor/notices/new", "/editor/sources", "/editor/accounts",
                 "/editor/audit", "/editor/analytics", "/editor/articles"):
        response = editor.get(path)
        assert response.status_code == 200, path
        pages[path] = response.text
    for name, html in pages.items():
        finder = _InlineFinder()
        finder.feed(html)
        assert finder.found == [], (name, finder.found)


# --- behind a reverse proxy: `mymachi serve` and MYMACHI_TRUSTED_PROXIES ------------------

PROXY = "127.0.0.2"  # loopback too: the "proxy" is this test, connecting from that address


def _request(base: tuple[str, int], method: str, path: str, headers: dict[str, str],
             source: str) -> tuple[int, dict[str, str]]:
    connection = http.client.HTTPConnection(*base, timeout=5, source_address=(source, 0))
    try:
        body = json.dumps({"categories": ["tax"]}) if method == "POST" else None
        connection.request(method, path, body=body,
                           headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def test_serve_believes_forwarded_headers_only_from_trusted_proxies(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MYMACHI_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
           "MYMACHI_SECRET_KEY": "serve-test-secret-0123456789",
           "MYMACHI_EMBEDDED_SCHEDULER": "false", "MYMACHI_TRUSTED_PROXIES": PROXY,
           "MYMACHI_RATE_LIMIT_WRITES": "2/day"}
    env.pop("MYMACHI_REDIS_URL", None)
    server = subprocess.Popen([BIN / "mymachi", "serve", "--port", str(port)], env=env,
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = ("127.0.0.1", port)
    try:
        deadline = time.monotonic() + 60
        while server.poll() is None and time.monotonic() < deadline:
            try:
                _request(base, "GET", "/healthz", {}, "127.0.0.1")
                break
            except OSError:
                time.sleep(0.2)
        tls = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        # From the proxy: the request came in over TLS, so HSTS is sent.
        assert _request(base, "GET", "/", tls, PROXY)[1]["strict-transport-security"] == HSTS
        assert "strict-transport-security" not in _request(base, "GET", "/", {}, PROXY)[1]
        # The same headers forged by a client that is not a trusted proxy change nothing.
        assert "strict-transport-security" not in _request(base, "GET", "/", tls, "127.0.0.1")[1]

        # Rate limits count the forwarded client address, not the proxy's...
        def post(source: str, client: str) -> int:
            return _request(base, "POST", "/api/v1/profiles", {"X-Forwarded-For": client},
                            source)[0]

        assert [post(PROXY, "203.0.113.7") for _ in range(3)] == [201, 201, 429]
        assert post(PROXY, "203.0.113.8") == 201  # another resident behind the same proxy
        # ...and a client cannot escape its own budget by forging X-Forwarded-For.
        forged = [post("127.0.0.1", f"198.51.100.{n}") for n in range(3)]
        assert forged == [201, 201, 429]
    finally:
        server.terminate()
        server.wait(timeout=15)
