"""Portal fixtures: a demo city on localhost, app contexts on real storage."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from democity import CITY
from democity.server import start_demo_city
from portal.app import create_app
from portal.context import AppContext
from portal.db.session import migrate, session_scope
from portal.ingest.crawl import crawl_sources
from portal.ingest.sources import add_source
from portal.settings import Settings


@pytest.fixture(scope="session")
def demo_city() -> Iterator[object]:
    city = start_demo_city(port=0)
    yield city
    city.stop()


def city_file(tmp_path: Path) -> Path:
    path = tmp_path / "city.toml"
    lines = [f'name = "{CITY.name}"']
    for ward in CITY.wards:
        aliases = ", ".join(f'"{p}"' for p in ward.places)
        lines += ["[[area]]", f'slug = "{ward.slug}"', f'name = "{ward.name}"',
                  f'name_en = "{ward.name_en}"', f"aliases = [{aliases}]"]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def make_ctx(tmp_path: Path):
    built: list[AppContext] = []

    def build(database_url: str, redis_url: str | None = None, **overrides: object) -> AppContext:
        values: dict[str, object] = {
            "database_url": database_url, "redis_url": redis_url, "crawl_allow": "127.0.0.1",
            "secret_key": "test-secret-key-0123456789", "city_path": city_file(tmp_path),
            "crawl_timeout_seconds": 3.0,
        }
        settings = Settings(**(values | overrides))
        ctx = AppContext.build(settings)
        migrate(ctx.engine)
        built.append(ctx)
        return ctx

    yield build
    for ctx in built:
        ctx.close()


def add_demo_sources(ctx: AppContext, city: object) -> None:
    with session_scope(ctx.sessions) as session:
        for spec in city.sources:  # type: ignore[attr-defined]
            add_source(session, spec["url"], spec["department"], kind=spec.get("kind", "auto"),
                       rules=spec.get("rules") or {})


@pytest.fixture
def client_for():
    clients: list[TestClient] = []

    def build(ctx: AppContext) -> TestClient:
        # From loopback, as an operator on the host would be (/metrics answers only that).
        client = TestClient(create_app(ctx.settings, ctx, run_scheduler=False),
                            client=("127.0.0.1", 50000))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def crawled_demo_city(tmp: Path, demo_city: object, name: str) -> AppContext:
    """The demo city crawled once into a fresh SQLite file: for a module's fixture, since
    crawling is the slow part. The caller disposes of the engine."""
    settings = Settings(database_url=f"sqlite:///{tmp / f'{name}.sqlite3'}",
                        crawl_allow="127.0.0.1", secret_key="test-secret-key-0123456789",
                        city_path=city_file(tmp))
    ctx = AppContext.build(settings)
    migrate(ctx.engine)
    add_demo_sources(ctx, demo_city)
    asyncio.run(crawl_sources(ctx, force=True))
    return ctx
