"""Schemathesis against the real app: the JSON API matches /openapi.json (statuses, content
types, bodies, headers) and no page or form, fed garbage, ever answers 5xx."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import ASGIClient, shutdown_lifespans
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import select

from portal.app import create_app
from portal.context import AppContext
from portal.db.models import Article, utcnow
from portal.db.session import migrate, session_scope
from portal.editorial.editors import create_editor
from portal.editorial.notices import NoticeInput, create_notice
from portal.i18n import t
from portal.ingest.crawl import crawl_sources
from portal.ingest.sources import add_source
from portal.routes.deps import PROFILE_COOKIE
from portal.settings import Settings
from tests.portal.conftest import city_file
from tests.portal.editor_helpers import PASSWORD, csrf_of, login_as

# Bounded and reproducible: the same cases on every CI run, no flaky timing.
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
PAGES = settings(FUZZ, max_examples=12)
STRANGERS = settings(FUZZ, max_examples=8)
CRAWLED_SOURCES = 3
ADMIN = "fuzz-admin"
# Not fuzzed: the endless SSE stream (its own tests cover it).
UNFUZZED = {"/live/notices"}
# The HTML routes read their query and form fields by hand, so the generated schema does not
# list them: these are the fields they read. Each is fuzzed as free text, mixed with values
# the forms really send, so generated posts also get past validation and act.
ANY_TEXT = {"type": "string", "maxLength": 60}
QUERY_FIELDS: dict[str, list[str]] = {
    "offset": ["0", "20"], "q": ["保育"], "category": ["childcare"], "area": ["chuo"],
    "next": ["/feed"], "deleted": ["1"], "done": ["feeds"], "code": [], "lang": ["en"],
    "flash": ["editor.saved_ok"], "by": ["ward", "hour"], "days": ["7"],
}
FORM_FIELDS: dict[str, list[str]] = {
    "areas": ["chuo"], "life_stages": ["senior"], "keywords": ["ごみ"], "language": ["en"],
    "era_dates": ["1"], "kind": ["save", "hide", "more", "less", "open"],
    "article_id": ["1", "2"], "next": ["/saved"], "code": [], "reset": ["1"],
    "confirm": ["1"], "username": ["fuzz-editor"], "password": ["correct-horse-battery"],
    "role": ["viewer", "editor"], "active": ["1"], "department": ["総務課"],
    "action": ["preview", "add"], "paused": ["1"], "item": ["li"], "link": ["a"],
    "title": ["お知らせ"], "date": ["time"], "hidden": ["1"],
    "severity": ["info", "warning", "emergency"], "body": ["本文"],
    "scope_categories": ["waste"], "scope_areas": ["kawabe"], "scope_life_stages": ["senior"],
    "starts_at": ["2030-01-01T09:00"], "ends_at": ["2030-01-02T09:00"],
    # Only unreachable or malformed URLs: a preview fetch must never leave this machine.
    "url": ["http://127.0.0.1:9/feed.xml", "ftp://127.0.0.1/", "javascript:alert(1)"],
}


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's fixture-loaded schemas read `Node._nodeid`, which pytest 9.2 no
    longer has (it keeps `_id`): give it the public node id to read and restore."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory, demo_city: Any) -> Iterator[AppContext]:
    """A few crawled demo departments (the full city takes far longer), an admin and a
    notice for everyone, so feeds, pages and the console have real data."""
    tmp = tmp_path_factory.mktemp("fuzz")
    ctx = AppContext.build(Settings(
        database_url=f"sqlite:///{tmp / 'fuzz.sqlite3'}", crawl_allow="127.0.0.1",
        secret_key="test-secret-key-0123456789", city_path=city_file(tmp),
        # The write limit has its own tests; here it would turn most cases into 429s.
        crawl_timeout_seconds=3.0, rate_limit_writes="100000/minute",
        # The admin's session is fuzzed, not its login: two-factor has its own tests.
        require_admin_totp=False,
    ))
    migrate(ctx.engine)
    with session_scope(ctx.sessions) as session:
        for spec in demo_city.sources[:CRAWLED_SOURCES]:
            add_source(session, spec["url"], spec["department"], kind=spec.get("kind", "auto"),
                       rules=spec.get("rules") or {})
        admin = create_editor(session, ADMIN, PASSWORD, "admin")
        session.flush()
        create_notice(session, admin.id, NoticeInput(
            severity="warning", title="断水のお知らせ", body="**全域**で断水します。",
            scope_categories=[], scope_areas=[], starts_at=utcnow(), ends_at=None))
    asyncio.run(crawl_sources(ctx, force=True))
    yield ctx
    ctx.engine.dispose()


@pytest.fixture(scope="module")
def app(crawled: AppContext) -> Iterator[FastAPI]:
    application = create_app(crawled.settings, crawled, run_scheduler=False)
    yield application
    shutdown_lifespans()  # the lifespan schemathesis started for this app


@pytest.fixture(scope="module")
def resident(app: FastAPI) -> Iterator[tuple[ASGIClient, str]]:
    """A resident with a saved profile (cookie) who has saved an article: (client, id)."""
    with ASGIClient(app) as client:
        made = client.post("/profile", data={"categories": ["childcare", "waste"],
                                             "language": "ja"}, allow_redirects=False)
        assert made.status_code == 303
        body = {"categories": ["childcare", "waste"], "areas": [], "keywords": ["保育"]}
        profile_id = client.post("/api/v1/profiles", json=body).json()["id"]
        items = client.get(f"/api/v1/profiles/{profile_id}/feed").json()["items"]
        assert items, "the demo crawl gave this profile an empty feed"
        item = items[0]
        assert client.post(f"/api/v1/profiles/{profile_id}/feedback",
                           json={"article_id": item["id"], "kind": "save"}).status_code == 201
        yield client, profile_id


@pytest.fixture(scope="module")
def article_ids(crawled: AppContext) -> list[int]:
    with crawled.sessions() as session:
        ids = list(session.scalars(select(Article.id).limit(50)))
    assert ids, "the demo crawl stored no articles"
    return ids


@pytest.fixture(scope="module")
def editor(app: FastAPI) -> Iterator[tuple[ASGIClient, str]]:
    """The admin's logged-in session and its CSRF token."""
    with ASGIClient(app) as client:
        token = csrf_of(client.get("/editor/login").text)
        logged = client.post("/editor/login", allow_redirects=False, data={
            "csrf_token": token, "username": ADMIN, "password": PASSWORD})
        assert logged.status_code == 303
        yield client, csrf_of(client.get("/editor/").text)


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> Any:
    # All of /openapi.json: the JSON API and the operators' /healthz and /metrics.
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _hidden_routes(app: FastAPI) -> list[Any]:
    """The routes left out of /openapi.json (HTML pages, forms, feeds), with their full
    paths (FastAPI keeps included routers' routes behind route contexts)."""
    return [route for route in iter_route_contexts(app.routes)
            if isinstance(route.original_route, APIRoute) and not route.include_in_schema]


