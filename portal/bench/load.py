"""`mymachi bench load`: residents read their feeds while the city is crawled and editors
publish notices, all at once, for a bounded time on loopback only.

The portal runs as in production, in processes of its own: `mymachi serve` (uvicorn), and
for the crawl `mymachi crawl` (embedded defaults) or `mymachi worker` with a crawl job (with
--redis-url). The demo city is served from this process. Residents are `connections`
keep-alive connections, each reading the feed page or the feed API of a random one of
`profiles` residents; an editor publishes a notice every `notice_every` seconds. Any answer
other than 200 (or 303 for the editor's post) is an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from portal.bench.loopback import free_port
from portal.bench.web import PhaseResult, _get, _one

SECRET = "bench-load-secret-key-0123456789"
EDITOR, PASSWORD = "bench-editor", "bench-load-password-0123"
MYMACHI = str(Path(sys.executable).parent / "mymachi")
START_TIMEOUT = 120.0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    notices: int = 0

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def _seed(settings: Any, profiles: int, seed: int) -> list[tuple[str, str]]:
    """Migrate, create the editor and `profiles` residents; (profile id, cookie) pairs."""
    from itsdangerous import URLSafeSerializer

    from democity import CITY
    from portal.context import AppContext
    from portal.db.session import migrate, session_scope
    from portal.editorial.editors import create_editor
    from portal.residents.profiles import ProfileInput, create_profile

    rng = random.Random(seed)
    ctx = AppContext.build(settings)
    migrate(ctx.engine)
    slugs = ctx.taxonomy.slugs
    wards = [w.slug for w in CITY.wards]
    ids: list[str] = []
    with session_scope(ctx.sessions) as session:
        create_editor(session, EDITOR, PASSWORD, "editor")
        for _ in range(profiles):
            chosen = rng.sample(list(slugs), k=rng.randint(1, 3))
            areas = [rng.choice(wards)] if rng.random() < 0.7 else []
            ids.append(create_profile(session, ProfileInput(
                categories=dict.fromkeys(chosen, 1.0), areas=areas, life_stages=[],
                keywords=[])).id)
    ctx.engine.dispose()
    # Signed as portal.routes.deps.set_profile_cookie signs them.
    signer = URLSafeSerializer(SECRET, salt="profile-cookie")
    return [(pid, signer.dumps(pid)) for pid in ids]


def _add_sources(settings: Any, city: Any) -> None:
    from portal.context import AppContext
    from portal.db.session import session_scope
    from portal.ingest.sources import add_source

    ctx = AppContext.build(settings)
    with session_scope(ctx.sessions) as session:
        for spec in city.sources:
            add_source(session, spec["url"], spec["department"], kind=spec.get("kind", "auto"),
                       rules=spec.get("rules") or {})
    ctx.engine.dispose()


def _count_articles(settings: Any) -> int:
    from sqlalchemy import func, select

    from portal.context import AppContext
    from portal.db.models import Article

    ctx = AppContext.build(settings)
    try:
        with ctx.sessions() as session:
            return int(session.scalar(select(func.count(Article.id))) or 0)
    finally:
        ctx.engine.dispose()


async def _residents(port: int, residents: list[tuple[str, str]], connections: int,
                     stop_at: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop_at:
                profile_id, cookie = rng.choice(residents)
                # Most residents open the page; apps and widgets read the API.
                request = (_get("/feed", cookie) if rng.random() < 0.7
                           else _get(f"/api/v1/profiles/{profile_id}/feed"))
                started = time.perf_counter()
                try:
                    status = await _one(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    tally.error(type(exc).__name__)
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                tally.latencies_ms.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    tally.error(str(status))
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))


async def _editor(base: str, every: float, stop_at: float, tally: Tally) -> None:
    def token(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if found is None:
            raise RuntimeError("no CSRF token on the editor page")
        return found.group(1)

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await client.post("/editor/login", data={
            "csrf_token": token((await client.get("/editor/login")).text),
            "username": EDITOR, "password": PASSWORD})
        csrf = token((await client.get("/editor/")).text)
        n = 0
        while time.perf_counter() + every < stop_at:
            await asyncio.sleep(every)
            n += 1
            response = await client.post("/editor/notices", data={
                "csrf_token": csrf, "severity": "info", "title": f"負荷試験のお知らせ {n}"})
            if response.status_code == 303:
                tally.notices += 1
            else:
                tally.error(f"notice {response.status_code}")


async def _run_load(base: str, port: int, residents: list[tuple[str, str]], connections: int,
                    seconds: float, notice_every: float, progress: Progress, seed: int
                    ) -> tuple[Tally, float]:
    tally = Tally()
    started = time.perf_counter()
    stop_at = started + seconds
    task = progress.add_task("residents reading", total=seconds, requests=0, errors=0)

    async def report() -> None:
        while time.perf_counter() < stop_at:
            await asyncio.sleep(0.25)
            progress.update(task, completed=min(seconds, time.perf_counter() - started),
                            requests=len(tally.latencies_ms), errors=tally.errors)

    await asyncio.gather(_residents(port, residents, connections, stop_at, tally, seed),
                         _editor(base, notice_every, stop_at, tally), report())
    progress.update(task, completed=seconds, requests=len(tally.latencies_ms),
                    errors=tally.errors)
    return tally, time.perf_counter() - started


def _wait_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:]
            raise RuntimeError(f"the portal did not start: {' '.join(tail)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("the portal did not answer /healthz in time")


def run(*, seconds: float, connections: int, profiles: int, notice_every: float,
        database_url: str | None, redis_url: str | None, console: Console,
        seed: int = 0) -> dict[str, Any]:
    from democity import CITY, start_demo_city
    from portal.demo import write_city_file
    from portal.settings import Settings

    workdir = Path(tempfile.mkdtemp(prefix="mymachi-bench-load-"))
    with contextlib.chdir(workdir):
        write_city_file(CITY)  # the wards residents choose, read by every process here
    database_url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {**os.environ, "MYMACHI_DATABASE_URL": database_url, "MYMACHI_SECRET_KEY": SECRET,
           "MYMACHI_CRAWL_ALLOW": "127.0.0.1", "MYMACHI_EMBEDDED_SCHEDULER": "false",
           "MYMACHI_CITY_PATH": str(workdir / "mymachi-city.toml")}
    env.pop("MYMACHI_REDIS_URL", None)
    if redis_url:
        env["MYMACHI_REDIS_URL"] = redis_url
    settings = Settings(database_url=database_url, redis_url=redis_url, secret_key=SECRET,
                        city_path=workdir / "mymachi-city.toml", crawl_allow="127.0.0.1")
    residents = _seed(settings, profiles, seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (workdir / f"{name}.log").open("wb")
        proc = subprocess.Popen([MYMACHI, *args], env=env, cwd=workdir, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        started.append(proc)
        return proc

    city = start_demo_city(port=0)
    try:
        server = spawn("serve", "serve", "--port", str(port))
        _wait_healthy(base, server, workdir / "serve.log")
        _add_sources(settings, city)
        # The whole demo city, every source due; the load starts once articles come in.
        if redis_url:
            from portal.runtime.jobs import enqueue_crawl

            spawn("worker", "worker")
            asyncio.run(enqueue_crawl(settings, tick=int(time.time())))
        else:
            spawn("crawl", "crawl")
        deadline = time.monotonic() + START_TIMEOUT
        while (before := _count_articles(settings)) == 0:
            if time.monotonic() > deadline or any(p.poll() for p in started):
                raise RuntimeError(f"the crawl stored nothing (logs in {workdir})")
            time.sleep(0.2)
        # Warm-up, as `bench web` does: the first feed builds the ranking candidates.
        profile_id, cookie = residents[0]
        for path, headers in (("/feed", {"Cookie": f"mymachi_profile={cookie}"}),
                              (f"/api/v1/profiles/{profile_id}/feed", {})):
            httpx.get(base + path, headers=headers, timeout=START_TIMEOUT).raise_for_status()
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      TextColumn("{task.fields[requests]} requests, "
                                 "{task.fields[errors]} errors"),
                      console=console, transient=False) as progress:
            tally, elapsed = asyncio.run(_run_load(base, port, residents, connections, seconds,
                                                   notice_every, progress, seed))
        crawled = _count_articles(settings) - before  # stored while residents read
    finally:
        for proc in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in started:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        city.stop()
    if not tally.errors:  # the logs are kept only when there is something to look into
        shutil.rmtree(workdir, ignore_errors=True)
    summary = PhaseResult("load", len(tally.latencies_ms), elapsed, tally.latencies_ms,
                          tally.errors).summary()
    return {
        "seconds": round(elapsed, 1), "connections": connections, "profiles": profiles,
        "database": "sqlite" if database_url.startswith("sqlite") else "postgresql",
        "cache": "redis" if redis_url else "memory", **summary,
        "error_kinds": tally.error_kinds, "notices_published": tally.notices,
        "articles_crawled": crawled, "workdir": str(workdir) if tally.errors else None,
    }
