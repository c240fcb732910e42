"""The production pieces (`mymachi migrate/serve/worker/scheduler`) as real processes.

Shared by the ops (production shape, scale-out) and fault tests: the same environment, the
same way to start a command with its log in a file, and to wait until a web process answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tests.portal.conftest import city_file

BIN = Path(sys.executable).parent
MYMACHI = str(BIN / "mymachi")


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post_json(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def production_env(tmp_path: Path, database_url: str, redis_url: str | None,
                   **extra: str) -> dict[str, str]:
    """MYMACHI_* settings of a production deployment on this machine's loopback."""
    env = {
        **os.environ,
        "MYMACHI_DATABASE_URL": database_url,
        "MYMACHI_SECRET_KEY": "production-shape-test-secret",
        "MYMACHI_CRAWL_ALLOW": "127.0.0.1",
        "MYMACHI_CITY_PATH": str(city_file(tmp_path)),
        "MYMACHI_SCHEDULER_TICK_SECONDS": "2",
        **extra,
    }
    if redis_url:
        env["MYMACHI_REDIS_URL"] = redis_url
    return env


class Processes:
    """`mymachi` commands started by one test, each logging to logs/<name>.log under `cwd`;
    `stop()` ends them all (SIGTERM, then SIGKILL)."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.logs = cwd / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *args: str, cwd: Path | None = None) -> str:
        """Run a one-shot command (migrate, source add) to the end; its output."""
        proc = subprocess.run([MYMACHI, *args], env=self.env, cwd=cwd or self.cwd,
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, f"mymachi {' '.join(args)}:\n{proc.stdout}{proc.stderr}"
        return proc.stdout

    def start(self, name: str, *args: str, cwd: Path | None = None) -> subprocess.Popen[bytes]:
        """Start a long-running command; `name` names its log file (a restart appends)."""
        with (self.logs / f"{name}.log").open("ab") as out:  # the child has its own descriptor
            proc = subprocess.Popen([MYMACHI, *args], env=self.env, cwd=cwd or self.cwd,
                                    stdout=out, stderr=subprocess.STDOUT)
        self.started[name] = proc
        return proc

    def serve(self, port: int, name: str = "web") -> str:
        """`mymachi serve` on `port`, once it answers; its base URL."""
        self.start(name, "serve", "--port", str(port))
        base = f"http://127.0.0.1:{port}"
        self.wait_healthy(name, base)
        return base

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def tails(self, chars: int = 1500) -> str:
        """The end of every started command's log, for assertion messages."""
        return "\n".join(f"--- {name}\n{self.log(name)[-chars:]}" for name in self.started)

    def wait_healthy(self, name: str, base: str, timeout: float = 90) -> dict[str, Any]:
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


def stop_processes(procs: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to all (they shut down in parallel), then SIGKILL whatever is still up."""
    procs = list(procs)
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def processes_in(env: dict[str, str], cwd: Path) -> Iterator[Processes]:
    """For a fixture: yields the runner, stops whatever it started afterwards."""
    procs = Processes(env, cwd)
    try:
        yield procs
    finally:
        procs.stop()