def _text_or(values: list[str]) -> dict[str, Any]:
    return {"anyOf": [{"enum": values}, ANY_TEXT]} if values else ANY_TEXT


def _html_openapi(app: FastAPI) -> dict[str, Any]:
    """An OpenAPI document of the HTML routes (hidden from /openapi.json), with the query
    and form fields they read by hand, so the fuzzer can reach every page and form."""
    routes = [APIRoute(route.path, route.endpoint, methods=sorted(route.methods))
              for route in _hidden_routes(app) if route.path not in UNFUZZED]
    doc = get_openapi(title="mymachi pages", version="0", routes=routes)
    for operations in doc["paths"].values():
        for method, operation in operations.items():
            params = operation.setdefault("parameters", [])
            named = {p["name"] for p in params}
            params += [{"name": name, "in": "query", "required": False,
                        "schema": _text_or(values)}
                       for name, values in QUERY_FIELDS.items() if name not in named]
            if method == "post":
                fields = {name: _text_or(values) for name, values in FORM_FIELDS.items()}
                fields["categories"] = {"type": "array", "maxItems": 4,
                                        "items": _text_or(["childcare", "tax"])}
                operation["requestBody"] = {"required": True, "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": fields}}}}
            # Pages answer HTML, redirects and 4xx pages: only 5xx is checked on them.
            operation["responses"] = {"default": {"description": "any page"}}
    return doc


