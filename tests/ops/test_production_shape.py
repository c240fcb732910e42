"""The compose services' own commands, run as processes against the real PostgreSQL and Redis:
migrate, source add, serve, worker, scheduler. No Docker engine runs here, so this is how the
production shape is exercised end to end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from democity import start_demo_city
from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.live_server import free_port
from tests.portal.conftest import city_file

BIN = Path(sys.executable).parent


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _post_json(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    _reset_postgres(POSTGRES_URL)
    return {
        **os.environ,
        "MYMACHI_DATABASE_URL": POSTGRES_URL,
        "MYMACHI_REDIS_URL": redis_url,
        "MYMACHI_SECRET_KEY": "production-shape-test-secret",
        "MYMACHI_CRAWL_ALLOW": "127.0.0.1",
        "MYMACHI_CITY_PATH": str(city_file(tmp_path)),
        "MYMACHI_SCHEDULER_TICK_SECONDS": "2",
    }


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.send_signal(signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_web_worker_scheduler_on_postgres_and_redis(env, processes, tmp_path) -> None:
    with start_demo_city(port=0) as city:
        subprocess.run([BIN / "mymachi", "migrate"], env=env, check=True, cwd=tmp_path)
        for spec in city.sources[:4]:
            subprocess.run([BIN / "mymachi", "source", "add", spec["url"], "--department",
                            spec["department"], "--kind", spec["kind"]],
                           env=env, check=True, cwd=tmp_path, capture_output=True)
        port = free_port()
        logs = tmp_path / "logs"
        logs.mkdir()
        for name, args in {"web": ["serve", "--port", str(port)], "worker": ["worker"],
                           "scheduler": ["scheduler"]}.items():
            out = (logs / f"{name}.log").open("wb")
            processes.append(subprocess.Popen([BIN / "mymachi", *args], env=env, cwd=tmp_path,
                                              stdout=out, stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{port}"
        for _ in range(60):
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        health = json.loads(_get(base + "/healthz")[1])
        assert health["cache"] == {"backend": "redis", "state": "ok"}

        profile = _post_json(base + "/api/v1/profiles", {"categories": ["childcare"]})
        items: list[dict[str, object]] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(items) < 10:
            time.sleep(1)
            items = json.loads(_get(f"{base}/api/v1/profiles/{profile['id']}/feed")[1])["items"]
        logs_text = "\n".join(p.read_text(errors="replace")[-800:] for p in logs.iterdir())
        # The scheduler enqueued, the worker crawled into PostgreSQL, the web process serves it.
        assert len(items) >= 10, logs_text
        assert all(proc.poll() is None for proc in processes), logs_text
