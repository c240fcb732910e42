"""`mymachi bench web`: how fast the portal serves, beside a bare FastAPI route.

One run, on loopback only, against a store of N articles (100k by default) in a fresh SQLite
file (or the cache in MYMACHI_REDIS_URL, when set):

- bare      — a FastAPI route returning a fixed string, in its own server process with no
              middleware (the framework's ceiling; every ratio is against it),
- api       — GET /api/v1/categories: a trivial handler inside the portal's whole stack,
- static    — GET of site.css under its content-hashed name,
- jinja     — pages/feed.html rendered by Jinja2 with 20 items already in memory (no SQL,
              no cache): the cost of the page itself,
- warm      — GET /feed for a resident whose ranking and rendered feed are cached,
- cold      — GET /feed for residents seen for the first time (each request a new profile:
              ranking, SQL reads, render, then cache fill).

Both servers run in their own processes (uvicorn, uvloop + httptools, one worker). The load
comes from wrk when it is installed (contract: a C load generator leaves the cores to the
server), else from this process over asyncio. Cold visits are a fixed list of first visits,
sent from this process either way (a few dozen a second: the sender's cost is small). Every
phase runs `rounds` times in turn with the others (see `_measure`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import insert
from starlette.requests import Request

from portal.assets import hashed_name
from portal.bench.loopback import free_port
from portal.bench.wrk import WrkResult, run_wrk, serve_bare, wrk_path
from portal.settings import PACKAGE_DIR, Settings

TEMPLATE_WORDS = [
    ("子育て・教育", "childcare", "保育園の入園申込み", "児童手当の手続き", "放課後児童クラブ"),
    ("防災・安全", "disaster", "防災訓練のお知らせ", "避難所の開設", "ハザードマップ更新"),
    ("ごみ・リサイクル", "waste", "ごみ収集日の変更", "粗大ごみの申込み", "資源回収"),
    ("健康・医療", "health", "予防接種のご案内", "健康診査の受診", "休日当番医"),
    ("税・保険・年金", "tax", "市民税の納付", "国民健康保険料", "固定資産税の縦覧"),
    ("文化・スポーツ", "culture", "図書館の催し", "市民体育館の利用", "美術館企画展"),
]
API_PATH = "/api/v1/categories"
DEPARTMENTS = ["子ども未来局", "危機管理室", "環境局", "健康福祉局", "財政局", "文化観光局",
               "市民局", "都市整備局"]


@dataclass(frozen=True)
class PhaseResult:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    # Given by wrk (which reports percentiles, not latencies); else from latencies_ms.
    p50_ms: float | None = None
    p99_ms: float | None = None

    def summary(self) -> dict[str, float | int]:
        ordered = sorted(self.latencies_ms) or [0.0]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        p50 = statistics.median(ordered)
        return {"requests": self.requests, "errors": self.errors,
                "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": round(self.p50_ms if self.p50_ms is not None else p50, 2),
                "p99_ms": round(self.p99_ms if self.p99_ms is not None else p99, 2)}


# --- the store ---------------------------------------------------------------------------


def seed_store(settings: Settings, n_articles: int, n_profiles: int, progress: Progress,
               seed: int = 0) -> list[str]:
    """N articles over the last year (5% with a deadline, 5% with an event) and profiles;
    returns the profile ids."""
    from portal.context import AppContext
    from portal.db.models import Article, Profile
    from portal.db.session import migrate

    rng = random.Random(seed)
    now = datetime.now(UTC)
    ctx = AppContext.build(settings)
    migrate(ctx.engine)
    task = progress.add_task("storing articles", total=n_articles)
    batch = 5000
    with ctx.engine.begin() as conn:
        for start in range(0, n_articles, batch):
            rows = []
            for i in range(start, min(start + batch, n_articles)):
                label, slug, *topics = rng.choice(TEMPLATE_WORDS)
                topic = rng.choice(topics)
                published = now - timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
                summary = f"{topic}について{label}の分野からお知らせします。ご確認ください。"
                rows.append({
                    "url": f"https://city.example.jp/news/{i}.html",
                    "department": rng.choice(DEPARTMENTS), "departments": [], "alt_urls": [],
                    "title": f"{topic}({i})", "summary": summary, "body_text": summary * 4,
                    "body_html": "", "published": published, "fetched_at": published,
                    "date_flagged": False, "content_hash": "", "dedup_key": "",
                    "extraction": "bench", "attachments": [],
                    "category_scores": {slug: round(rng.uniform(0.4, 0.95), 3)},
                    "categories": [slug], "areas": [], "life_stages": [], "hidden": False,
                    "deadline": now + timedelta(days=rng.randrange(1, 40))
                    if rng.random() < 0.05 else None,
                    "event_date": now + timedelta(days=rng.randrange(1, 60))
                    if rng.random() < 0.05 else None,
                })
            conn.execute(insert(Article), rows)
            progress.advance(task, len(rows))
    ids: list[str] = []
    task = progress.add_task("creating profiles", total=n_profiles)
    with ctx.sessions() as session:
        for _ in range(n_profiles):
            chosen = rng.sample([t[1] for t in TEMPLATE_WORDS], k=rng.randint(1, 3))
            profile = Profile(id=f"bench-{rng.getrandbits(96):024x}",
                              categories=dict.fromkeys(chosen, 1.0), areas=[], life_stages=[],
                              keywords=[], language="ja")
            session.add(profile)
            ids.append(profile.id)
            progress.advance(task)
        session.commit()
    ctx.engine.dispose()
    return ids


# --- the server process ------------------------------------------------------------------


def _serve(settings_json: str, port: int) -> None:
    """Runs in the server process: the real app plus two comparison routes."""
    import uvicorn
    from fastapi.responses import HTMLResponse, PlainTextResponse
    from sqlalchemy import select

    from portal.app import create_app
    from portal.context import AppContext
    from portal.db.models import Article
    from portal.feed.ranking import FeedItem
    from portal.logs import configure_logging

    settings = Settings.model_validate_json(settings_json)
    # Logged as `mymachi serve` logs (JSON, an access line per request), into the void.
    configure_logging(settings, default_format="json",
                      stream=open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    ctx = AppContext.build(settings)
    app = create_app(settings, ctx, run_scheduler=False)
    with ctx.sessions() as session:
        articles = list(session.scalars(select(Article).order_by(Article.id.desc()).limit(20)))
        session.expunge_all()
    items = [FeedItem(a, "子育て・教育 に関心があるため", list(a.categories)) for a in articles]
    template = app.state.templates.env.get_template("pages/feed.html")

    @app.get("/bench/constant")
    def constant() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/bench/jinja")
    def bare_jinja(request: Request) -> HTMLResponse:
        html = template.render(request=request, lang="ja", era=False, profile=None, items=items,
                               offset=0, page_size=20, next_offset=20, notices=[], body=None,
                               strips=None, feedback={}, next_path="/feed")
        return HTMLResponse(html)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                loop="uvloop", http="httptools")


def _wait_ready(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the benchmark server did not start")


# --- the load generator ------------------------------------------------------------------


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
               request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _phase(port: int, name: str, requests: list[bytes], connections: int,
                 duration: float | None) -> PhaseResult:
    """Send `requests` round-robin (or each once when duration is None) over keep-alive
    connections; latency per request."""
    latencies: list[float] = []
    errors = 0
    next_index = 0
    stop_at = time.perf_counter() + duration if duration else None

    async def worker() -> None:
        nonlocal next_index, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                if stop_at is not None:
                    if time.perf_counter() >= stop_at:
                        return
                    request = requests[next_index % len(requests)]
                elif next_index >= len(requests):
                    return
                else:
                    request = requests[next_index]
                next_index += 1
                started = time.perf_counter()
                status = await _one(reader, writer, request)
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return PhaseResult(name, len(latencies), time.perf_counter() - started, latencies, errors)


def _get(path: str, cookie: str | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Accept: text/html"]
    if cookie:
        lines.append(f"Cookie: mymachi_profile={cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def run(*, articles: int, connections: int, duration: float, cold_profiles: int,
        rounds: int, console: Console, use_wrk: bool = True) -> dict[str, Any]:
    from portal.signing import profile_signer

    loader = "wrk" if use_wrk and wrk_path() else "python"
    with tempfile.TemporaryDirectory(prefix="mymachi-bench-web-") as tmp:
        base = Settings()
        settings = base.model_copy(update={
            "database_url": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "secret_key": "bench-web-secret-key-0123456789", "embedded_scheduler": False,
            "city_path": None,
        })
        with Progress(console=console, transient=True) as progress:
            profile_ids = seed_store(settings, articles, cold_profiles + 1, progress)
        signer = profile_signer(settings)  # as portal.routes.deps.set_profile_cookie signs
        cookies = [signer.dumps(pid) for pid in profile_ids]
        ports = Ports(portal=free_port(), bare=free_port())
        spawn = multiprocessing.get_context("spawn")
        processes = [
            spawn.Process(target=_serve, args=(settings.model_dump_json(), ports.portal),
                          daemon=True),
            spawn.Process(target=serve_bare, args=(ports.bare,), daemon=True),
        ]
        for process in processes:
            process.start()
        try:
            _wait_ready(ports.portal)
            _wait_ready(ports.bare)
            results = asyncio.run(_measure(ports, cookies, connections, duration, rounds,
                                           console, loader))
        finally:
            for process in processes:
                process.terminate()
                process.join(timeout=10)
    summary = {name: r.summary() for name, r in results.items()}
    bare = float(summary["bare"]["rps"]) or 1.0
    jinja = float(summary["jinja"]["rps"]) or 1.0
    return {
        "articles": articles, "connections": connections, "duration_s": duration,
        "rounds": rounds, "loader": loader,
        "cache": "redis" if settings.redis_url else "memory",
        "phases": summary,
        "vs_bare": {name: round(float(row["rps"]) / bare, 2)
                    for name, row in summary.items() if name != "bare"},
        "warm_vs_jinja": round(float(summary["warm"]["rps"]) / jinja, 2),
        "cold_vs_jinja": round(float(summary["cold"]["rps"]) / jinja, 2),
    }


@dataclass(frozen=True)
class Ports:
    portal: int
    bare: int


def _merged(parts: list[PhaseResult]) -> PhaseResult:
    return PhaseResult(parts[0].name, sum(p.requests for p in parts),
                       sum(p.seconds for p in parts),
                       [ms for p in parts for ms in p.latencies_ms], sum(p.errors for p in parts))


def _from_wrk(name: str, parts: list[WrkResult]) -> PhaseResult:
    """wrk reports percentiles, not every latency: p99 over rounds is the worst round's."""
    worst = max(parts, key=lambda r: r.p99_ms)
    return PhaseResult(name, sum(r.requests for r in parts), sum(r.seconds for r in parts),
                       [], sum(r.errors for r in parts),
                       p50_ms=statistics.median(r.p50_ms for r in parts), p99_ms=worst.p99_ms)


