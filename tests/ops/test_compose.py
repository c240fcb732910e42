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


def _config_env(**extra: str) -> dict[str, str]:
    """The environment compose interpolates with: defaults, not whatever the developer has
    exported, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYMACHI_", "POSTGRES_"))}
    return env | extra


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
    env = _config_env(MYMACHI_SECRET_KEY="compose-test-secret")
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


def test_compose_refuses_to_start_without_a_secret_key(compose: dict) -> None:
    cmd = _compose_cmd()
    assert cmd is not None
    proc = subprocess.run([*cmd, "config", "-q"], cwd=ROOT, env=_config_env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode != 0
    assert "MYMACHI_SECRET_KEY" in proc.stderr
    for name in APP_SERVICES:
        assert _environment(compose["services"][name])["MYMACHI_SECRET_KEY"] == \
            "compose-test-secret"


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


def _published(service: dict) -> list[dict]:
    return [p for p in service.get("ports", []) if isinstance(p, dict) and p.get("published")]


def _mounts(service: dict) -> dict[str, str]:
    """Container path → volume name or host path (Compose v2 JSON or v1 YAML)."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            mounts[volume["target"]] = str(volume.get("source"))
        else:
            source, target = volume.split(":")[:2]
            mounts[target] = source
    return mounts


@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_scale(compose: dict, name: str) -> None:
    """`--scale web=3 --scale worker=2` must not collide: no fixed name, no host port."""
    svc = compose["services"][name]
    assert "container_name" not in svc, f"{name} must be scalable"
    assert not _published(svc), f"{name} publishes a host port: replicas would collide"


def test_only_the_proxy_publishes_ports(compose: dict) -> None:
    published = {name for name, svc in compose["services"].items() if _published(svc)}
    assert published == {"proxy"}, published
    targets = {str(p["target"]) for p in _published(compose["services"]["proxy"])}
    assert "80" in targets


def test_proxy_routes_to_every_web_replica(compose: dict) -> None:
    svcs = compose["services"]
    web_cmd = _command(svcs["web"])
    port = web_cmd[web_cmd.index("--port") + 1]
    assert web_cmd[web_cmd.index("--host") + 1] == "0.0.0.0"
    assert port in {str(p) for p in svcs["web"].get("expose", [])}
    proxy = svcs["proxy"]
    assert proxy["image"].startswith("caddy:2")
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    config = Path(_mounts(proxy)["/etc/caddy/Caddyfile"])
    assert config.resolve() == ROOT / "deploy" / "Caddyfile"
    caddyfile = config.read_text(encoding="utf-8")
    # Upstreams are every A record of the service name, re-resolved: replicas come and go.
    upstream = re.search(r"^\s*dynamic\s+a\s+(\S+)\s+(\d+)", caddyfile, flags=re.MULTILINE)
    assert upstream and upstream.groups() == ("web", port), upstream
    # The web replicas believe the proxy's X-Forwarded-For/-Proto.
    assert _environment(svcs["web"]).get("MYMACHI_TRUSTED_PROXIES")


def test_web_worker_scheduler_share_the_data_volume(compose: dict) -> None:
    """Models a worker fits are read by web and the other workers: one named volume."""
    svcs = compose["services"]
    seen = set()
    for name in APP_SERVICES:
        data_dir = _environment(svcs[name])["MYMACHI_DATA_DIR"]
        source = _mounts(svcs[name]).get(data_dir)
        assert source, f"{name}: nothing mounted at MYMACHI_DATA_DIR={data_dir}"
        seen.add((data_dir, source))
    assert len(seen) == 1, seen
    ((_, volume),) = seen
    assert volume in (compose.get("volumes") or {}), f"{volume} is not a named volume"


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


@pytest.mark.parametrize("name", ["web", "worker", "scheduler"])
def test_app_services_have_healthchecks(compose: dict, name: str) -> None:
    check = compose["services"][name]["healthcheck"]
    test = " ".join(check["test"]) if isinstance(check["test"], list) else check["test"]
    assert "urlopen" in test and ("/healthz" in test or "/metrics" in test)


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


@pytest.mark.parametrize("address", [":80", "portal.city.example.jp"])
def test_caddyfile_is_valid(tmp_path: Path, address: str) -> None:
    """The proxy's config as Caddy itself reads it, for plain HTTP and for a public name."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy not installed (Debian package caddy)")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
           "MYMACHI_SITE_ADDRESS": address}
    proc = subprocess.run(
        [caddy, "adapt", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter",
         "caddyfile"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    server = json.loads(proc.stdout)["apps"]["http"]["servers"]["srv0"]
    handler = server["routes"][0]["handle"][0]
    if address != ":80":  # a host name: the route matches it (and Caddy adds HTTPS)
        handler = handler["routes"][0]["handle"][0]
    assert handler["handler"] == "reverse_proxy"
    assert handler["dynamic_upstreams"] == {"source": "a", "name": "web", "port": "8000",
                                            "refresh": 5_000_000_000}


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
