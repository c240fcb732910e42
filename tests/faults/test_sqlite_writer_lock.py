"""On the embedded SQLite store one writer at a time: while a crawl stores (holding the write
lock for seconds), an editor's publish waits for it — and only that request waits. Found by
`mymachi bench load`: the publish route ran its SQL on the event loop, so every resident of
the process waited with it (p99 of 11 s)."""

from __future__ import annotations

import sqlite3
import threading

import httpx
from sqlalchemy import select

from portal.db.models import Notice, Profile
from tests.live_server import LiveServer
from tests.portal.editor_helpers import login_as

READS_WHILE_LOCKED = 10
READ_TIMEOUT = 5.0  # far below the 30 s the publish may wait for the lock


def test_residents_are_served_while_a_publish_waits_for_the_write_lock(
        sqlite_url: str, make_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    with LiveServer(ctx) as server, httpx.Client(base_url=server.url, timeout=60) as editor:
        token = login_as(editor, ctx, "koho", "editor")  # type: ignore[arg-type]
        crawler = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        crawler.execute("BEGIN IMMEDIATE")  # another process storing a crawl
        answers: list[httpx.Response] = []
        publish = threading.Thread(target=lambda: answers.append(editor.post(
            "/editor/notices",
            data={"csrf_token": token, "severity": "warning", "title": "断水のお知らせ"})))
        publish.start()
        try:
            with httpx.Client(base_url=server.url, timeout=READ_TIMEOUT) as resident:
                for _ in range(READS_WHILE_LOCKED):
                    assert resident.get("/api/v1/categories").status_code == 200
                    assert resident.get("/healthz").status_code == 200
            assert publish.is_alive()  # still waiting for the lock, as it should
        finally:
            crawler.execute("COMMIT")
            crawler.close()
            publish.join(60)
    assert answers and answers[0].status_code == 303
    with ctx.sessions() as session:
        assert session.scalar(select(Notice.title)) == "断水のお知らせ"


def test_residents_are_served_while_another_residents_save_waits(
        sqlite_url: str, make_ctx) -> None:  # type: ignore[no-untyped-def]
    """The same for a resident's own writes (profile, feedback, my-data): form routes run
    their SQL off the event loop."""
    ctx = make_ctx(sqlite_url)
    with LiveServer(ctx) as server, httpx.Client(base_url=server.url, timeout=60) as writer:
        crawler = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        crawler.execute("BEGIN IMMEDIATE")
        answers: list[httpx.Response] = []
        save = threading.Thread(target=lambda: answers.append(writer.post(
            "/profile", data={"categories": ["disaster"], "language": "ja"})))
        save.start()
        try:
            with httpx.Client(base_url=server.url, timeout=READ_TIMEOUT) as resident:
                for _ in range(READS_WHILE_LOCKED):
                    assert resident.get("/api/v1/categories").status_code == 200
            assert save.is_alive()
        finally:
            crawler.execute("COMMIT")
            crawler.close()
            save.join(60)
    assert answers and answers[0].status_code == 303
    with ctx.sessions() as session:
        assert session.scalar(select(Profile.categories)) == {"disaster": 1.0}
