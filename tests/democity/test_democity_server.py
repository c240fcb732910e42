"""The running demo city as a crawler sees it: feeds, pages, encodings, validators, failures."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
from protego import Protego
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from democity import DemoCity, start_demo_city

FEED_VERSIONS = {"rdf": "rss10", "rss": "rss20", "atom": "atom10"}


def _sjis_source(city: DemoCity) -> dict:
    return next(s for s in city.sources if s["department"] == "交通局")


def test_sources_shape(city: DemoCity) -> None:
    assert len(city.sources) >= 12
    kinds = {s["kind"] for s in city.sources}
    assert {"rdf", "rss", "atom", "html"} <= kinds
    assert [s["kind"] for s in city.sources].count("html") == 1
    for s in city.sources:
        assert set(s) == {"url", "department", "kind", "rules"}
        assert s["url"].startswith(city.base_url) and "/broken/" not in s["url"]
    html = next(s for s in city.sources if s["kind"] == "html")
    assert set(html["rules"]) == {"item", "link", "date", "title"}
    assert len({s["department"] for s in city.sources}) == len(city.sources)


@pytest.mark.parametrize("kind", ["rdf", "rss", "atom"])
def test_feeds_parse_and_links_resolve(city: DemoCity, client: httpx.Client, kind: str) -> None:
    sources = [s for s in city.sources if s["kind"] == kind]
    assert sources
    for s in sources:
        r = client.get(s["url"])
        assert r.status_code == 200
        # The Shift_JIS feed declares Shift_JIS but contains CP932 extensions (①), which
        # Python's shift_jis codec rejects; decode as cp932 first, as a crawler must.
        data = r.content.decode("cp932") if "Shift_JIS" in r.headers["content-type"] else r.content
        parsed = feedparser.parse(data)
        assert parsed.version == FEED_VERSIONS[kind]
        dept = s["url"].split("/")[3]
        assert len(parsed.entries) == sum(a.dept == dept for a in city.articles)
        for e in parsed.entries:
            assert e.title and e.link.startswith(city.base_url)
            assert e.get("published_parsed") or e.get("updated_parsed")
            page = client.get(e.link)
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_rss_dates_use_jst_offset(city: DemoCity, client: httpx.Client) -> None:
    s = next(s for s in city.sources if s["kind"] == "rss" and s["department"] != "交通局")
    assert "+0900</pubDate>" in client.get(s["url"]).text
    rdf = next(s for s in city.sources if s["kind"] == "rdf")
    text = client.get(rdf["url"]).text
    assert "<rdf:RDF" in text and "<dc:date>" in text and "+09:00</dc:date>" in text


def test_html_list_page_by_rules(city: DemoCity, client: httpx.Client) -> None:
    s = next(s for s in city.sources if s["kind"] == "html")
    rules = s["rules"]
    r = client.get(s["url"])
    assert r.status_code == 200
    items = HTMLParser(r.text).css(rules["item"])
    assert len(items) >= 10
    for item in items:
        link = item.css_first(rules["link"]).attributes["href"]
        assert item.css_first(rules["title"]).text().strip()
        assert item.css_first(rules["date"]).text().startswith(("令和", "20"))
        assert client.get(urljoin(s["url"], link)).status_code == 200


def test_shift_jis_site(city: DemoCity, client: httpx.Client) -> None:
    s = _sjis_source(city)
    feed = client.get(s["url"])
    assert "charset=Shift_JIS" in feed.headers["content-type"]
    assert feed.content.startswith(b'<?xml version="1.0" encoding="Shift_JIS"?>')
    with pytest.raises(UnicodeDecodeError):
        feed.content.decode("utf-8")
    feed_text = feed.content.decode("cp932")
    assert "㈱" in feed_text and "①" in feed_text
    article = next(a for a in city.articles if a.dept == "kotsu")
    page = client.get(article.path)
    assert "charset=Shift_JIS" in page.headers["content-type"]
    text = page.content.decode("cp932")
    assert '<meta charset="Shift_JIS">' in text and "①" in text and "㈱" in text
    assert any("髙" in a.body for a in city.articles if a.dept == "kotsu")


def test_article_pages_have_cms_chrome(city: DemoCity, client: httpx.Client) -> None:
    containers: set[str] = set()
    date_styles: set[str] = set()
    for dept in {a.dept for a in city.articles}:
        a = next(x for x in city.articles if x.dept == dept)
        page = client.get(a.path)
        text = page.content.decode("cp932" if dept == "kotsu" else "utf-8")
        tree = HTMLParser(text)
        assert tree.css_first("header") and tree.css_first("footer address")
        assert len(tree.css("nav a")) >= 10 and tree.css_first(".breadcrumb")
        assert tree.css_first("h1").text() == a.title
        assert tree.css_first("#tmp_side") is not None
        for sel in ("main", "#tmp_contents", "#contents"):
            if tree.css_first(sel):
                containers.add(sel)
        probes = (("wareki", "令和7年"), ("fullwidth", "令和７年"), ("seireki", "2025年"))
        for style, probe in probes:
            if probe in text:
                date_styles.add(style)
    assert containers == {"main", "#tmp_contents", "#contents"}
    assert date_styles == {"wareki", "fullwidth", "seireki"}


def test_attachments_and_static(city: DemoCity, client: httpx.Client) -> None:
    a = next(x for x in city.articles if x.attachment_path)
    r = client.get(a.attachment_path)
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert client.get("/").status_code == 200
    assert client.get("/sitemap.xml").text.count("<loc>") == len(city.articles)


def test_conditional_get(city: DemoCity, client: httpx.Client) -> None:
    for path in (city.articles[0].path, urlsplit(city.sources[0]["url"]).path, "/robots.txt"):
        r = client.get(path)
        etag, lm = r.headers["etag"], r.headers["last-modified"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": lm}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
        old = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert client.get(path, headers={"If-Modified-Since": old}).status_code == 200


def test_validators_stable_across_restarts(
    city: DemoCity, client: httpx.Client, anchor: date
) -> None:
    path = city.articles[5].path
    first = client.get(path).headers
    other = start_demo_city(anchor=anchor)
    try:
        again = httpx.get(other.base_url + path).headers
    finally:
        other.stop()
    assert (first["etag"], first["last-modified"]) == (again["etag"], again["last-modified"])


def test_robots_allows_everything(city: DemoCity, client: httpx.Client) -> None:
    r = client.get("/robots.txt")
    robots = Protego.parse(r.text)
    assert all(robots.can_fetch(s["url"], "mymachi") for s in city.sources)


def test_broken_endpoints(city: DemoCity, client: httpx.Client) -> None:
    assert client.get("/broken/500").status_code == 500
    assert client.get("/broken/404").status_code == 404
    assert client.get("/no/such/page.html").status_code == 404
    junk = client.get("/broken/garbage")
    assert junk.status_code == 200 and junk.headers["content-type"] == "application/rss+xml"
    assert feedparser.parse(junk.content).entries == []
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(city.base_url + "/broken/slow?seconds=3", timeout=0.5)
    r = httpx.get(city.base_url + "/broken/slow?seconds=0.2", timeout=5)
    assert r.status_code == 200
    assert all("/broken/" not in s["url"] for s in city.sources)


def test_serves_hundreds_of_requests_quickly(city: DemoCity, client: httpx.Client) -> None:
    t0 = time.perf_counter()
    for a in city.articles:
        assert client.get(a.path).status_code == 200
    assert len(city.articles) >= 300
    assert time.perf_counter() - t0 < 10


def test_cli_prints_sources(anchor: date) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "democity", "--port", "0",
                             "--anchor", anchor.isoformat()],
                            stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert "若葉野市" in lines[0] and "http://127.0.0.1:" in lines[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