@pytest.fixture(scope="module")
def html_schema(app: FastAPI) -> Any:
    # No coverage phase here: with this many optional fields it would enumerate thousands
    # of cases; the bounded fuzzing phase is enough to show garbage never gets a 5xx.
    config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
    schema = schemathesis.openapi.from_dict(_html_openapi(app), config=config)
    schema.app = app
    return schema


api = schemathesis.pytest.from_fixture("api_schema")
pages = schemathesis.pytest.from_fixture("html_schema")


@api.parametrize()
@api.given(data=st.data())
@FUZZ
def test_json_api_conforms_to_its_openapi(case: Any, data: st.DataObject,
                                          resident: tuple[ASGIClient, str],
                                          article_ids: list[int]) -> None:
    """Every operation of /openapi.json, every default check: no 5xx, documented statuses,
    content types, headers and bodies. Half the cases name a real saved profile (and a real
    article), so feeds, exports and feedback answer with real data rather than only 404."""
    client, profile_id = resident
    excluded = []
    positive = case.meta is None or not case.meta.generation.mode.is_negative
    # Only valid cases get real ids: a negative case must stay invalid to test rejection.
    if positive and "profile_id" in (case.path_parameters or {}) \
            and data.draw(st.booleans(), "real"):
        if case.method == "DELETE":  # erase a fresh one, keep the shared profile
            made = client.post("/api/v1/profiles", json={"categories": ["tax"]})
            profile_id = made.json()["id"]
        case.path_parameters["profile_id"] = profile_id
        if isinstance(case.body, dict) and "article_id" in case.body:
            case.body["article_id"] = str(data.draw(st.sampled_from(article_ids), "article"))
    if case.path.endswith("/feedback"):
        # A well-formed id may name no article: that is a 422 by contract, which the schema
        # cannot express, so "schema-valid must be accepted" does not hold here.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(excluded_checks=excluded)


def _with_profile(client: ASGIClient) -> ASGIClient:
    """The resident's session, with a saved profile again if a fuzzed post erased it."""
    if PROFILE_COOKIE not in client.cookies:
        made = client.post("/profile", data={"categories": ["childcare"]},
                           allow_redirects=False)
        assert made.status_code == 303
    return client


resident_pages = pages.exclude(path_regex="^/editor/")
console = pages.include(path_regex="^/editor/")


@resident_pages.parametrize()
@resident_pages.given(data=st.data())
@PAGES
def test_pages_never_500(case: Any, data: st.DataObject,
                         resident: tuple[ASGIClient, str]) -> None:
    """Anonymous visitors and a resident with a saved profile alike: garbage in any page or
    form is a page, a redirect or a 4xx."""
    session = _with_profile(resident[0]) if data.draw(st.booleans(), "resident") else None
    case.call_and_validate(session=session, checks=[not_a_server_error],
                           allow_redirects=False)


@console.parametrize()
@STRANGERS
def test_editor_console_refuses_strangers(case: Any) -> None:
    """Without a session, whatever is sent: the login page's own answers, elsewhere a
    redirect to it (303) or a refused post (403); never a 5xx, never a console page."""
    answer = case.call_and_validate(checks=[not_a_server_error], allow_redirects=False)
    if case.path != "/editor/login":
        assert answer.status_code in (303, 403), answer.status_code
        if answer.status_code == 303:
            assert answer.headers["location"] == ["/editor/login"]


# A logged-in logout would end the session the rest of the run needs (covered just above).
admin_console = console.exclude(path="/editor/logout")


