"""Private Redis and PostgreSQL servers that a fault test may kill and restart.

The machine's shared services are never touched: each fixture starts its own server on a free
loopback port in a temporary folder, and stops it at the end. PostgreSQL refuses to run as
root, so as root its binaries run as the `postgres` OS user in a folder that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from portal.bench.loopback import free_port

START_TIMEOUT = 30.0


def _wait(ready, what: str, timeout: float = START_TIMEOUT) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.05)


class PrivateRedis:
    """`redis-server` without persistence: a kill loses everything, as a crashed cache would."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._proc: subprocess.Popen[bytes] | None = None

    def _ping(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        log = (self._workdir / "redis.log").open("ab")
        self._proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self._workdir)],
            stdout=log, stderr=subprocess.STDOUT)
        _wait(self._ping, "redis-server")

    def kill(self) -> None:
        """SIGKILL: no shutdown, every key and connection gone at once."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait(10)
        self._proc = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)


class PrivatePostgres:
    """A throwaway cluster (trust auth, loopback only) run as the `postgres` user."""

    def __init__(self, bindir: Path, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._bin = bindir
        self._dir = workdir
        self._data = workdir / "data"

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *args], check=check, capture_output=True, timeout=60)

    def init(self) -> None:
        self._as_postgres(str(self._bin / "initdb"), "-D", str(self._data), "-A", "trust",
                          "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._dir} "
                   "-c fsync=off -c full_page_writes=off")
        self._as_postgres(str(self._bin / "pg_ctl"), "-D", str(self._data), "-o", options,
                          "-l", str(self._dir / "postgres.log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session at once (as a restart does); `immediate` is a crash."""
        self._as_postgres(str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", mode,
                          "-w", "stop", check=False)


def postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(found[-1]).parent if found else None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: no private Redis to kill")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed")
    # Not pytest's tmp_path: its parents are private to root, and postgres must reach it.
    workdir = Path(tempfile.mkdtemp(prefix="mymachi-pg-"))
    if os.geteuid() == 0:  # postgres refuses to run as root: its own user owns the cluster
        shutil.chown(workdir, "postgres", "postgres")
    server = PrivatePostgres(bindir, workdir)
    server.init()
    server.start()
    yield server
    server.stop("immediate")
    shutil.rmtree(workdir, ignore_errors=True)
