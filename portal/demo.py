"""`mymachi demo`: the bundled demo city on localhost, crawled into a SQLite file, served."""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import tomli_w
import uvicorn

from portal.context import CITY_FILE, AppContext
from portal.db.session import migrate, session_scope
from portal.ingest.sources import add_source, list_sources
from portal.settings import Settings

if TYPE_CHECKING:
    from democity.server import DemoCity

log = logging.getLogger(__name__)
LOOPBACK_ALLOW = "127.0.0.1,localhost"


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


CITY_PORT_TRIES = 10


def start_city(portal_port: int, city_port: int) -> DemoCity:
    """The demo city on `city_port`, else the next free port after it, never the portal's:
    the port a resident asks for (`make demo PORT=8100`) is the portal's, so the city moves.
    A stable port keeps the city's article URLs the same across demo restarts."""
    from democity.server import start_demo_city

    if city_port > 0:
        for candidate in range(city_port, min(city_port + CITY_PORT_TRIES, 65536)):
            if candidate == portal_port or not _port_free(candidate):
                continue
            try:
                return start_demo_city(port=candidate)
            except OSError:
                continue  # taken between the check and the bind
    while True:  # any free port the system picks, unless it picked the portal's
        city = start_demo_city(port=0)
        if urlsplit(city.base_url).port != portal_port:
            return city
        city.stop()


def write_city_file(city: object) -> None:
    """The demo city's wards as the city config (mymachi-city.toml) in the data folder."""
    document = {
        "name": city.name, "name_en": city.name_en,  # type: ignore[attr-defined]
        "area": [{"slug": ward.slug, "name": ward.name, "name_en": ward.name_en,
                  "aliases": list(ward.places)}
                 for ward in city.wards],  # type: ignore[attr-defined]
    }
    CITY_FILE.write_text(tomli_w.dumps(document), encoding="utf-8")


def run_demo(port: int = 8000, city_port: int = 8100) -> None:
    from democity import CITY
    from portal.app import create_app

    city = start_city(port, city_port)
    log.info("demo city %s serving %d department sites at %s", CITY.name, len(city.sources),
             city.base_url)
    write_city_file(CITY)
    base = Settings()
    allow = ",".join(filter(None, [base.crawl_allow, LOOPBACK_ALLOW]))
    # Demo sources are crawled often so the first feed fills within seconds.
    settings = base.model_copy(update={"crawl_allow": allow, "scheduler_tick_seconds": 20.0,
                                       "crawl_interval_seconds": 300})
    ctx = AppContext.build(settings)
    migrate(ctx.engine)
    with session_scope(ctx.sessions) as session:
        current = {s["url"] for s in city.sources}
        for old in list_sources(session):
            # Sources of an earlier demo run on another port would only fail: pause them.
            if old.url.startswith("http://127.0.0.1:") and old.url not in current:
                old.paused = True
        for spec in city.sources:
            add_source(session, spec["url"], spec["department"], kind=spec.get("kind", "auto"),
                       rules=spec.get("rules") or {}, poll_interval_seconds=300)
    print(f"\n  mymachi demo: http://127.0.0.1:{port}/  (demo city {CITY.name} at "
          f"{city.base_url})\n  editor accounts: mymachi create-editor (in this folder)\n",
          flush=True)
    try:
        uvicorn.run(create_app(settings, ctx, run_scheduler=True), host="127.0.0.1", port=port,
                    log_level="info")
    finally:
        city.stop()
