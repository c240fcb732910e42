"""The real Content-Security-Policy in a real browser: the other browser tests bypass it (to
inject axe-core), so this one proves htmx, live previews and in-place feedback still work
under it, and that no page asks the browser to run or apply anything inline."""

from __future__ import annotations


def test_pages_work_under_the_csp_without_violations(chromium, portal_url) -> None:
    context = chromium.new_context(locale="ja-JP")  # CSP enforced, JavaScript on
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    page.goto(portal_url + "/")
    page.locator("input[name=categories]").first.check()
    page.locator("#preview li").first.wait_for()  # the live preview came in through htmx
    page.locator("button.primary").click()
    page.wait_for_url("**/feed")
    url = page.url
    save = page.locator("li.card button[value=save]").first
    save_id = save.get_attribute("id")
    save.click()
    page.wait_for_function(
        "id => document.getElementById(id)?.getAttribute('aria-pressed') === 'true'",
        arg=save_id)
    assert page.url == url  # swapped in place by htmx, not a page load
    page.goto(portal_url + "/my-data")
    page.locator("form[action='/my-data/transfer'] button").click()
    page.get_by_text("/transfer?code=").first.wait_for()
    for path in ("/saved", "/search?q=防災", "/settings", "/transfer", "/no-such-page",
                 "/editor/login"):
        page.goto(portal_url + path)
    context.close()
    assert blocked == []
