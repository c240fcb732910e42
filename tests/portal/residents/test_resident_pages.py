"""The resident's pages as a browser without JavaScript (and htmx) uses them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.db.models import Article
from portal.db.session import session_scope
from tests.portal.resident_seed import seed_articles


@pytest.fixture
def site(make_ctx, client_for, sqlite_url):  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    ids = seed_articles(ctx)
    return ctx, client_for(ctx), ids


def _join(client, categories: list[str], **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/profile", data={"categories": categories, "language": "ja", **extra})


def test_preview_shows_the_feed_before_anything_is_saved(site) -> None:
    _ctx, client, _ids = site
    page = client.post("/onboarding/preview", data={"categories": ["childcare"]})
    assert page.status_code == 200 and "保育園の入園申込みについて" in page.text
    assert 'checked' in page.text.split('value="childcare"')[1][:20]  # choices kept
    assert "mymachi_profile" not in page.cookies  # nothing saved
    fragment = client.post("/onboarding/preview", data={"categories": ["waste"]},
                           headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "ごみ収集日程" in fragment.text
    assert client.get("/feed", follow_redirects=False).status_code == 303


def test_feed_has_strips_and_cards_with_deadline_and_era_dates(site) -> None:
    _ctx, client, ids = site
    _join(client, ["childcare", "disaster"], era_dates="1")
    feed = client.get("/feed").text
    assert "締切が近い" in feed and "これからのイベント" in feed
    assert "令和" in feed and "あと3日" in feed
    assert f'href="/read/{ids["hoikuen"]}"' in feed
    # The preference is kept and shown on the settings page.
    assert re.search(r'name="era_dates" value="1"\s+checked', client.get("/settings").text)


def test_a_new_deadline_reaches_the_strip_at_once(site) -> None:
    """The strips' pool is shared between residents; an ingest must still show at once."""
    ctx, client, _ids = site
    _join(client, ["childcare"])
    assert "児童手当の現況届" not in client.get("/feed").text
    now = datetime.now(UTC)
    with session_scope(ctx.sessions) as session:
        session.add(Article(
            url="https://city.example.jp/genkyo.html", department="子育て支援課",
            departments=["子育て支援課"], title="児童手当の現況届", summary="提出してください",
            body_text="提出してください", published=now, fetched_at=now,
            category_scores={"childcare": 0.9}, categories=["childcare"], areas=[],
            life_stages=[], deadline=now + timedelta(days=2)))
    ctx.bump_articles_version()
    strips = client.get("/feed").text.split('id="strip-deadline"')[1].split("</section>")[0]
    assert "児童手当の現況届" in strips and "あと2日" in strips


