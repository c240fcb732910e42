"""Ops files: docker-compose.yml (validated by the real Compose CLI) and the Makefile targets
that the README documents. No Docker engine is needed: `compose config` only parses."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"web": "serve", "worker": "worker", "scheduler": "scheduler"}


def _compose_cmd() -> list[str] | None:
    """`docker compose` (v2 plugin) if present, else the standalone `docker-compose`."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture(scope="module")
def compose() -> dict:
    cmd = _compose_cmd()
    if cmd is None:
        if shutil.which("docker") is None and not os.environ.get("CI"):
            pytest.skip("no docker / docker-compose binary on this machine")
        pytest.fail(
            "no Compose CLI: install Debian package docker-compose "
            "(or the docker compose v2 plugin); .ci/run does this"
        )
    # Interpolate with the defaults, not with whatever the developer has exported.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYMACHI_", "POSTGRES_"))}
    if cmd == ["docker", "compose"]:
        args = [*cmd, "config", "--format", "json"]
    else:  # Compose v1 prints YAML only
        args = [*cmd, "config"]
    proc = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stderr}"
    if args[-1] == "json":
        return json.loads(proc.stdout)
    import yaml

    return yaml.safe_load(proc.stdout)


def _command(service: dict) -> list[str]:
    cmd = service.get("command")
    return cmd.split() if isinstance(cmd, str) else list(cmd or [])


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: ("" if v is None else str(v)) for k, v in env.items()}


def test_services_present(compose: dict) -> None:
    services = set(compose["services"])
    assert {"web", "worker", "scheduler", "postgres", "redis"} <= services


def test_app_services_share_one_image_and_build(compose: dict) -> None:
    svcs = compose["services"]
    images = {svcs[name].get("image") for name in APP_SERVICES}
    builds = {json.dumps(svcs[name].get("build"), sort_keys=True) for name in APP_SERVICES}
    assert len(images) == 1 and None not in images, images
    assert len(builds) == 1, builds
    build = svcs["web"]["build"]
    context = build["context"] if isinstance(build, dict) else build
    assert Path(context).resolve() == ROOT
    assert (ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize(("name", "sub"), sorted(APP_SERVICES.items()))
def test_app_service_command(compose: dict, name: str, sub: str) -> None:
    cmd = _command(compose["services"][name])
    assert cmd[:2] == ["mymachi", sub], cmd


def test_web_is_scalable(compose: dict) -> None:
    svcs = compose["services"]
    for name in ("web", "worker"):
        assert "container_name" not in svcs[name], f"{name} must be scalable"
    web_cmd = _command(svcs["web"])
    assert "0.0.0.0" in web_cmd and "8000" in web_cmd
    targets = {str(p.get("target")) for p in svcs["web"].get("ports", []) if isinstance(p, dict)}
    assert targets == {"8000"}


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_service_points_at_postgres_and_redis(compose: dict, name: str) -> None:
    svc = compose["services"][name]
    env = _environment(svc)
    db_url = env["MYMACHI_DATABASE_URL"]
    assert re.match(r"^postgresql\+psycopg://[^@/]+@postgres:5432/\w+$", db_url), db_url
    assert re.match(r"^redis://redis:6379/\d+$", env["MYMACHI_REDIS_URL"])
    assert env.get("MYMACHI_SECRET_KEY")
    deps = svc.get("depends_on") or {}
    if isinstance(deps, dict):
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"
    else:
        assert {"postgres", "redis"} <= set(deps)


def test_migrations_run_before_the_app(compose: dict) -> None:
    svcs = compose["services"]
    assert _command(svcs["migrate"])[:2] == ["mymachi", "migrate"]
    for name in APP_SERVICES:
        cond = svcs[name]["depends_on"]["migrate"]["condition"]
        assert cond == "service_completed_successfully"


def test_backing_services_have_healthchecks(compose: dict) -> None:
    svcs = compose["services"]
    assert svcs["postgres"]["image"].startswith("postgres:16")
    assert svcs["redis"]["image"].startswith("redis:7")
    for name in ("postgres", "redis"):
        assert svcs[name].get("healthcheck", {}).get("test"), name
    assert any(
        str(v).endswith(":/var/lib/postgresql/data") or "/var/lib/postgresql/data" in str(v)
        for v in svcs["postgres"].get("volumes", [])
    )


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


def test_makefile_has_documented_targets() -> None:
    targets = _make_targets()
    assert {"demo", "test", "venv", "assets", "lint"} <= targets
    # `make X` inside code: fenced blocks and inline `...` spans of the README.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```.*?```", readme, flags=re.DOTALL)
    code += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", readme, flags=re.DOTALL))
    documented = {t for c in code for t in re.findall(r"(?:^|[\s;&|$])make\s+([a-z][\w-]*)", c)}
    missing = documented - targets
    assert not missing, f"README mentions make targets the Makefile lacks: {missing}"


def test_make_test_runs_services_then_pytest() -> None:
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    proc = subprocess.run(
        ["make", "-n", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "scripts/services.sh" in out and ".venv/bin/pytest" in out
    assert out.index("scripts/services.sh") < out.index(".venv/bin/pytest")
