"""Public topic/ward/search feeds and OPML (no profile), and the search page around them."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from tests.portal.resident_seed import seed_articles

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(make_ctx, client_for, sqlite_url):  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    return ctx, client_for(ctx), seed_articles(ctx)


def _titles(body: bytes) -> list[str]:
    return [e.findtext(f"{ATOM}title") or "" for e in ET.fromstring(body).iter(f"{ATOM}entry")]


def test_topic_and_area_feeds_with_etag(site) -> None:
    _ctx, client, _ids = site
    topic = client.get("/feeds/topics/waste.atom")
    assert topic.status_code == 200 and topic.headers["content-type"].startswith(
        "application/atom+xml")
    assert _titles(topic.content) == ["ごみ収集日程の変更(年末年始)"]
    again = client.get("/feeds/topics/waste.atom", headers={"If-None-Match": topic.headers["etag"]})
    assert again.status_code == 304 and not again.content
    area = client.get("/feeds/areas/kitayama.atom")
    assert _titles(area.content) == ["ごみ収集日程の変更(年末年始)"]
    assert client.get("/feeds/topics/nope.atom").status_code == 404
    assert client.get("/feeds/areas/nope.atom").status_code == 404


def test_opml_lists_every_topic_and_ward_feed(site) -> None:
    ctx, client, _ids = site
    reply = client.get("/feeds.opml")
    urls = [o.get("xmlUrl") for o in ET.fromstring(reply.content).iter("outline")]
    assert len(urls) == len(ctx.taxonomy.categories) + len(ctx.areas)
    assert any(u.endswith("/feeds/topics/waste.atom") for u in urls)
    assert any(u.endswith("/feeds/areas/kitayama.atom") for u in urls)
    assert client.get("/feeds.opml", headers={"If-None-Match": reply.headers["etag"]}
                      ).status_code == 304


def test_search_page_highlights_and_offers_its_feed(site) -> None:
    _ctx, client, _ids = site
    page = client.get("/search", params={"q": "ゴミ"}).text
    assert "ごみ収集日程" in page and "<mark>ごみ</mark>" in page
    assert 'type="application/atom+xml"' in page and "/search.atom?q=" in page
    assert 'href="/feeds/topics/waste.atom"' in page  # autodiscovery of the public feeds
    feed = client.get("/search.atom", params={"q": "ゴミ"})
    assert _titles(feed.content) == ["ごみ収集日程の変更(年末年始)"]
    hostile = client.get("/search", params={"q": '"NEAR(*' + "a" * 10_000})
    assert hostile.status_code == 200
    assert client.get("/search.atom", params={"q": "\x00*"}).status_code == 422
    assert client.get("/search", params={"q": "a\x00b"}).status_code == 422
    assert "<mark><script" not in client.get("/search", params={"q": "<script>"}).text
