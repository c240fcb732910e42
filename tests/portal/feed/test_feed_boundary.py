"""Where a resident's interests end: the feed fills its page with other city news, but after
everything that matches, behind a marked boundary, in HTML, JSON and Atom alike."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.db.models import utcnow
from portal.feed.ranking import personal_feed
from portal.residents.profiles import get_profile
from tests.portal.conftest import crawled_demo_city

HEADING = "ここからは関心以外のお知らせ"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_city):  # type: ignore[no-untyped-def]
    ctx = crawled_demo_city(tmp_path_factory.mktemp("boundary"), demo_city, "boundary")
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def client(crawled):  # type: ignore[no-untyped-def]
    with TestClient(create_app(crawled.settings, crawled, run_scheduler=False)) as client:
        yield client


def _api_feed(client: TestClient, pid: str, limit: int) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for offset in range(0, 100, limit):
        items += client.get(f"/api/v1/profiles/{pid}/feed?limit={limit}&offset={offset}"
                            ).json()["items"]
    return items


def test_json_feed_lists_matches_first_across_pages_and_says_which(client) -> None:
    pid = client.post("/api/v1/profiles", json={"categories": ["disaster"]}).json()["id"]
    items = _api_feed(client, pid, limit=7)
    flags = [item["matches_interests"] for item in items]
    boundary = flags.index(False)
    assert boundary > 0 and all(flags[:boundary]) and not any(flags[boundary:])
    assert all("disaster" in item["categories"] or "防災" in str(item["reason"])
               for item in items[:boundary])
    assert all(str(item["reason"]).startswith("関心以外のお知らせ") for item in items[boundary:])
    onion = next(i for i in items if i["title"] == "親子でたまねぎの収穫体験")
    assert onion["matches_interests"] is False and onion["reason"] == (
        "関心以外のお知らせ / 締切まであと4日")
    # The same items as one long page: paging does not change the order.
    assert [i["id"] for i in items[:100]] == [i["id"] for i in _api_feed(client, pid, 100)]


def test_html_feed_marks_the_boundary_once_without_javascript(client) -> None:
    client.post("/profile", data={"categories": ["disaster"]})
    first = client.get("/feed").text
    assert first.count(HEADING) == 1
    feed = re.search(r'<ol class="feed".*?</ol>', first, re.S).group(0)  # type: ignore[union-attr]
    before, after = feed.split('<li class="feed-boundary" id="other-news">', 1)
    assert "<h2>" + HEADING + "</h2>" in after.split("</li>", 1)[0]
    assert "関心以外のお知らせ" not in before  # every card above it matches
    assert after.count('<li class="card"') > 0
    assert all("関心以外" in reason for reason in
               re.findall(r'<p class="reason">(.*?)</p>', after, re.S))
    # The next page, plain or as the htmx fragment, continues below: no second boundary.
    assert HEADING not in client.get("/feed?offset=20").text
    assert HEADING not in client.get("/feed?offset=20", headers={"HX-Request": "true"}).text
    english = client.get("/feed?lang=en").text
    assert english.count("Other news from the city</h2>") == 1


def test_boundary_falls_on_the_page_where_it_is(crawled, client) -> None:
    """At a page's first item when the page before ended with a match; nowhere after."""
    pid = client.post("/api/v1/profiles", json={"categories": ["disaster"]}).json()["id"]
    with crawled.sessions() as session:
        profile = get_profile(session, pid)
        assert profile is not None
        whole = personal_feed(crawled, session, profile, now=utcnow(), limit=60)
        boundary = [i.matches_interests for i in whole].index(False)
        assert [i.starts_others for i in whole].count(True) == 1 and whole[boundary].starts_others
        at_start = personal_feed(crawled, session, profile, now=utcnow(), limit=5,
                                 offset=boundary)
        assert at_start[0].starts_others
        later = personal_feed(crawled, session, profile, now=utcnow(), limit=5,
                              offset=boundary + 1)
        assert not any(i.starts_others for i in later)


def test_personal_atom_marks_other_news(crawled, client) -> None:
    client.post("/profile", data={"categories": ["disaster"]})
    client.post("/my-data/feed-urls")
    page = client.get("/my-data").text
    atom_url = re.search(r'value="http[^"]*(/p/[^"/]+/feed\.atom)"', page).group(1)  # type: ignore[union-attr]
    root = ET.fromstring(client.get(atom_url).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    marks = [any(c.get("term") == "other-news" for c in e.findall("a:category", ns))
             for e in root.findall("a:entry", ns)]
    boundary = marks.index(True)
    assert boundary > 0 and all(marks[boundary:]) and not any(marks[:boundary])
    other = root.findall("a:entry", ns)[boundary]
    assert other.findtext("a:summary", namespaces=ns).startswith("関心以外のお知らせ")  # type: ignore[union-attr]
    labels = {c.get("label") for c in other.findall("a:category", ns)}
    assert HEADING in labels
