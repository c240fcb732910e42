"""The production image, read from its files (no Docker engine runs here): runtime
dependencies only, pinned bases, a health check."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _locked(path: Path) -> set[str]:
    names = re.findall(r"^([A-Za-z0-9_.-]+)==", path.read_text(encoding="utf-8"), re.MULTILINE)
    return {name.lower().replace("_", "-") for name in names}


def _requirement_names(specs: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=;!~]", spec, maxsplit=1)[0].lower().replace("_", "-")
            for spec in specs}


def test_the_runtime_lock_holds_every_runtime_dependency_and_no_test_tool() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, dev = _locked(ROOT / "requirements.lock"), _locked(ROOT / "requirements-dev.lock")
    assert _requirement_names(project["dependencies"]) <= runtime
    dev_tools = _requirement_names(project["optional-dependencies"]["dev"])
    assert dev_tools <= dev
    assert not dev_tools & runtime, dev_tools & runtime
    assert runtime < dev  # the dev lock is the runtime set plus the tools


def test_the_image_installs_the_runtime_lock_as_a_wheel_with_production_assets() -> None:
    installs = re.findall(r"pip install [^\n]*", DOCKERFILE)
    assert any("--require-hashes -r requirements.lock" in line for line in installs)
    assert "requirements-dev.lock" not in DOCKERFILE
    assert not any(" -e " in line or "--editable" in line for line in installs)
    assert "npm ci --omit=dev" in DOCKERFILE


def test_base_images_are_pinned_to_exact_versions() -> None:
    bases = re.findall(r"^FROM\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert bases
    for image in bases:
        assert re.fullmatch(r"[a-z0-9./-]+:\d+\.\d+\.\d+[a-z0-9.-]*", image), image
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for image in re.findall(r"^\s+image:\s*(\S+)", compose, re.MULTILINE):
        if image.startswith("mymachi:"):
            continue  # built here
        assert re.fullmatch(r"[a-z0-9./-]+:\d+\.\d+(\.\d+)?[a-z0-9.-]*", image), image


def test_the_image_has_a_health_check() -> None:
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", DOCKERFILE, re.MULTILINE)