async def _measure(ports: Ports, cookies: list[str], connections: int, duration: float,
                   rounds: int, console: Console, loader: str) -> dict[str, PhaseResult]:
    """Each phase `rounds` times, in turn (bare, api, static, jinja, warm, cold, bare, …):
    on a shared machine whose speed drifts, every phase then sees the same stretches of it,
    and the ratios compare like with like."""
    warm_cookie, cold_cookies = cookies[0], cookies[1:]
    # Warm-up: the candidate matrix is built once per articles version, and the warm
    # resident's ranking and feed are rendered and cached.
    console.log(f"warming up (candidate matrix, one feed); load from {loader}")
    static = "/static/" + hashed_name(PACKAGE_DIR / "static", "site.css")
    await _phase(ports.portal, "warmup", [_get("/feed", warm_cookie)] * 3, 1, None)
    await _phase(ports.portal, "warmup", [_get("/bench/jinja"), _get(API_PATH),
                                          _get(static)] * 50, 4, None)
    targets = (("bare", ports.bare, "/", None), ("api", ports.portal, API_PATH, None),
               ("static", ports.portal, static, None),
               ("jinja", ports.portal, "/bench/jinja", None),
               ("warm", ports.portal, "/feed", warm_cookie))
    timed: dict[str, list[PhaseResult]] = {name: [] for name, *_ in targets}
    by_wrk: dict[str, list[WrkResult]] = {name: [] for name, *_ in targets}
    cold: list[PhaseResult] = []
    per_round = -(-len(cold_cookies) // rounds)
    for turn in range(rounds):
        console.log(f"round {turn + 1}/{rounds}: {', '.join(by_wrk)} for {duration:.0f} s "
                    f"each, then {per_round} first visits; {connections} connections")
        for name, port, path, cookie in targets:
            if loader == "wrk":
                headers = {"Accept": "text/html"}
                if cookie:
                    headers["Cookie"] = f"mymachi_profile={cookie}"
                by_wrk[name].append(await asyncio.to_thread(
                    run_wrk, f"http://127.0.0.1:{port}{path}", connections=connections,
                    duration=duration, headers=headers))
            else:
                timed[name].append(await _phase(port, name, [_get(path, cookie)],
                                                connections, duration))
        visits = cold_cookies[turn * per_round : (turn + 1) * per_round]
        if visits:
            cold.append(await _phase(ports.portal, "cold",
                                     [_get("/feed", c) for c in visits], connections, None))
    results = {name: _from_wrk(name, parts) if loader == "wrk" else _merged(timed[name])
               for name, parts in by_wrk.items()}
    results["cold"] = _merged(cold) if cold else PhaseResult("cold", 0, 0.0, [], 0)
    return results
