"""A resident's whole journey in a real browser, with JavaScript and without, in Japanese
and English; keyboard-only onboarding; axe-core on every page type."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import run_axe

TEXT = {
    "ja": {"submit": "この内容でフィードを見る", "feed": "マイフィード", "saved": "保存した記事",
           "save": "保存", "my_data": "データと端末", "export": "JSONで書き出す",
           "confirm": "すべて削除することを確認しました", "delete": "すべて削除する",
           "deleted": "データを削除しました", "preview": "プレビューを表示", "deadline": "締切"},
    "en": {"submit": "Show my feed", "feed": "My feed", "saved": "Saved", "save": "Save",
           "my_data": "Your data", "export": "Download JSON",
           "confirm": "I understand that everything will be deleted",
           "delete": "Delete everything", "deleted": "Your data is deleted",
           "preview": "Preview", "deadline": "Deadline"},
}
ARTICLE = "保育園の入園申込みについて"


def _context(chromium, *, javascript: bool = True, width: int = 1280):  # type: ignore[no-untyped-def]
    # A Japanese resident's browser: without a chosen language, Accept-Language decides.
    return chromium.new_context(java_script_enabled=javascript, bypass_csp=True, locale="ja-JP",
                                accept_downloads=True, viewport={"width": width, "height": 900})


@pytest.mark.parametrize(("javascript", "lang"), [(True, "ja"), (False, "ja"), (True, "en")],
                         ids=["js-ja", "nojs-ja", "js-en"])
def test_onboarding_feed_feedback_saved_export_delete(chromium, portal_url, javascript,
                                                      lang) -> None:
    words = TEXT[lang]
    context = _context(chromium, javascript=javascript)
    page = context.new_page()
    page.goto(portal_url + ("/lang/en" if lang == "en" else "/"))
    assert page.get_attribute("html", "lang") == lang
    page.get_by_label("子育て・教育" if lang == "ja" else "Childcare & education").check()
    if lang == "en":
        page.get_by_label("English").check()
    # The preview: live with htmx, by a button (a full page) without JavaScript.
    if not javascript:
        page.get_by_role("button", name=words["preview"]).click()
    preview = page.locator("#preview")
    preview.get_by_text(ARTICLE).wait_for()
    page.get_by_role("button", name=words["submit"]).click()
    page.wait_for_url("**/feed")
    assert page.get_attribute("html", "lang") == lang
    assert page.get_by_role("heading", level=1).inner_text() == words["feed"]
    card = page.locator("li.card", has_text=ARTICLE).first
    assert words["deadline"] in card.inner_text()
    save = card.get_by_role("button", name=words["save"], exact=True)
    assert save.get_attribute("aria-pressed") == "false"
    url_before = page.url
    save.click()
    pressed = page.locator("li.card", has_text=ARTICLE).first.get_by_role(
        "button", name=words["save"], exact=True)
    page.wait_for_function(
        "id => document.getElementById(id)?.getAttribute('aria-pressed') === 'true'",
        arg=pressed.get_attribute("id"))
    if javascript:  # swapped in place: same page, focus kept on the button
        assert page.url == url_before
        assert page.evaluate("document.activeElement.id") == pressed.get_attribute("id")
    page.get_by_role("navigation").get_by_role("link", name=words["saved"]).click()
    page.get_by_role("heading", name=ARTICLE).wait_for()
    page.get_by_role("navigation").get_by_role("link", name=words["my_data"]).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=words["export"]).click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["categories"] == ["childcare"] and exported["language"] == lang
    assert [f["kind"] for f in exported["feedback"]] == ["save"]
    page.get_by_label(words["confirm"]).check()
    page.get_by_role("button", name=words["delete"]).click()
    page.get_by_text(words["deleted"]).wait_for()
    assert not [c for c in context.cookies() if c["name"] == "mymachi_profile"]
    page.goto(portal_url + "/feed")
    assert not page.url.endswith("/feed")  # no profile any more: back to onboarding
    context.close()


def test_keyboard_only_onboarding(chromium, portal_url) -> None:
    context = _context(chromium)
    page = context.new_page()
    page.goto(portal_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")  # skip to main content
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "categories":
            break
    focused = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }""")
    assert focused, "the focused checkbox has no visible focus indicator"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/feed")
    assert page.locator("li.card").count() >= 1
    context.close()


