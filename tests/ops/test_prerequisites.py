"""scripts/prerequisites.sh: what `make test` and .ci/run install on a fresh machine.

Run against stub commands (a PATH of our own and an apt-get that only records its
arguments), so nothing is installed and no network is used."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "prerequisites.sh"


def _stub(bin_dir: Path, name: str, body: str = "exit 0") -> Path:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def _machine(tmp_path: Path, *present: str) -> tuple[dict[str, str], Path]:
    """A PATH holding only `present` commands (stubs), python3, id (root) and apt-get."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    _stub(bin_dir, "apt-get", f'echo "$*" >> {log}')
    _stub(bin_dir, "id", "echo 0")
    python3 = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")  # not the venv's
    assert python3 is not None
    (bin_dir / "python3").symlink_to(python3)
    for name in present:
        _stub(bin_dir, name)
    chromium = bin_dir / "chromium" if "chromium" in present else tmp_path / "no-chromium"
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "MYMACHI_CHROMIUM": str(chromium)}
    return env, log


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["/bin/bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_a_fresh_machine_gets_every_missing_tool(tmp_path: Path) -> None:
    env, log = _machine(tmp_path)
    proc = _run(env)
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("update")
    installed = set(calls[1].split())
    assert calls[1].startswith("install -y")
    assert {"make", "nodejs", "npm", "chromium", "caddy", "docker-compose",
            "redis-server", "wrk"} <= installed


def test_compose_v2_plugin_means_no_docker_compose_package(tmp_path: Path) -> None:
    env, log = _machine(tmp_path, "docker")  # `docker compose version` succeeds
    assert _run(env).returncode == 0
    assert "docker-compose" not in log.read_text().split()


def test_nothing_is_installed_when_everything_is_there(tmp_path: Path) -> None:
    env, log = _machine(tmp_path, "make", "npm", "chromium", "caddy", "docker-compose",
                        "redis-server", "wrk")
    proc = _run(env)
    assert proc.returncode == 0 and "all system tools present" in proc.stdout
    assert not log.exists()


def test_make_test_and_ci_run_the_same_script_first() -> None:
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    env = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"}
    out = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True, env=env).stdout
    assert "scripts/prerequisites.sh" in out
    assert out.index("scripts/prerequisites.sh") < out.index(".venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/prerequisites.sh" in ci
    assert ci.index("bash scripts/prerequisites.sh") < ci.index("make venv assets")
    assert "apt-get" not in ci  # one list of system tools, in the script
