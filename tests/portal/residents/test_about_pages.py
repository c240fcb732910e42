"""The privacy page and the accessibility statement: ja/en, linked from every footer."""

from __future__ import annotations

import re

import pytest

from portal.i18n import t
from portal.routes.about import ACCESSIBILITY_TESTED_ON, AXE_TESTED_PAGES
from tests.browser.test_resident_browser import RESIDENT_PAGES
from tests.portal.resident_seed import seed_articles


@pytest.fixture
def client(make_ctx, client_for, sqlite_url):  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url, profile_retention_days=123)
    seed_articles(ctx)
    return client_for(ctx)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_privacy_page_says_what_where_how_long_and_how_to_erase(client, lang) -> None:
    html = client.get(f"/privacy?lang={lang}").text
    assert f'<html lang="{lang}">' in html
    for key in ("privacy.title", "privacy.stored_heading", "privacy.where_heading",
                "privacy.how_long_heading", "privacy.erase_heading"):
        assert t(key, lang) in html
    assert "123" in html  # the retention setting in use, not a number written in the text
    assert 'href="/my-data"' in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_accessibility_statement_names_standard_pages_and_date(client, lang) -> None:
    html = client.get(f"/accessibility?lang={lang}").text
    assert t("access.title", lang) in html and "JIS X 8341-3:2016" in html
    assert f'datetime="{ACCESSIBILITY_TESTED_ON.isoformat()}"' in html
    for path in AXE_TESTED_PAGES:
        assert f"<code>{path}</code>" in html


def test_the_statement_lists_the_pages_the_browser_tests_check() -> None:
    tested = {re.sub(r"\?.*", "", p) for p in RESIDENT_PAGES} - {"/no-such-page"}
    assert tested <= set(AXE_TESTED_PAGES)


@pytest.mark.parametrize("path", ["/", "/search", "/settings", "/transfer", "/privacy",
                                  "/accessibility", "/editor/login", "/no-such-page"])
def test_every_page_footer_links_both(client, path) -> None:
    html = client.get(path, headers={"accept": "text/html"}).text
    footer = html[html.index('<footer'):]
    assert 'href="/privacy"' in footer and 'href="/accessibility"' in footer
