"""A resident page that is already open gets a new notice without a reload (SSE), within
one process and, through Redis pub/sub, across processes."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx

from portal.context import AppContext
from tests.live_server import LiveServer, sse_data
from tests.portal.editor_helpers import PASSWORD, csrf_of


def _resident(server: LiveServer) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=10)
    client.post("/profile", data={"categories": ["disaster"]})
    assert client.cookies.get("mymachi_profile")
    return client


def _publish(server: LiveServer, ctx: AppContext, title: str) -> None:
    from portal.db.session import session_scope
    from portal.editorial.editors import create_editor

    with session_scope(ctx.sessions) as session:
        create_editor(session, "koho", PASSWORD, "editor")
    with httpx.Client(base_url=server.url, timeout=10) as editor:
        token = csrf_of(editor.get("/editor/login").text)
        editor.post("/editor/login", data={"csrf_token": token, "username": "koho",
                                           "password": PASSWORD})
        token = csrf_of(editor.get("/editor/").text)
        response = editor.post("/editor/notices", data={
            "csrf_token": token, "severity": "emergency", "title": title})
        assert response.status_code == 303, response.text


def _events(resident: httpx.Client, server: LiveServer) -> Iterator[str]:
    with resident.stream("GET", server.url + "/live/notices") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        yield from sse_data(stream.iter_lines())


def _wait_for(resident: httpx.Client, server: LiveServer, title: str,
              published: threading.Event) -> float:
    started = None
    for event in _events(resident, server):
        if started is None:  # the first event is the state at connection time
            assert title not in event
            published.set()
            started = time.monotonic()
            continue
        if title in event:
            assert 'role="alert"' in event
            return time.monotonic() - started
    raise AssertionError("stream ended")


def _scenario(reader: LiveServer, writer: LiveServer, ctx: AppContext) -> float:
    resident = _resident(reader)
    published = threading.Event()
    title = "大雨特別警報 直ちに命を守る行動を"
    publisher = threading.Thread(target=lambda: (published.wait(10),
                                                 _publish(writer, ctx, title)))
    publisher.start()
    elapsed = _wait_for(resident, reader, title, published)
    publisher.join()
    return elapsed


def test_open_page_gets_the_notice_in_process(sqlite_url, make_ctx) -> None:
    ctx = make_ctx(sqlite_url)
    with LiveServer(ctx) as server:
        assert _scenario(server, server, ctx) < 5


def test_open_page_on_another_process_gets_it_through_redis(sqlite_url, redis_url,
                                                            make_ctx) -> None:
    writer_ctx = make_ctx(sqlite_url, redis_url=redis_url)
    reader_ctx = make_ctx(sqlite_url, redis_url=redis_url)
    with LiveServer(reader_ctx) as reader, LiveServer(writer_ctx) as writer:
        for _ in range(100):  # the reader's pub/sub listener is up
            if reader_ctx.live.connected.is_set():
                break
            time.sleep(0.05)
        assert _scenario(reader, writer, writer_ctx) < 5


def test_page_without_javascript_shows_notices_on_load(sqlite_url, make_ctx) -> None:
    ctx = make_ctx(sqlite_url)
    with LiveServer(ctx) as server:
        resident = _resident(server)
        _publish(server, ctx, "断水のお知らせ")
        page = resident.get("/feed").text
        region = re.search(r'<div id="live-notices".*?</div>\s*</section>', page, re.S)
        assert region and "断水のお知らせ" in region.group(0)


def test_every_resident_page_shows_the_notices_region(sqlite_url, make_ctx) -> None:
    ctx = make_ctx(sqlite_url)
    with LiveServer(ctx) as server:
        resident = _resident(server)
        _publish(server, ctx, "断水のお知らせ")
        for path in ("/feed", "/saved", "/search?q=断水", "/my-data"):
            page = resident.get(path).text
            region = re.search(r'<div id="live-notices".*?</div>\s*</section>', page, re.S)
            assert region and "断水のお知らせ" in region.group(0), path


def test_one_change_is_read_from_sql_once_for_all_open_pages(sqlite_url, make_ctx,
                                                              monkeypatch) -> None:
    """A thousand pages woken by one publish share one SQL read (not one each: that took
    the p99 of `bench notices` from 0.26 s to 2.2 s), and pages rendered after it too."""
    import asyncio

    from portal.db.models import utcnow
    from portal.editorial import notices
    from portal.editorial.notices import NoticesSnapshot

    ctx = make_ctx(sqlite_url)
    reads = []
    original = notices._read_not_ended
    monkeypatch.setattr(notices, "_read_not_ended",
                        lambda session, now: reads.append(1) or original(session, now))
    shared = NoticesSnapshot(ctx.live, ctx.sessions)

    async def pages_woken_by(change: int) -> None:
        ctx.live.sequence = change
        await asyncio.gather(*(shared.active_soon(change) for _ in range(200)))

    async def two_changes() -> None:
        await pages_woken_by(1)
        await pages_woken_by(2)

    asyncio.run(two_changes())
    assert len(reads) == 2
    with ctx.sessions() as session:  # a page render after change 2: the streams' read
        shared.active(session, utcnow())
    assert len(reads) == 2


def test_first_time_visitor_sees_notices_for_everyone(sqlite_url, make_ctx) -> None:
    ctx = make_ctx(sqlite_url)
    with LiveServer(ctx) as server:
        _publish(server, ctx, "避難指示 全域")
        landing = httpx.get(server.url + "/", timeout=10).text  # no profile yet
        assert "避難指示 全域" in landing and 'sse-connect="/live/notices"' in landing
