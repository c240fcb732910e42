"""Public writes are rate limited per client address: over the limit a 429 with Retry-After
(JSON for the API, the translated error page for forms), nothing accepted before is lost,
the count is shared by every process through Redis, and a Redis outage never blocks a write.

Limits here are per day, so a burst cannot straddle a window boundary and pass by chance."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from starlette.requests import Request

from portal.db.models import Feedback, Profile
from portal.runtime.cache import MemoryCache
from portal.security import Rate, WriteLimiter, client_key
from portal.settings import Settings
from tests.live_server import free_port
from tests.portal.resident_seed import seed_articles


def _profiles(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Profile)) or 0)


def test_api_burst_over_the_limit_gets_429_and_keeps_earlier_writes(
        sqlite_url, make_ctx, client_for) -> None:
    ctx = make_ctx(sqlite_url, rate_limit_writes="5/day")
    client = client_for(ctx)
    responses = [client.post("/api/v1/profiles", json={"categories": ["tax"]}) for _ in range(7)]
    assert [r.status_code for r in responses] == [201] * 5 + [429] * 2
    refused = responses[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 86400
    assert refused.json() == {"detail": "Too many requests in a short time. "
                                        "Please wait a moment and try again."}
    # Every accepted profile is there; the refused ones stored nothing.
    assert _profiles(ctx) == 5
    for created in responses[:5]:
        assert client.get(f"/api/v1/profiles/{created.json()['id']}").status_code == 200
    # Reading is never limited, and every other write keeps its own budget.
    assert client.get("/api/v1/categories").status_code == 200
    pid = responses[0].json()["id"]
    assert client.delete(f"/api/v1/profiles/{pid}").status_code == 204
    assert client.post("/profile", data={"categories": ["tax"]},
                       follow_redirects=False).status_code == 303
    # The limit is part of the API's documented answers.
    schema = client.get("/openapi.json").json()["paths"]["/api/v1/profiles"]["post"]
    assert "429" in schema["responses"]


@pytest.mark.parametrize(("lang", "message"), [
    ("ja", "短い時間に操作が多すぎます"), ("en", "Too many requests in a short time")],
    ids=["ja", "en"])
def test_form_posts_over_the_limit_get_the_translated_page(
        sqlite_url, make_ctx, client_for, lang, message) -> None:
    ctx = make_ctx(sqlite_url, rate_limit_writes="2/day")
    ids = seed_articles(ctx)
    browser = client_for(ctx)
    browser.headers["Accept"] = "text/html"
    assert browser.post("/profile", data={"categories": ["childcare"], "language": lang},
                        follow_redirects=False).status_code == 303
    kinds = [("hoikuen", "save"), ("gomi", "save"), ("kunren", "save")]
    statuses = [browser.post("/feed/feedback", data={"article_id": ids[name], "kind": kind},
                             follow_redirects=False).status_code for name, kind in kinds]
    assert statuses == [303, 303, 429]
    refused = browser.post("/feed/feedback", data={"article_id": ids["kunren"], "kind": "save"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.headers["content-type"].startswith("text/html")
    assert message in refused.text and f'<html lang="{lang}">' in refused.text
    # The saves made before the limit are kept; the refused one was never stored.
    saved = browser.get("/saved").text
    assert "保育園の入園申込みについて" in saved and "ごみ収集日程の変更" in saved
    assert "総合防災訓練を実施します" not in saved
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Feedback)) == 2


def test_my_data_posts_and_previews_are_limited_too(sqlite_url, make_ctx, client_for) -> None:
    ctx = make_ctx(sqlite_url, rate_limit_writes="2/day")
    client = client_for(ctx)
    previews = [client.post("/onboarding/preview", data={"categories": ["tax"]}).status_code
                for _ in range(3)]
    assert previews == [200, 200, 429]
    # Many live previews do not use up the budget for saving the profile.
    assert client.post("/profile", data={"categories": ["tax"]},
                       follow_redirects=False).status_code == 303
    statuses = [client.post("/my-data/feed-urls", follow_redirects=False).status_code
                for _ in range(3)]
    assert statuses == [303, 303, 429]


def test_guessing_transfer_codes_is_told_when_to_retry(sqlite_url, make_ctx, client_for
                                                      ) -> None:
    client = client_for(make_ctx(sqlite_url))  # the default write limit is far above this
    replies = [client.post("/transfer", data={"code": "AAAA-AAAA"}) for _ in range(11)]
    assert [r.status_code for r in replies[:10]] == [422] * 10
    assert replies[-1].status_code == 429 and replies[-1].headers["retry-after"] == "60"


def test_the_limit_is_shared_by_processes_through_redis(
        sqlite_url, redis_url, make_ctx, client_for) -> None:
    first = make_ctx(sqlite_url, redis_url, rate_limit_writes="4/day")
    second = make_ctx(sqlite_url, redis_url, rate_limit_writes="4/day")
    one, two = client_for(first), client_for(second)  # two web processes, one Redis

    def create(client) -> int:  # type: ignore[no-untyped-def]
        return client.post("/api/v1/profiles", json={"categories": ["tax"]}).status_code

    assert [create(one), create(two), create(one), create(two)] == [201] * 4
    # Each process has seen only two writes; together they are at the limit.
    assert create(one) == 429 and create(two) == 429
    assert _profiles(first) == 4


def test_a_redis_outage_never_blocks_a_write(sqlite_url, make_ctx, client_for, caplog) -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    ctx = make_ctx(sqlite_url, down, rate_limit_writes="1/day")
    client = client_for(ctx)
    with caplog.at_level(logging.WARNING):
        statuses = [client.post("/api/v1/profiles", json={"categories": ["tax"]}).status_code
                    for _ in range(3)]
        form = client.post("/profile", data={"categories": ["tax"]}, follow_redirects=False)
    assert statuses == [201, 201, 201] and form.status_code == 303
    assert _profiles(ctx) == 4
    assert any("not being limited" in r.getMessage() or "redis unavailable" in r.getMessage()
               for r in caplog.records)


def test_retry_after_is_the_rest_of_the_window() -> None:
    limiter = WriteLimiter(MemoryCache(), Rate(2, 60))
    start = 6_000_000.0  # a window boundary (a multiple of 60 s)
    assert limiter.retry_after("api", "192.0.2.1", now=start + 10) is None
    assert limiter.retry_after("api", "192.0.2.1", now=start + 20) is None
    assert limiter.retry_after("api", "192.0.2.1", now=start + 50.5) == 10
    # Another address, another group and the next window each start from zero.
    assert limiter.retry_after("api", "192.0.2.2", now=start + 50) is None
    assert limiter.retry_after("pages", "192.0.2.1", now=start + 50) is None
    assert limiter.retry_after("api", "192.0.2.1", now=start + 61) is None


def test_the_rate_setting_is_checked_at_startup() -> None:
    assert Rate.parse("60/minute") == Rate(60, 60)
    assert Rate.parse(" 5 / hour") == Rate(5, 3600)
    assert Settings(rate_limit_writes="100/second").rate_limit_writes == "100/second"
    for bad in ("lots", "60/fortnight", "-1/minute", "60"):
        with pytest.raises(ValidationError):
            Settings(rate_limit_writes=bad)


def _request_from(host: str) -> Request:
    return Request({"type": "http", "method": "POST", "path": "/profile", "headers": [],
                    "client": (host, 50000), "query_string": b""})


def test_ipv4_clients_of_a_dual_stack_server_are_counted_apart() -> None:
    """`serve --host ::` sees IPv4 clients as ::ffff:a.b.c.d: each is its own address, not
    one shared /64 (which would put the whole city in one bucket)."""
    first, second = _request_from("::ffff:192.0.2.1"), _request_from("::ffff:192.0.2.2")
    assert client_key(first) == "192.0.2.1"
    assert client_key(first) != client_key(second)
    # A real IPv6 client still counts per /64: rotating within it does not escape the limit.
    assert client_key(_request_from("2001:db8::1")) == client_key(_request_from("2001:db8::2"))
