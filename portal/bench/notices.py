"""`mymachi bench notices`: publish → visible on N open resident pages (server-sent events).

Starts `mymachi serve` in its own process on a fresh SQLite file (and Redis when
MYMACHI_REDIS_URL is set), opens N event streams as N residents' pages would, publishes a
notice through the editor console over HTTP, and measures when each page receives it.
Loopback only; bounded in connections, rounds and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress

from portal.bench.loopback import free_port

PASSWORD = "bench-password-0123"
CONNECT_TIMEOUT = 120.0
ROUND_TIMEOUT = 30.0


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if match is None:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def _stream(host: str, port: int, cookie: str, ready: asyncio.Event, counter: list[int],
                  total: int, arrivals: dict[str, list[float]]) -> None:
    """One open page's event stream, read with raw asyncio streams: the client must cost
    far less than the server it measures (both share this machine)."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /live/notices HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream"
                 f"\r\nCookie: mymachi_profile={cookie}\r\n\r\n".encode())
    await writer.drain()
    buffer = b""
    first = True
    received: set[bytes] = set()  # titles this page has already shown
    try:
        while chunk := await reader.read(65536):
            now = time.perf_counter()
            buffer = buffer[-64:] + chunk  # a title may straddle two reads
            if first and b"data:" in buffer:
                first = False
                counter[0] += 1
                if counter[0] == total:
                    ready.set()
            for title in set(re.findall(rb"bench-notice-\d+", buffer)) - received:
                received.add(title)
                arrivals.setdefault(title.decode(), []).append(now)
    finally:
        writer.close()


async def _measure(base: str, connections: int, rounds: int, progress: Progress
                   ) -> dict[str, Any]:
    timeout = httpx.Timeout(CONNECT_TIMEOUT, read=None)
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as setup:
        await setup.post("/profile", data={"categories": ["disaster"]})
        cookie = setup.cookies.get("mymachi_profile")
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as editor:
        token = _csrf((await editor.get("/editor/login")).text)
        await editor.post("/editor/login", data={"csrf_token": token, "username": "bench",
                                                 "password": PASSWORD})
        token = _csrf((await editor.get("/editor/")).text)
        host, port = base.removeprefix("http://").split(":")
        ready, counter, arrivals = asyncio.Event(), [0], {}
        task = progress.add_task("opening pages", total=connections)
        streams = [asyncio.create_task(_stream(host, int(port), cookie or "", ready, counter,
                                               connections, arrivals))
                   for _ in range(connections)]
        started = time.perf_counter()
        while not ready.is_set():
            progress.update(task, completed=counter[0])
            if time.perf_counter() - started > CONNECT_TIMEOUT:
                raise RuntimeError(f"only {counter[0]} of {connections} pages connected")
            await asyncio.sleep(0.1)
        progress.update(task, completed=connections)
        latencies: list[float] = []
        missed = 0
        rtask = progress.add_task("publishing", total=rounds)
        for n in range(rounds):
            title = f"bench-notice-{n}"
            sent = time.perf_counter()
            await editor.post("/editor/notices", data={
                "csrf_token": token, "severity": "emergency", "title": title})
            deadline = sent + ROUND_TIMEOUT
            while len(arrivals.get(title, [])) < connections and time.perf_counter() < deadline:
                await asyncio.sleep(0.01)
            got = arrivals.get(title, [])
            missed += connections - len(got)
            latencies += [t - sent for t in got]
            progress.update(rtask, completed=n + 1)
            await asyncio.sleep(0.5)
        for stream in streams:
            stream.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
    ms = [v * 1000 for v in latencies]
    return {"connections": connections, "rounds": rounds, "deliveries": len(ms),
            "missed": missed, "p50_ms": statistics.median(ms) if ms else None,
            "p99_ms": _percentile(ms, 0.99) if ms else None, "max_ms": max(ms) if ms else None}


def run(connections: int, rounds: int, console: Console) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="mymachi-bench-notices-"))
    env = {**os.environ, "MYMACHI_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
           "MYMACHI_SECRET_KEY": "bench-secret", "MYMACHI_EMBEDDED_SCHEDULER": "false"}
    mymachi = [str(Path(sys.executable).parent / "mymachi")]
    subprocess.run([*mymachi, "create-editor", "--username", "bench", "--password", PASSWORD,
                    "--role", "editor"], env=env, cwd=workdir, check=True, capture_output=True)
    port = free_port()
    log = (workdir / "serve.log").open("wb")
    server = subprocess.Popen([*mymachi, "serve", "--port", str(port)], env=env, cwd=workdir,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            if server.poll() is not None:
                break
            time.sleep(0.1)
        else:
            server.poll()
        if server.returncode is not None:
            tail = (workdir / "serve.log").read_text(errors="replace").strip().splitlines()[-1:]
            raise RuntimeError(f"the server did not start: {' '.join(tail)}")
        with Progress(console=console, transient=True) as progress:
            result = asyncio.run(_measure(base, connections, rounds, progress))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    result["backend"] = "redis" if os.environ.get("MYMACHI_REDIS_URL") else "in-process"
    return result
