"""The production pieces (`mymachi migrate/serve/worker/scheduler`) as real processes.

Shared by the production-shape and fault tests: the same environment, the same way to start
a command with its log in a file, and to wait until the web process answers.
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
    """`mymachi` commands started in the background, each logging to logs/<name>.log."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.logs = cwd / "logs"
        self.logs.mkdir(exist_ok=True)
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """A command that runs to the end (migrate, source add)."""
        return subprocess.run([MYMACHI, *args], env=self.env, cwd=self.cwd, check=True,
                              capture_output=True)

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        out = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen([MYMACHI, *args], env=self.env, cwd=self.cwd, stdout=out,
                                stderr=subprocess.STDOUT)
        self.started[name] = proc
        return proc

    def serve(self, port: int) -> str:
        self.start("web", "serve", "--port", str(port))
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, self.started["web"])
        return base

    def log_text(self, chars: int = 800) -> str:
        return "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-chars:]
                         for p in sorted(self.logs.iterdir()))

    def stop_all(self) -> None:
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


def wait_healthy(base: str, proc: subprocess.Popen[bytes] | None = None,
                 timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the web process exited with {proc.returncode}")
        try:
            if http_get(base + "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not become healthy within {timeout:.0f} s")


def processes_in(env: dict[str, str], cwd: Path) -> Iterator[Processes]:
    """For a fixture: yields the runner, stops whatever it started afterwards."""
    procs = Processes(env, cwd)
    try:
        yield procs
    finally:
        procs.stop_all()