RESIDENT_PAGES = ["/feed", "/saved", "/search?q=防災", "/search", "/settings", "/my-data",
                  "/notifications", "/transfer", "/privacy", "/accessibility", "/no-such-page",
                  "/editor/login"]


@pytest.mark.parametrize("lang", ["ja", "en", "zh", "ko", "vi"])
def test_axe_reports_no_violations_on_any_page_type(chromium, portal_url, lang) -> None:
    context = _context(chromium, width=360)
    page = context.new_page()
    page.goto(portal_url + f"/lang/{lang}")
    found = {"/ (onboarding)": run_axe(page)}
    page.get_by_label("防災・安全" if lang == "ja" else "Disaster prevention & safety").check()
    page.locator("#preview li").first.wait_for()
    found["/ (with preview)"] = run_axe(page)
    page.locator("button.primary").click()
    page.wait_for_url("**/feed")
    page.locator("li.card button[value=save]").first.click()
    page.locator("li.card [role=status]").first.wait_for()
    found["/feed (after feedback)"] = run_axe(page)
    page.goto(portal_url + "/my-data")
    page.locator("form[action='/my-data/transfer'] button").click()
    found["/my-data (transfer code)"] = run_axe(page)
    page.goto(portal_url + "/notifications")
    page.locator("#address").fill("not-an-address@")
    page.locator("#address").evaluate("e => e.type = 'text'")  # past the browser's own check
    page.locator("form[action='/notifications'] button[type=submit]").click()
    found["/notifications (error)"] = run_axe(page)
    page.locator("#address").fill(f"axe-{lang}@example.jp")
    page.locator("form[action='/notifications'] button[type=submit]").click()
    found["/notifications (pending)"] = run_axe(page)
    for path in RESIDENT_PAGES:
        page.goto(portal_url + path)
        found[path] = run_axe(page)
        # Usable at small widths: nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    violations = {path: v for path, v in found.items() if v}
    assert violations == {}, json.dumps(violations, ensure_ascii=False, indent=1)
    context.close()


def test_feed_more_button_works_without_javascript(chromium, portal_url) -> None:
    context = _context(chromium, javascript=False)
    page = context.new_page()
    page.goto(portal_url + "/")
    page.locator("input[name=categories]").first.check()
    page.locator("button.primary").click()
    page.wait_for_url("**/feed")
    assert re.search(r"/feed$", page.url)
    assert page.locator("#feed-items li.card").count() >= 1
    context.close()


def test_notifications_subscribe_and_stop_without_javascript(chromium, portal_url) -> None:
    context = _context(chromium, javascript=False)
    page = context.new_page()
    page.goto(portal_url + "/")
    page.get_by_label("防災・安全").check()
    page.locator("button.primary").click()
    page.wait_for_url("**/feed")
    page.get_by_role("link", name="お知らせの受け取り方").click()
    page.wait_for_url("**/notifications")
    page.get_by_label("メールアドレス").fill("nojs@example.jp")
    page.get_by_label("毎日").check()
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url("**/notifications?done=subscribed")
    assert "nojs@example.jp" in page.locator("ul.subscriptions").inner_text()
    assert "確認待ち" in page.locator("ul.subscriptions").inner_text()
    page.locator("ul.subscriptions button").click()
    page.wait_for_url("**/notifications?done=stopped")
    assert page.locator("ul.subscriptions").count() == 0


def test_an_english_browser_gets_english_without_a_cookie(chromium, portal_url) -> None:
    context = chromium.new_context(locale="en-US", bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.goto(portal_url + "/search?q=ゴミ")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("heading", name="Search notices").is_visible()
    assert run_axe(page) == []
    context.close()
