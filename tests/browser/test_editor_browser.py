"""Editors in a real browser: an emergency published from the console appears on a resident
page that is already open, without a reload; every console page passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.context import AppContext
from portal.db.session import migrate, session_scope
from portal.editorial.editors import create_editor
from portal.settings import Settings
from tests.browser.conftest import run_axe
from tests.live_server import LiveServer
from tests.portal.conftest import city_file
from tests.portal.resident_seed import seed_articles

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def console_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("editor-browser")
    ctx = AppContext.build(Settings(
        database_url=f"sqlite:///{tmp / 'editor.sqlite3'}", city_path=city_file(tmp),
        secret_key="browser-test-secret-0123456789",
        # These test the console's pages, not its login: two-factor is tested elsewhere.
        require_admin_totp=False))
    migrate(ctx.engine)
    seed_articles(ctx)
    with session_scope(ctx.sessions) as session:
        create_editor(session, "koho", PASSWORD, "admin")
    server = LiveServer(ctx)
    url = server.start()
    yield url
    server.stop()
    ctx.engine.dispose()


def _log_in(browser, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_context(locale="ja-JP", bypass_csp=True).new_page()
    page.goto(url + "/editor/login")
    page.get_by_label("ユーザー名").fill("koho")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(url + "/editor/")
    return page


def test_emergency_reaches_an_open_page_without_reload(chromium, console_url) -> None:
    resident = chromium.new_context(locale="ja-JP").new_page()
    # Listen before any page script runs, so the stream's opening is never missed.
    resident.add_init_script("window.__sseOpen = false; document.addEventListener("
                             "'htmx:sseOpen', () => { window.__sseOpen = true; });")
    resident.goto(console_url + "/")
    resident.get_by_label("防災・安全").check()
    resident.get_by_role("button", name="この内容でフィードを見る").click()
    resident.wait_for_url("**/feed")
    resident.evaluate("window.__notReloaded = true")
    # Publish only once the stream is open: the notice must arrive as a push, not as the
    # state of a connection made after it was published.
    resident.wait_for_function("window.__sseOpen === true", timeout=10000)

    editor = _log_in(chromium, console_url)
    # Three clicks: the title field, (typing), the publish button.
    editor.get_by_label("件名").first.click()
    editor.keyboard.type("避難指示 北山区全域")
    editor.get_by_role("button", name="緊急として全員に掲載").click()
    editor.wait_for_url("**/editor/?flash=*")

    banner = resident.locator("#live-notices [role=alert]", has_text="避難指示 北山区全域")
    banner.wait_for(timeout=5000)
    assert resident.evaluate("window.__notReloaded") is True


@pytest.mark.parametrize("path", [
    "/editor/login", "/editor/", "/editor/notices/new", "/editor/sources",
    "/editor/accounts", "/editor/audit", "/editor/analytics", "/editor/articles",
])
def test_console_pages_have_no_axe_violations(chromium, console_url, path) -> None:
    if path == "/editor/login":
        page = chromium.new_context(bypass_csp=True).new_page()
        page.goto(console_url + path)
    else:
        page = _log_in(chromium, console_url)
        page.goto(console_url + path)
    assert run_axe(page) == []
