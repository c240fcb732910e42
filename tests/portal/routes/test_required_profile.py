"""RequiredProfile: every resident page that needs a profile sends a visitor without one to
onboarding with the same 303, HTMX requests included (htmx follows it)."""

from __future__ import annotations

import pytest

# (method, path) of every route taking RequiredProfile, and the feed page, which checks
# the cookie itself inside its one worker-thread hop.
NEEDS_PROFILE = [
    ("GET", "/feed"),
    ("POST", "/feed/feedback"),
    ("GET", "/saved"),
    ("GET", "/my-data"),
    ("POST", "/my-data/transfer"),
    ("POST", "/my-data/feed-urls"),
    ("POST", "/my-data/reset-learning"),
    ("GET", "/my-data/export"),
    ("POST", "/my-data/delete"),
]


@pytest.fixture
def client(make_ctx, client_for, tmp_path):  # type: ignore[no-untyped-def]
    return client_for(make_ctx(f"sqlite:///{tmp_path / 'required.sqlite3'}"))


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(("method", "path"), NEEDS_PROFILE)
def test_no_profile_goes_to_onboarding(client, method: str, path: str, htmx: bool) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"kind": "save", "article_id": "1", "confirm": "1"} if method == "POST" else None
    response = client.request(method, path, data=data, headers=headers,
                              follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_a_forged_cookie_is_no_profile(client) -> None:
    client.cookies.set("mymachi_profile", "not-signed-by-us")
    response = client.get("/my-data", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")
