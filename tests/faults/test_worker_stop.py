"""A worker waiting for Redis to come back still stops when the operator says so (SIGTERM from
`docker compose stop` or systemd), instead of waiting out the timeout and being killed."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from tests.faults.services import PrivateRedis
from tests.processes import processes_in, production_env


def test_sigterm_stops_a_worker_that_waits_for_redis(tmp_path: Path,
                                                     private_redis: PrivateRedis) -> None:
    env = production_env(tmp_path, f"sqlite:///{tmp_path / 'portal.sqlite3'}",
                         private_redis.url)
    runner = processes_in(env, tmp_path)
    procs = next(runner)
    try:
        procs.run("migrate")
        worker = procs.start("worker", "worker")
        time.sleep(3)  # connected and polling
        assert worker.poll() is None, procs.tails()
        private_redis.kill()
        deadline = time.monotonic() + 20
        while "reconnecting" not in procs.tails(4000) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "reconnecting" in procs.tails(4000), procs.tails()

        worker.send_signal(signal.SIGTERM)

        try:
            code = worker.wait(8)
        except subprocess.TimeoutExpired:
            code = None
        assert code == 0, "the worker went on waiting for Redis after SIGTERM\n" + (
            procs.tails())
    finally:
        next(runner, None)
