"""Fixtures: one real demo city server per module, on a free port, with a fixed anchor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from democity import DemoCity, start_demo_city

ANCHOR = date(2025, 6, 1)


@pytest.fixture(scope="session")
def anchor() -> date:
    return ANCHOR


@pytest.fixture(scope="module")
def city() -> Iterator[DemoCity]:
    running = start_demo_city(anchor=ANCHOR)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(city: DemoCity) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=city.base_url, timeout=10) as c:
        yield c
