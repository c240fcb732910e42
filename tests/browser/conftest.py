"""Browser tests: the real portal on a loopback port, driven by Playwright in Debian's
Chromium (/usr/bin/chromium; never a downloaded browser build)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.context import AppContext
from portal.db.session import migrate
from portal.settings import Settings
from tests.live_server import LiveServer
from tests.portal.conftest import city_file
from tests.portal.resident_seed import seed_articles

CHROMIUM = Path(os.environ.get("MYMACHI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.exists()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need {', '.join(missing)} (see .ci/run)")
        pytest.skip(f"not installed: {', '.join(missing)}")


@pytest.fixture(scope="session")
def portal_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    tmp = tmp_path_factory.mktemp("browser")
    settings = Settings(database_url=f"sqlite:///{tmp / 'browser.sqlite3'}",
                        secret_key="browser-test-secret-0123456789", city_path=city_file(tmp),
                        public_url="http://127.0.0.1",
                        # Email on (the notifications page shows its form); nothing listens
                        # there, so queued mail just waits.
                        smtp_url="smtp://127.0.0.1:9", mail_from="mymachi <news@example.jp>")
    ctx = AppContext.build(settings)
    migrate(ctx.engine)
    seed_articles(ctx)
    server = LiveServer(ctx)
    url = server.start()
    yield url
    server.stop()
    ctx.engine.dispose()


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, which async tests that run later (pytest-asyncio) must not find.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def run_axe(page: object) -> list[dict[str, object]]:
    """axe-core (npm) injected into the page; WCAG 2.1 A/AA rules plus best practices."""
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        """async () => (await axe.run(document, {runOnly: {type: 'tag', values:
             ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
    )
    return list(result)

