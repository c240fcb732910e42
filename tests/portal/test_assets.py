"""Static assets under content-hashed names, cached for a year; templates link those names."""

from __future__ import annotations

import re

import pytest

from portal.assets import IMMUTABLE, hashed_name
from portal.settings import PACKAGE_DIR
from tests.portal.resident_seed import seed_articles


@pytest.fixture
def client(sqlite_url, make_ctx, client_for):
    ctx = make_ctx(sqlite_url)
    seed_articles(ctx)
    return client_for(ctx)


def test_pages_link_the_hashed_stylesheet_and_it_is_immutable(client) -> None:
    page = client.get("/", headers={"Accept": "text/html"}).text
    hashed = "/static/" + hashed_name(PACKAGE_DIR / "static", "site.css")
    assert re.fullmatch(r"/static/site\.[0-9a-f]{10}\.css", hashed)
    assert f'href="{hashed}"' in page
    response = client.get(hashed)
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.content == (PACKAGE_DIR / "static" / "site.css").read_bytes()


def test_vendor_scripts_are_linked_by_hashed_name_too(client) -> None:
    page = client.get("/", headers={"Accept": "text/html"}).text
    scripts = re.findall(r'<script src="(/vendor/[^"]+)"', page)
    if not scripts:
        pytest.skip("npm assets not installed (make assets)")
    for src in scripts:
        assert re.search(r"\.[0-9a-f]{10}\.js$", src), src
        assert client.get(src).headers["cache-control"] == IMMUTABLE


def test_a_stale_hash_or_the_plain_name_is_not_cached_forever(client) -> None:
    assert client.get("/static/site.0123456789.css").status_code == 404
    plain = client.get("/static/site.css")
    assert plain.status_code == 200
    assert "immutable" not in plain.headers.get("cache-control", "")


def test_a_hashed_name_cannot_leave_the_static_folder(client) -> None:
    assert client.get("/static/..%2Fapp.0123456789.py").status_code == 404


def test_a_hashed_file_answers_the_same_from_memory(client) -> None:
    hashed = "/static/" + hashed_name(PACKAGE_DIR / "static", "site.css")
    first, second = client.get(hashed), client.get(hashed)  # the second is held in memory
    assert second.status_code == 200 and second.content == first.content
    for header in ("content-type", "etag", "cache-control"):
        assert second.headers[header] == first.headers[header], header
    again = client.get(hashed, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert client.head(hashed).headers["content-length"] == str(len(first.content))
