"""The compose services' own commands, run as processes against the real PostgreSQL and Redis:
migrate, source add, serve, worker, scheduler. No Docker engine runs here, so this is how the
production shape is exercised end to end."""

from __future__ import annotations

import json
import os
import subprocess
import time

from democity import start_demo_city
from tests.live_server import free_port
from tests.processes import MYMACHI, Processes, http_get, post_json


def test_web_worker_scheduler_on_postgres_and_redis(processes: Processes) -> None:
    with start_demo_city(port=0) as city:
        processes.run("migrate")
        for spec in city.sources[:4]:
            processes.run("source", "add", spec["url"], "--department", spec["department"],
                          "--kind", spec["kind"])
        port = free_port()
        processes.start("web", "serve", "--port", str(port))
        processes.start("worker", "worker")
        processes.start("scheduler", "scheduler")
        base = f"http://127.0.0.1:{port}"
        health = processes.wait_healthy("web", base)
        assert health["cache"] == {"backend": "redis", "state": "ok"}

        profile = post_json(base + "/api/v1/profiles", {"categories": ["childcare"]})
        items: list[dict[str, object]] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(items) < 10:
            time.sleep(1)
            items = json.loads(http_get(f"{base}/api/v1/profiles/{profile['id']}/feed")[1])[
                "items"]
        # The scheduler enqueued, the worker crawled into PostgreSQL, the web process serves it.
        assert len(items) >= 10, processes.tails(800)
        assert all(proc.poll() is None for proc in processes.started.values()), \
            processes.tails(800)


def test_serve_with_workers_runs_that_many_processes(processes: Processes) -> None:
    port = free_port()
    web = processes.start("web", "serve", "--port", str(port), "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    processes.wait_healthy("web", base)
    for _ in range(20):
        assert http_get(base + "/api/v1/categories")[0] == 200
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(web.pid)], text=True,
                              capture_output=True, check=False).stdout.split()
    assert len(children) >= 2, processes.tails()  # two workers (and uvicorn's helper, if any)


def test_serve_with_workers_refuses_to_run_without_redis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYMACHI_")}
    done = subprocess.run([MYMACHI, "serve", "--workers", "2", "--port", str(free_port())],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "MYMACHI_REDIS_URL" in done.stderr
