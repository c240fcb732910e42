"""Scale-out: 3 web, 2 workers and 1 scheduler against one PostgreSQL and one Redis, the shape
`docker compose up --scale web=3 --scale worker=2` runs, here as local processes on
different ports. Each process gets its own working folder (as each container has its own
filesystem) and shares only the database, Redis and MYMACHI_DATA_DIR (the compose volume)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx
import redis
from sqlalchemy import select

from democity import start_demo_city
from portal.db.models import Source
from portal.db.session import make_engine, make_session_factory, session_scope
from portal.editorial.editors import create_editor
from portal.ingest.sources import add_source
from tests.conftest import POSTGRES_URL
from tests.live_server import free_port
from tests.portal.editor_helpers import PASSWORD, csrf_of
from tests.processes import Processes

N_SOURCES = 4
TITLE = "断水のお知らせ 全域 給水車を配置しています"


class NoticeStream(threading.Thread):
    """An open resident page's live-notice stream (SSE) on one server: `ready` once the
    first event (the state at connection time) arrived, `seen` once TITLE arrived."""

    def __init__(self, base: str, cookies: httpx.Cookies) -> None:
        super().__init__(daemon=True)  # a stream that never sees TITLE ends with its server
        self.base, self.cookies = base, cookies
        self.ready, self.seen = threading.Event(), threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.base, cookies=self.cookies,
                              timeout=httpx.Timeout(10, read=60)) as client, \
                    client.stream("GET", "/live/notices") as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                data: list[str] = []
                for line in stream.iter_lines():
                    if line.startswith("data:"):
                        data.append(line[5:])
                    elif not line and data:
                        if TITLE in "\n".join(data):
                            self.seen.set()
                            return
                        self.ready.set()
                        data = []
        except BaseException as exc:  # reported by the test, not lost in a thread
            self.error = exc
        finally:
            self.ready.set()


def _prepare_database(city_sources: list[dict]) -> None:
    """What an operator does once after `mymachi migrate`: sources and an editor account."""
    engine = make_engine(POSTGRES_URL)
    try:
        with session_scope(make_session_factory(engine)) as session:
            for spec in city_sources:
                add_source(session, spec["url"], spec["department"], kind=spec["kind"],
                           rules=spec.get("rules") or {})
            create_editor(session, "koho", PASSWORD, "editor")
    finally:
        engine.dispose()


def _crawled_sources() -> int:
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            return len(conn.execute(select(Source.id).where(Source.last_ok_at.is_not(None)))
                       .all())
    finally:
        engine.dispose()


def _publish_notice(login_base: str, base: str) -> None:
    """Log in on one server and publish on another: the editor's session (and its CSRF
    token) is a signed cookie, so no replica needs sticky sessions."""
    with httpx.Client(timeout=10) as editor:
        token = csrf_of(editor.get(login_base + "/editor/login").text)
        login = editor.post(login_base + "/editor/login", data={
            "csrf_token": token, "username": "koho", "password": PASSWORD})
        assert login.status_code == 303, login.text
        token = csrf_of(editor.get(base + "/editor/").text)
        response = editor.post(base + "/editor/notices", data={
            "csrf_token": token, "severity": "emergency", "title": TITLE})
        assert response.status_code == 303, response.text


def _last_finished_tick(redis_url: str) -> int:
    """The newest tick whose `crawl_due` job has a result (arq keeps results an hour)."""
    client = redis.Redis.from_url(redis_url)
    try:
        keys = client.scan_iter(match="arq:result:crawl_due:*")
        return max((int(key.rsplit(b":", 1)[1]) for key in keys), default=-1)
    finally:
        client.close()


def _job_ids(log: str) -> set[str]:
    return set(re.findall(r"crawl_due:\d+", log))


def test_three_web_two_workers_one_scheduler(processes: Processes, redis_url: str,
                                              tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    processes.env["MYMACHI_DATA_DIR"] = str(data_dir)
    migrate = processes.start("migrate", "migrate")  # while the demo city builds its sites
    with start_demo_city(port=0) as city:
        assert migrate.wait(120) == 0, processes.log("migrate")
        sources = city.sources[:N_SOURCES]
        _prepare_database(sources)

        ports = [free_port() for _ in range(3)]
        webs = []
        for i, port in enumerate(ports, 1):
            (tmp_path / f"web-{i}").mkdir()
            webs.append(processes.start(f"web-{i}", "serve", "--port", str(port),
                                        cwd=tmp_path / f"web-{i}"))
        for name in ("worker-1", "worker-2", "scheduler"):
            (tmp_path / name).mkdir()
            processes.start(name, name.split("-")[0], cwd=tmp_path / name)
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for i, base in enumerate(bases, 1):
            assert processes.wait_healthy(f"web-{i}", base)["cache"]["state"] == "ok"
        a, b, c = bases

        # A resident saves a profile on A; B and C read it (API export, and the cookie).
        resident = httpx.Client(base_url=a, timeout=10)
        resident.post("/profile", data={"categories": ["disaster", "childcare"]})
        assert resident.cookies.get("mymachi_profile")
        api_id = httpx.post(a + "/api/v1/profiles", json={"categories": ["childcare"]},
                            timeout=10).json()["id"]
        for base in (b, c):
            exported = httpx.get(f"{base}/api/v1/profiles/{api_id}", timeout=10)
            assert exported.status_code == 200 and exported.json()["categories"] == ["childcare"]
            page = httpx.get(base + "/feed", cookies=resident.cookies, timeout=10)
            assert page.status_code == 200, f"{base}: {page.status_code}"  # not to onboarding

        # The resident's page is open on all three; an editor publishes on A.
        streams = [NoticeStream(base, resident.cookies) for base in bases]
        for stream in streams:
            stream.start()
        for stream in streams:
            assert stream.ready.wait(30) and stream.error is None, (stream.base, stream.error)
        _publish_notice(c, a)
        for stream in streams:
            stream.seen.wait(30)
        missed = [(s.base, s.error) for s in streams if not s.seen.is_set()]
        assert not missed, f"no live notice on {missed}\n{processes.tails()}"

        # Every crawl job ran once: each feed and each article page was fetched once, though
        # the scheduler enqueued a crawl every 2 s and two workers took them.
        deadline = time.monotonic() + 90
        while _crawled_sources() < N_SOURCES and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _crawled_sources() == N_SOURCES, processes.tails()
        # A crawl job of a tick two ticks later finished too (it finds nothing due any more).
        tick = float(processes.env["MYMACHI_SCHEDULER_TICK_SECONDS"])
        later = int(time.time() // tick) + 2
        while _last_finished_tick(redis_url) < later and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _last_finished_tick(redis_url) >= later, processes.tails()
        hits = city.hits()
        fetched_twice = {path: n for path, n in hits.items() if n > 1 and path != "/robots.txt"}
        assert not fetched_twice, fetched_twice
        for spec in sources:
            assert hits[httpx.URL(spec["url"]).path] == 1
        assert len(hits) > 5 * N_SOURCES  # the article pages too, not only the feeds
        ran = [_job_ids(processes.log(name)) for name in ("worker-1", "worker-2")]
        assert ran[0] | ran[1] and not ran[0] & ran[1], ran

        # The scorer a worker fitted is on the shared data folder, not in a process's own.
        assert list(data_dir.glob("models/*/scorer-v*.joblib"))
        assert not list(tmp_path.glob("*/mymachi-data"))

        # One web process dies; the other two keep serving, notices included.
        webs[1].kill()
        webs[1].wait(10)
        for base in (a, c):
            feed = httpx.get(f"{base}/api/v1/profiles/{api_id}/feed", timeout=10)
            assert feed.status_code == 200 and feed.json()["items"], base
            page = httpx.get(base + "/feed", cookies=resident.cookies, timeout=10)
            assert page.status_code == 200 and TITLE in page.text, base
        try:
            httpx.get(b + "/healthz", timeout=3)
            raise AssertionError("the killed server still answers")
        except httpx.TransportError:
            pass
        resident.close()
