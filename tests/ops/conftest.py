"""Fixtures for running the production pieces as processes (see tests/processes.py), the way
docker-compose.yml runs them, against the real PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.processes import Processes, processes_in, production_env


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    """The environment compose gives web/worker/scheduler, on a freshly emptied database."""
    _reset_postgres(POSTGRES_URL)
    return production_env(tmp_path, POSTGRES_URL, redis_url)


@pytest.fixture
def processes(tmp_path: Path, env: dict[str, str]) -> Iterator[Processes]:
    yield from processes_in(env, tmp_path)
