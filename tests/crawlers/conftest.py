"""Shared fixtures: a real threaded HTTP server on 127.0.0.1 and a Fetcher allowed to reach it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from crawlers import Fetcher

FIXTURES = Path(__file__).parent / "fixtures"
CITY = "https://city.midori.example.jp"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Raw bytes of tests/crawlers/fixtures/NAME (encoded fixtures stay as they are)."""
    return lambda name: (FIXTURES / name).read_bytes()


@pytest.fixture
def city_fixture(httpserver: HTTPServer) -> Callable[[str], str]:
    """A UTF-8 fixture with the city's URLs pointed at the local test server."""
    base = httpserver.url_for("").rstrip("/")
    return lambda name: (FIXTURES / name).read_text(encoding="utf-8").replace(CITY, base)


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    # Threaded, and bound to 127.0.0.1 (not "localhost", which may also resolve to ::1),
    # so a slow handler in the timeout test does not stall the other tests.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture(autouse=True)
def site_without_robots_txt(httpserver: HTTPServer) -> None:
    """Unregistered paths answer 404 (pytest-httpserver says 500), so a test site without a
    robots.txt looks like one to the crawler: RFC 9309 treats a 5xx robots.txt as "disallow"."""
    httpserver.no_handler_status_code = 404


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(
        allow="127.0.0.1", politeness_delay=0, read_timeout=2, total_timeout=5
    ) as client:
        yield client
