"""The hostile city (tests/fixtures/hostile) crawled into a real portal and opened in Chromium:
no payload runs (with the page's CSP bypassed, so escaping alone is what is tested), no script
URL or event handler reaches the DOM, no request leaves the portal, and the editor reads every
bad source's problem in plain words."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer

from portal.context import AppContext
from portal.db.session import migrate, session_scope
from portal.editorial.editors import create_editor
from portal.ingest.crawl import crawl_sources
from portal.ingest.sources import add_source
from portal.settings import Settings
from tests.fixtures.hostile import EXPECTED_TITLES, SOURCES, XSS_MARK, serve_hostile_city
from tests.live_server import LiveServer
from tests.portal.conftest import city_file

PASSWORD = "correct-horse-battery"
# Run before any page script: a payload that runs sets the mark or opens a dialog.
TRAP = f"""
window.{XSS_MARK} = 0;
for (const name of ['alert', 'confirm', 'prompt']) {{
  window[name] = () => {{ window.{XSS_MARK} = 1; }};
}}
"""
# What must never be in the DOM: handlers, script URLs, active embedded content, foreign scripts.
DOM_PROBLEMS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
      if (attr.name.startsWith('on')) bad.push(`${el.tagName} ${attr.name}`);
      if (/^(javascript|vbscript|data):/.test(value) && !['alt', 'title', 'value',
          'content', 'aria-label'].includes(attr.name))
        bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const el of document.querySelectorAll('iframe,object,embed,frame,base,svg script'))
    bad.push(el.tagName);
  for (const el of document.scripts)
    if (!el.src || new URL(el.src).origin !== location.origin) bad.push('script ' + el.src);
  return bad;
}"""


@dataclass
class Watch:
    """Everything a page did that it must not: dialogs, foreign requests."""

    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def hostile_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("hostile")
    city = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    city.no_handler_status_code = 404  # no robots.txt: crawl freely
    city.start()
    serve_hostile_city(city)
    ctx = AppContext.build(Settings(
        database_url=f"sqlite:///{tmp / 'hostile.sqlite3'}", city_path=city_file(tmp),
        secret_key="browser-test-secret-0123456789", crawl_allow="127.0.0.1",
        crawl_timeout_seconds=5.0,
        # These test the console's pages, not its login: two-factor is tested elsewhere.
        require_admin_totp=False))
    migrate(ctx.engine)
    with session_scope(ctx.sessions) as session:
        for spec in SOURCES.values():
            add_source(session, city.url_for(spec.path), spec.department, kind=spec.kind)
        create_editor(session, "koho", PASSWORD, "admin")
    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever runs in this thread
        pool.submit(asyncio.run, crawl_sources(ctx, force=True)).result()
    server = LiveServer(ctx)
    url = server.start()
    yield url
    server.stop()
    city.clear()
    city.stop()
    ctx.engine.dispose()


@pytest.fixture
def browser(chromium) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Chromium whose contexts close after the test (open keep-alive connections would hold
    up the portal's shutdown)."""
    yield chromium
    for context in chromium.contexts:
        context.close()


def _open(chromium, origin: str):  # type: ignore[no-untyped-def]
    # CSP bypassed: the templates' escaping must hold on its own.
    context = chromium.new_context(locale="ja-JP", bypass_csp=True)
    context.add_init_script(TRAP)
    watch = Watch()

    def route(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith(("data:", "blob:", origin + "/")):
            route.continue_()
        else:
            watch.foreign.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
    return page, watch


def _assert_clean(page, watch: Watch) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")
    assert page.evaluate(f"window.{XSS_MARK}") == 0, page.url
    assert watch.dialogs == [], page.url
    assert watch.foreign == [], page.url
    assert page.evaluate(DOM_PROBLEMS) == [], page.url


def test_resident_pages_run_no_payload(browser, hostile_portal) -> None:
    page, watch = _open(browser, hostile_portal)
    page.goto(hostile_portal + "/")
    for box in page.locator("input[name=categories]").all():
        box.check()
    page.get_by_role("button", name="この内容でフィードを見る").click()
    page.wait_for_url("**/feed")
    _assert_clean(page, watch)
    shown: set[str] = set()
    reads: set[str] = set()
    for query in ("の", "img", "省エネ", "公園", "市報", "入れ子"):
        page.goto(f"{hostile_portal}/search?q={query}")
        _assert_clean(page, watch)
        shown.update(page.locator("li.card h3").all_inner_texts())
        reads.update(page.locator("li.card h3 a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"))
    # "Read" sends the resident on to the department's own page: always a web address.
    for href in sorted(reads):
        answer = page.request.get(hostile_portal + href, max_redirects=0)
        assert answer.status == 303
        assert re.match(r"http://127\.0\.0\.1:\d+/articles/", answer.headers["location"])
    for title in EXPECTED_TITLES:  # every good entry made it to the resident
        assert any(title in s for s in shown), (title, shown)
    # Markup-looking text in a title is shown as text, not dropped and not parsed.
    assert any(s.startswith("<img src=x onerror=") for s in shown), shown


def _log_in(chromium, origin: str):  # type: ignore[no-untyped-def]
    page, watch = _open(chromium, origin)
    page.goto(origin + "/editor/login")
    page.get_by_label("ユーザー名").fill("koho")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(origin + "/editor/")
    return page, watch


def test_editor_sees_each_bad_source_in_words_and_runs_nothing(browser, hostile_portal) -> None:
    page, watch = _log_in(browser, hostile_portal)
    _assert_clean(page, watch)
    page.goto(hostile_portal + "/editor/sources")
    _assert_clean(page, watch)
    for spec in SOURCES.values():
        row = page.locator("tr", has=page.locator("code", has_text=re.compile(
            re.escape(spec.path) + "$")))
        text = row.inner_text()
        if spec.error_kind is not None:
            assert spec.words in text, (spec.path, text)
    rss = page.locator("tr", has=page.locator("code", has_text=re.compile(r"/rss\.xml$")))
    assert "javascript:window.__pwned=1" in rss.inner_text()  # named, as text

    page.goto(hostile_portal + "/editor/articles")
    _assert_clean(page, watch)
    for article_id in _article_ids(page):
        page.goto(f"{hostile_portal}/editor/articles/{article_id}")
        _assert_clean(page, watch)

    # The test fetch of a new source shows the hostile feed's titles as text.
    page.goto(hostile_portal + "/editor/sources")
    page.locator("#source-url").fill(_city_url(page, "/rss.xml?again=1"))  # not yet a source
    page.locator("#source-department").fill("子育て支援課")
    page.get_by_role("button", name="試し取得").click()
    page.locator(".preview").wait_for()
    _assert_clean(page, watch)
    assert "予防接種のお知らせ" in page.locator(".preview").inner_text()


def _article_ids(page) -> list[int]:  # type: ignore[no-untyped-def]
    hrefs = page.locator("a[href^='/editor/articles/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    ids = {int(m[1]) for h in hrefs if (m := re.match(r"/editor/articles/(\d+)$", h))}
    assert len(ids) >= len(EXPECTED_TITLES)
    return sorted(ids)


def _city_url(page, path: str) -> str:  # type: ignore[no-untyped-def]
    """The hostile city's address, as the source list shows it."""
    listed = page.locator("code", has_text=re.compile(r"/rss\.xml$")).first.inner_text()
    parts = urlsplit(listed)
    return f"{parts.scheme}://{parts.netloc}{path}"