@admin_console.parametrize()
@admin_console.given(data=st.data())
@PAGES
def test_editor_console_never_500_for_an_admin(case: Any, data: st.DataObject,
                                               editor: tuple[ASGIClient, str]) -> None:
    """Logged in as admin, half the posts carry the valid CSRF token and half the ids name
    real rows (the admin, the notice, a source, an article), so forms really act."""
    client, token = editor
    if data.draw(st.booleans(), "csrf") and isinstance(case.body, dict):
        case.body["csrf_token"] = token
    for name, value in (case.path_parameters or {}).items():
        if name.endswith("_id") and data.draw(st.booleans(), f"real {name}"):
            case.path_parameters[name] = data.draw(st.integers(1, 3), name)
        elif name == "fmt":  # the analytics export: csv, json or a made-up one
            case.path_parameters[name] = data.draw(st.sampled_from(["csv", "json", value]))
    case.call_and_validate(session=client, checks=[not_a_server_error],
                           allow_redirects=False)


def test_unauthenticated_editor_routes_redirect_or_refuse(app: FastAPI) -> None:
    """Without a session every editor page redirects to the login page; posts without a
    CSRF token are refused: never a 500, never the page itself."""
    routes = [route for route in _hidden_routes(app) if route.path.startswith("/editor/")
              and route.path != "/editor/login"]
    assert len(routes) > 15, "the editor routes were not found"
    with ASGIClient(app) as client:
        for route in routes:
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            for method in route.methods:
                answer = client.request(method, path, allow_redirects=False)
                assert answer.status_code in (303, 403), (method, path, answer.status_code)
                if answer.status_code == 303:
                    assert answer.headers["location"] == "/editor/login"


def test_unstorable_input_is_refused_not_a_server_error(
        database_url: str, make_ctx: Any, client_for: Any) -> None:
    """Regressions: PostgreSQL refuses NUL characters in text, and str.isdigit() takes
    "²", which int() refuses. Both were 500s; now 404 or 422 (on SQLite as well)."""
    ctx = make_ctx(database_url)
    with session_scope(ctx.sessions) as session:
        create_editor(session, ADMIN, PASSWORD, "admin")
    client = client_for(ctx)
    for path in ("/api/v1/profiles/a%00b", "/api/v1/profiles/a%00b/feed",
                 "/p/a%00b/feed.atom", "/p/a%00b/calendar.ics"):
        assert client.get(path).status_code == 404, path
    assert client.delete("/api/v1/profiles/a%00b").status_code == 404
    profile_id = client.post("/api/v1/profiles", json={"categories": ["tax"]}).json()["id"]
    refused = client.post(f"/api/v1/profiles/{profile_id}/feedback",
                          json={"article_id": "²", "kind": "save"})
    assert refused.status_code == 422 and "article_id" in refused.text
    client.post("/profile", data={"categories": ["tax"]})
    feedback = client.post("/feed/feedback", data={"article_id": "²", "kind": "save"})
    assert feedback.status_code == 422
    html = {"accept": "text/html"}
    answers = [client.get("/search?q=a%00b", headers=html)]
    token = csrf_of(client.get("/editor/login").text)
    answers.append(client.post("/editor/login", headers=html, data={
        "csrf_token": token, "username": "a\x00b", "password": "x"}))
    token = login_as(client, ctx, ADMIN, "admin")
    answers.append(client.post("/editor/notices", headers=html, data={
        "csrf_token": token, "severity": "info", "title": "a\x00b", "body": "b"}))
    for answer in answers:
        assert answer.status_code < 500, answer.text
        if database_url.startswith("postgresql"):  # the database's refusal, explained
            assert answer.status_code == 422
            assert t("error.invalid_input", "ja") in answer.text


def test_rate_limited_writes_match_the_schema(sqlite_url: str, make_ctx: Any) -> None:
    """The fuzz runs above lift the write limit; its 429 (body and Retry-After) must match
    /openapi.json too."""
    ctx = make_ctx(sqlite_url, rate_limit_writes="2/day")  # no window ends mid-test
    app = create_app(ctx.settings, ctx, run_scheduler=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    case = schema["/api/v1/profiles"]["POST"].Case(body={"categories": ["tax"]},
                                                   media_type="application/json")
    statuses = [case.call_and_validate().status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
