"""Fixtures for running the production pieces as processes (see tests/ops/processes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.processes import Processes, app_env


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    return app_env(tmp_path, redis_url)


@pytest.fixture
def processes(tmp_path: Path, env: dict[str, str]) -> Iterator[Processes]:
    group = Processes(tmp_path, env)
    yield group
    group.stop()
