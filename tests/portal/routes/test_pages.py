"""Residents' HTML pages, used the way a browser without JavaScript (and with htmx) does."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from tests.portal.conftest import crawled_demo_city


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_city):  # type: ignore[no-untyped-def]
    """One crawled demo city for the whole module (crawling is the slow part)."""
    ctx = crawled_demo_city(tmp_path_factory.mktemp("pages"), demo_city, "pages")
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def browser(crawled):  # type: ignore[no-untyped-def]
    with TestClient(create_app(crawled.settings, crawled, run_scheduler=False)) as client:
        yield client


def _card_ids(html: str) -> list[str]:
    return re.findall(r'<li class="card" id="article-(\d+)"', html)


def test_first_visit_shows_onboarding_then_feed(browser) -> None:
    home = browser.get("/")
    assert home.status_code == 200
    assert '<html lang="ja">' in home.text and 'name="categories"' in home.text
    assert "<label" in home.text and "<legend>" in home.text
    saved = browser.post("/profile", data={"categories": ["waste"], "language": "ja"},
                         follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/feed"
    cookie = saved.cookies.get("mymachi_profile")
    assert cookie and "HttpOnly" in saved.headers["set-cookie"]
    feed = browser.get("/").text  # returning residents land on their feed
    assert "ごみ・リサイクル" in feed and len(_card_ids(feed)) == 20


def test_form_without_any_interest_is_explained(browser) -> None:
    response = browser.post("/profile", data={"language": "en"})
    assert response.status_code == 422
    assert "Please choose at least one topic." in response.text
    assert browser.get("/feed", follow_redirects=False).status_code == 303


def test_more_pages_work_with_and_without_htmx(browser) -> None:
    browser.post("/profile", data={"categories": ["health", "welfare"]})
    first = browser.get("/feed").text
    assert 'href="/feed?offset=20"' in first
    plain = browser.get("/feed?offset=20").text
    assert plain.startswith("<!doctype html>")
    fragment = browser.get("/feed?offset=20", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "<header" not in fragment
    assert _card_ids(fragment) == _card_ids(plain)
    assert not set(_card_ids(fragment)) & set(_card_ids(first))


def test_paging_through_the_feed_never_repeats_an_item(browser) -> None:
    """The first page is ranked alone (fast first visits); going deeper ranks further but
    keeps what the first page showed, so nothing appears twice and page one stays put."""
    browser.post("/profile", data={"categories": ["health", "welfare", "childcare"]})
    first = _card_ids(browser.get("/feed").text)
    seen = list(first)
    for offset in (20, 40, 60):
        seen += _card_ids(browser.get(f"/feed?offset={offset}",
                                      headers={"HX-Request": "true"}).text)
    assert len(seen) > 40, "the demo store has more than two pages for these topics"
    assert len(seen) == len(set(seen))
    assert _card_ids(browser.get("/feed").text) == first


def test_hidden_article_never_returns(browser) -> None:
    browser.post("/profile", data={"categories": ["disaster"]})
    first = _card_ids(browser.get("/feed").text)[0]
    hidden = browser.post("/feed/feedback", data={"article_id": first, "kind": "hide"},
                          follow_redirects=False)
    assert hidden.status_code == 303
    assert first not in _card_ids(browser.get("/feed").text)
    swapped = browser.post("/feed/feedback", data={"article_id": first, "kind": "save"},
                           headers={"HX-Request": "true"})
    assert swapped.status_code == 200 and 'role="status"' in swapped.text


def test_english_feed_and_language_switch(browser) -> None:
    browser.post("/profile", data={"categories": ["childcare"], "language": "en"})
    feed = browser.get("/feed").text
    assert '<html lang="en">' in feed and "Childcare &amp; education" in feed
    assert "Because you follow" in feed
    browser.get("/lang/ja")
    assert '<html lang="ja">' in browser.get("/feed").text


def test_crawled_html_is_sanitized_and_pages_have_security_headers(browser, crawled) -> None:
    from sqlalchemy import select

    from portal.db.models import Article

    with crawled.sessions() as session:
        bodies = [a.body_html for a in session.scalars(select(Article))]
    assert bodies and all("<script" not in b and "onclick" not in b for b in bodies)
    headers = browser.get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
