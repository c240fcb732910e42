"""The compose services' own commands, run as processes against the real PostgreSQL and Redis:
migrate, source add, serve, worker, scheduler. No Docker engine runs here, so this is how the
production shape is exercised end to end."""

from __future__ import annotations

import json
import time

from democity import start_demo_city
from tests.live_server import free_port
from tests.processes import Processes, http_get, post_json


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