def test_save_toggles_in_place_and_fills_the_saved_list(site) -> None:
    _ctx, client, ids = site
    _join(client, ["childcare"])
    article = str(ids["hoikuen"])
    assert "保存した記事はまだありません" in client.get("/saved").text
    swapped = client.post("/feed/feedback", data={"article_id": article, "kind": "save"},
                          headers={"HX-Request": "true"})
    assert f'id="fb-{article}-save" aria-pressed="true"' in swapped.text
    assert 'role="status"' in swapped.text and "<html" not in swapped.text
    saved = client.get("/saved").text
    assert "保育園の入園申込みについて" in saved
    # The feed shows the pressed state too (the cached feed was invalidated by the change).
    assert f'id="fb-{article}-save" aria-pressed="true"' in client.get("/feed").text
    back = client.post("/feed/feedback", data={"article_id": article, "kind": "save",
                                               "next": "/saved"}, follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"].startswith("/saved")
    assert "保育園の入園申込みについて" not in client.get("/saved").text


def test_hide_can_be_undone(site) -> None:
    _ctx, client, ids = site
    _join(client, ["childcare"])
    article = str(ids["hoikuen"])
    hidden = client.post("/feed/feedback", data={"article_id": article, "kind": "hide"},
                         headers={"HX-Request": "true"})
    assert "card--hidden" in hidden.text and "元に戻す" in hidden.text
    assert f'id="article-{article}"' not in client.get("/feed").text
    undone = client.post("/feed/feedback", data={"article_id": article, "kind": "hide"},
                         headers={"HX-Request": "true"})
    assert "保育園の入園申込みについて" in undone.text
    assert f'id="article-{article}"' in client.get("/feed").text


def test_more_and_less_exclude_each_other(site) -> None:
    _ctx, client, ids = site
    _join(client, ["waste"])
    article = str(ids["gomi"])
    client.post("/feed/feedback", data={"article_id": article, "kind": "more"})
    reply = client.post("/feed/feedback", data={"article_id": article, "kind": "less"},
                        headers={"HX-Request": "true"}).text
    assert f'id="fb-{article}-less" aria-pressed="true"' in reply
    assert f'id="fb-{article}-more" aria-pressed="false"' in reply


def test_search_is_japanese_aware_and_filters(site) -> None:
    _ctx, client, _ids = site
    # Two-character Japanese word inside a longer one; full-width letters match half-width.
    assert "保育園の入園申込み" in client.get("/search", params={"q": "入園"}).text
    assert "図書館" in client.get("/search", params={"q": "wifi"}).text
    assert "図書館" in client.get("/search", params={"q": "ＷｉＦｉ 図書館"}).text
    none = client.get("/search", params={"q": "入園 ごみ"}).text
    assert "見つかりませんでした" in none
    by_area = client.get("/search", params={"area": "kitayama"}).text
    assert "ごみ収集日程" in by_area and "保育園" not in by_area
    by_category = client.get("/search", params={"category": "disaster"}).text
    assert "総合防災訓練" in by_category and "ごみ収集日程" not in by_category
    # Unknown filter values are ignored, LIKE wildcards are literal.
    assert client.get("/search", params={"category": "nope", "q": "%"}).status_code == 200
    assert "<li class=\"card\"" not in client.get("/search", params={"q": "%"}).text


def test_read_link_records_history_and_redirects(site) -> None:
    _ctx, client, ids = site
    _join(client, ["childcare"])
    response = client.get(f"/read/{ids['hoikuen']}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "https://city.example.jp/hoikuen.html"
    export = client.get("/my-data/export").json()
    assert {"article_id": str(ids["hoikuen"]), "kind": "open"}.items() <= export[
        "feedback"][0].items()


def test_english_pages_mark_japanese_content(site) -> None:
    _ctx, client, _ids = site
    client.post("/profile", data={"categories": ["childcare"], "language": "en"})
    feed = client.get("/feed").text
    assert '<html lang="en">' in feed and "Deadlines soon" in feed
    assert re.search(r'<h3 id="title-\d+" lang="ja">', feed)
    switched = client.get("/lang/ja", params={"next": "/saved"}, follow_redirects=False)
    assert switched.headers["location"] == "/saved"
    assert client.get("/lang/ja", params={"next": "//evil.example"},
                      follow_redirects=False).headers["location"] == "/feed"



def test_many_residents_at_once_are_all_served(site) -> None:
    """64 concurrent feed requests to a real server on the embedded SQLite store: each request
    holds a pooled connection between its dependencies and its endpoint, so a pool smaller
    than the requests in flight deadlocked the worker threads (30 s, then 500s)."""
    import asyncio

    import httpx

    from tests.browser.conftest import LiveServer

    ctx, client, _ids = site
    _join(client, ["childcare"])
    cookie = client.cookies.get("mymachi_profile")
    server = LiveServer(ctx)
    url = server.start()

    async def burst() -> list[int]:
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60,
                                     cookies={"mymachi_profile": cookie}) as http:
            replies = await asyncio.gather(*(http.get("/feed") for _ in range(256)))
        return [r.status_code for r in replies]

    try:
        statuses = asyncio.run(burst())
    finally:
        server.stop()
    assert statuses == [200] * 256


def test_accept_language_decides_until_the_resident_chooses(site) -> None:
    _ctx, client, _ids = site
    english = client.get("/search", headers={"Accept-Language": "en-GB,en;q=0.9,ja;q=0.5"})
    assert '<html lang="en">' in english.text and "Search notices" in english.text
    assert "Accept-Language" in english.headers["vary"]
    assert "as the city wrote them" in english.text  # article text stays Japanese
    korean = client.get("/settings", headers={"Accept-Language": "ko-KR"}).text
    assert '<html lang="ko">' in korean and 'hreflang="vi"' in korean
    assert '<html lang="ja">' in client.get("/search", headers={"Accept-Language": "de"}).text
    client.get("/lang/ja")  # the resident's choice (cookie) wins over the browser
    chosen = client.get("/search", headers={"Accept-Language": "en"}).text
    assert '<html lang="ja">' in chosen


def test_profile_in_vietnamese_shows_its_feed(site) -> None:
    _ctx, client, _ids = site
    client.post("/profile", data={"categories": ["waste"], "language": "vi"})
    page = client.get("/feed").text
    assert '<html lang="vi">' in page and "Tin của tôi" in page and "ごみ収集日程" in page
