"""What an operator scrapes and reads: per-source crawl metrics, the job backlog, notice fan-out
latency, and JSON logs that carry no resident's secret, profile id or address."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import uvicorn
from prometheus_client.parser import text_string_to_metric_families

from portal.app import create_app
from portal.context import AppContext
from portal.db.models import utcnow
from portal.db.session import session_scope
from portal.editorial.editors import create_editor
from portal.editorial.notices import NoticeInput, create_notice
from portal.ingest.crawl import crawl_sources
from portal.logs import configure_logging, flush_access_log, uvicorn_options
from portal.metrics import source_key, start_metrics_server
from portal.runtime.jobs import enqueue_job
from tests.live_server import LiveServer, free_port, sse_data
from tests.portal.conftest import add_demo_sources
from tests.portal.editor_helpers import PASSWORD, csrf_of

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(text: str) -> Samples:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- metrics --------------------------------------------------------------------------------


def test_metrics_count_each_sources_crawl(sqlite_url, demo_city, make_ctx, client_for) -> None:
    ctx = make_ctx(sqlite_url)
    add_demo_sources(ctx, demo_city)
    client = client_for(ctx)
    urls = [spec["url"] for spec in demo_city.sources]  # type: ignore[attr-defined]
    before = _samples(client.get("/metrics").text)
    assert _value(before, "mymachi_sources_due") == len(urls)

    crawled = 3  # of the city's departments, in the order added (ids 1..3): quick enough
    report = asyncio.run(crawl_sources(ctx, source_ids=list(range(1, crawled + 1))))
    keys = {source_key(url) for url in urls[:crawled]}
    assert len(keys) == crawled  # one series per source
    after = _samples(client.get("/metrics").text)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    for key in keys:
        assert "?" not in key and key.startswith("127.0.0.1:")
        outcomes = {dict(labels)["outcome"]: value for (name, labels), value in after.items()
                    if name == "mymachi_crawl_outcomes_total" and ("source", key) in labels}
        grown = {o: grew("mymachi_crawl_outcomes_total", source=key, outcome=o)
                 for o in outcomes}
        assert grown == {**dict.fromkeys(outcomes, 0.0), "ok": 1.0}, key
        assert grew("mymachi_crawl_fetch_seconds_count", source=key) == 1
    new = sum(grew("mymachi_crawl_articles_total", source=key, change="new") for key in keys)
    assert new == report.new_articles > 0
    # Crawled sources are not due again until their next poll.
    assert _value(after, "mymachi_sources_due") == len(urls) - crawled


def test_queue_depth_is_read_from_redis_at_scrape_time(sqlite_url, redis_url, make_ctx,
                                                       client_for) -> None:
    ctx = make_ctx(sqlite_url, redis_url=redis_url)
    client = client_for(ctx)
    assert _value(_samples(client.get("/metrics").text), "mymachi_queue_jobs") == 0

    # Enqueued by another process (the scheduler) in production: only Redis knows.
    async def enqueue() -> None:
        for tick in (1, 2, 3):
            assert await enqueue_job(ctx.settings, "flush_counters", job_id=f"fc:{tick}")

    asyncio.run(enqueue())
    samples = _samples(client.get("/metrics").text)
    assert _value(samples, "mymachi_queue_jobs") == 3
    assert _value(samples, "mymachi_queue_up") == 1


def test_metrics_still_answer_when_redis_is_down(sqlite_url, make_ctx, client_for) -> None:
    ctx = make_ctx(sqlite_url, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    response = client_for(ctx).get("/metrics")
    assert response.status_code == 200
    samples = _samples(response.text)
    assert _value(samples, "mymachi_queue_up") == 0
    assert not any(name == "mymachi_queue_jobs" for name, _ in samples)
    assert "mymachi_http_requests_total" in response.text


def test_worker_metrics_port_serves_its_crawl_counts(sqlite_url, demo_city, make_ctx) -> None:
    ctx = make_ctx(sqlite_url, metrics_port=0)
    add_demo_sources(ctx, demo_city)
    server = start_metrics_server(ctx.settings, "worker")
    assert server is not None
    try:
        asyncio.run(crawl_sources(ctx, source_ids=[1]))
        port = server.server_address[1]
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        key = source_key(demo_city.sources[0]["url"])  # type: ignore[attr-defined]
        assert f'mymachi_crawl_fetch_seconds_count{{source="{key}"}}' in text
    finally:
        server.shutdown()
        server.server_close()
    assert start_metrics_server(make_ctx(sqlite_url).settings, "worker") is None


def _events(client: httpx.Client, url: str) -> Iterator[str]:
    with client.stream("GET", url) as stream:
        yield from sse_data(stream.iter_lines())


def test_notice_fanout_latency_and_open_streams(sqlite_url, make_ctx) -> None:
    ctx = make_ctx(sqlite_url)
    title = "土砂災害警戒情報"
    with LiveServer(ctx) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        before = _samples(client.get("/metrics").text)
        during: Samples = {}
        for number, event in enumerate(_events(client, server.url + "/live/notices")):
            if number == 0:  # the state on connection: a stream is open, publish now
                assert title not in event
                during = _samples(httpx.get(server.url + "/metrics", timeout=10).text)
                with session_scope(ctx.sessions) as session:
                    notice = create_notice(session, None, NoticeInput(
                        "warning", title, "", [], [], utcnow() - timedelta(minutes=1), None))
                    session.flush()
                    notice_id = notice.id
                ctx.live.publish({"type": "notice", "id": notice_id})
            elif title in event:
                break
        after = _samples(client.get("/metrics").text)
    assert _value(during, "mymachi_sse_streams") == _value(before, "mymachi_sse_streams") + 1
    observed = (_value(after, "mymachi_notice_fanout_seconds_count")
                - _value(before, "mymachi_notice_fanout_seconds_count"))
    assert observed == 1
    assert _value(after, "mymachi_notice_fanout_seconds_bucket", le="+Inf") >= 1


# --- logs -----------------------------------------------------------------------------------


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = configure_logging(default_format="json", stream=stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


class ServedLikeServe(LiveServer):
    """uvicorn configured as `mymachi serve` configures it (proxy headers, our logging)."""

    def __init__(self, ctx: AppContext) -> None:  # not super(): its Config sets up logging
        config = uvicorn.Config(create_app(ctx.settings, ctx, run_scheduler=False),
                                host="127.0.0.1", port=0, lifespan="on", proxy_headers=True,
                                forwarded_allow_ips="127.0.0.1", **uvicorn_options())
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""


def test_logs_are_json_without_secrets_ids_or_addresses(sqlite_url, make_ctx,
                                                        captured_logs) -> None:
    ctx = make_ctx(sqlite_url)
    with session_scope(ctx.sessions) as session:
        create_editor(session, "koho", PASSWORD, "editor")
    client_ip = "203.0.113.77"  # what a proxy says the resident's address is
    with ServedLikeServe(ctx) as server, httpx.Client(
            base_url=server.url, timeout=10, headers={"X-Forwarded-For": client_ip}) as client:
        client.post("/profile", data={"categories": ["disaster"]})
        cookie = client.cookies["mymachi_profile"]
        client.post("/my-data/feed-urls")
        page = client.get("/my-data").text
        token = re.search(r"/p/([^\"/]+)/feed\.atom", page).group(1)  # type: ignore[union-attr]
        assert client.get(f"/p/{token}/feed.atom").status_code == 200
        assert client.get(f"/p/{token}/calendar.ics").status_code == 200
        assert client.get("/search", params={"q": "query-marker-4711"}).status_code == 200
        profile_id = client.post("/api/v1/profiles", json={"categories": ["disaster"]}).json()["id"]
        assert client.get(f"/api/v1/profiles/{profile_id}/feed").status_code == 200
        csrf = csrf_of(client.get("/editor/login").text)
        client.post("/editor/login", data={"csrf_token": csrf, "username": "koho",
                                           "password": PASSWORD})
        # Even a message that names a secret URL outright is redacted.
        logging.getLogger("portal.test").warning("could not serve /p/%s/feed.atom", token)
    flush_access_log()  # access lines are written by a thread of their own
    lines = [json.loads(line) for line in captured_logs.getvalue().splitlines()]

    access = [line for line in lines if line["logger"] == "mymachi.access"]
    routes = {(line["method"], line["route"], line["status"]) for line in access}
    assert ("GET", "/p/{token}/feed.atom", 200) in routes
    assert ("GET", "/p/{token}/calendar.ics", 200) in routes
    assert ("GET", "/api/v1/profiles/{profile_id}/feed", 200) in routes
    assert all(isinstance(line["duration_ms"], float) for line in access)
    assert any(line["logger"].startswith("uvicorn") for line in lines)  # server lines too
    assert any("/p/{token}/feed.atom" in line["message"] for line in lines
               if line["logger"] == "portal.test")
    output = captured_logs.getvalue()
    for secret in (token, profile_id, cookie, client_ip, "query-marker-4711", PASSWORD):
        assert secret not in output


def test_log_format_and_level_come_from_settings(sqlite_url, make_ctx) -> None:
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    settings = make_ctx(sqlite_url, log_format="text", log_level="warning").settings
    handler = configure_logging(settings, default_format="json", stream=stream)
    try:
        logging.getLogger("portal.test").info("not shown")
        logging.getLogger("portal.test").warning("shown for /api/v1/profiles/abc123")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert stream.getvalue().endswith(
        "WARNING portal.test: shown for /api/v1/profiles/{profile_id}\n")
    assert "not shown" not in stream.getvalue()
    bad = make_ctx(sqlite_url, log_level="chatty").settings
    with pytest.raises(ValueError, match="MYMACHI_LOG_LEVEL"):
        configure_logging(bad)


def test_metrics_answer_only_loopback_or_the_bearer_token(sqlite_url, make_ctx) -> None:
    from fastapi.testclient import TestClient

    from portal.app import create_app

    ctx = make_ctx(sqlite_url, metrics_token="scrape-token-0123456789")
    app = create_app(ctx.settings, ctx, run_scheduler=False)
    with TestClient(app, client=("203.0.113.7", 40000)) as outside:
        refused = outside.get("/metrics")
        assert refused.status_code == 403
        assert "mymachi_" not in refused.text
        assert outside.get("/metrics", headers={"Authorization": "Bearer wrong"}
                           ).status_code == 403
        allowed = outside.get("/metrics",
                              headers={"Authorization": "Bearer scrape-token-0123456789"})
        assert allowed.status_code == 200 and "mymachi_http_requests_total" in allowed.text
    with TestClient(app, client=("::1", 40000)) as local:
        assert local.get("/metrics").status_code == 200
    # Without a token configured, only loopback is served.
    bare = make_ctx(sqlite_url)
    with TestClient(create_app(bare.settings, bare, run_scheduler=False),
                    client=("198.51.100.2", 40000)) as outside:
        assert outside.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403
