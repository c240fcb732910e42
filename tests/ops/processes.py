"""Running the compose services' commands (`mymachi migrate|serve|worker|scheduler`) as real
processes against the real PostgreSQL and Redis, the way docker-compose.yml runs them. Shared
by tests/ops/test_production_shape.py and tests/ops/test_scale_out.py."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.portal.conftest import city_file
from tests.processes import BIN, MYMACHI, http_get, post_json, stop_processes

__all__ = ["BIN", "MYMACHI", "Processes", "app_env", "http_get", "post_json"]


def app_env(tmp_path: Path, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment compose gives web/worker/scheduler, on a freshly emptied database."""
    _reset_postgres(POSTGRES_URL)
    return {
        **os.environ,
        "MYMACHI_DATABASE_URL": POSTGRES_URL,
        "MYMACHI_REDIS_URL": redis_url,
        "MYMACHI_SECRET_KEY": "production-shape-test-secret",
        "MYMACHI_CRAWL_ALLOW": "127.0.0.1",
        "MYMACHI_CITY_PATH": str(city_file(tmp_path)),
        "MYMACHI_SCHEDULER_TICK_SECONDS": "2",
        **extra,
    }


class Processes:
    """`mymachi` processes started by one test, each logging to its own file; all are
    stopped (SIGTERM, then SIGKILL) when the test ends."""

    def __init__(self, root: Path, env: dict[str, str] | None = None) -> None:
        self.root = root
        self.env = env or dict(os.environ)
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *args: str, cwd: Path | None = None) -> str:
        """Run a one-shot command (migrate, source add) to the end; its output."""
        proc = subprocess.run([MYMACHI, *args], env=self.env, cwd=cwd or self.root,
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, f"mymachi {' '.join(args)}:\n{proc.stdout}{proc.stderr}"
        return proc.stdout

    def start(self, name: str, *args: str, cwd: Path | None = None) -> subprocess.Popen[bytes]:
        """Start a long-running command; `name` names its log file."""
        out = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen([MYMACHI, *args], env=self.env, cwd=cwd or self.root,
                                stdout=out, stderr=subprocess.STDOUT)
        out.close()  # the child has its own descriptor
        self.started[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def tails(self, chars: int = 1500) -> str:
        """The end of every log, for assertion messages."""
        return "\n".join(f"--- {name}\n{self.log(name)[-chars:]}" for name in self.started)

    def wait_healthy(self, name: str, base: str, timeout: float = 90) -> dict:
        """Poll GET /healthz of the server `name` until it answers 200; its JSON body."""
        proc = self.started[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"{name} exited ({proc.returncode}):\n{self.log(name)}"
            try:
                status, body = http_get(base + "/healthz", timeout=2)
                if status == 200:
                    return json.loads(body)  # type: ignore[no-any-return]
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{name}: no 200 from /healthz in {timeout:.0f} s\n"
                             f"{self.log(name)[-2000:]}")

    def stop(self) -> None:
        stop_processes(self.started.values())
