"""Rotating MYMACHI_SECRET_KEY ("new,old") logs nobody out; dropping the old key does."""

from __future__ import annotations

from portal.context import AppContext
from tests.portal.editor_helpers import login_as

OLD, NEW = "old-signing-key-0123456789", "new-signing-key-9876543210"


def _cookies_under(make_ctx, client_for, sqlite_url: str, key: str):  # type: ignore[no-untyped-def]
    ctx: AppContext = make_ctx(sqlite_url, secret_key=key)
    return ctx, client_for(ctx)


def test_cookies_signed_with_the_old_key_survive_a_rotation(make_ctx, client_for,
                                                            sqlite_url: str) -> None:
    ctx, before = _cookies_under(make_ctx, client_for, sqlite_url, OLD)
    assert before.post("/profile", data={"categories": ["childcare"], "language": "ja"},
                       follow_redirects=False).status_code == 303
    login_as(before, ctx, "koho", "admin")
    old_cookies = dict(before.cookies)

    _, rotated = _cookies_under(make_ctx, client_for, sqlite_url, f"{NEW},{OLD}")
    rotated.cookies.update(old_cookies)
    feed = rotated.get("/feed", follow_redirects=False)
    assert feed.status_code == 200  # the resident is still known, not sent to onboarding
    assert rotated.get("/editor/", follow_redirects=False).status_code == 200  # still logged in

    # What the rotated app signs anew is signed with the new key alone ...
    created = rotated.post("/profile", data={"categories": ["waste"], "language": "ja"},
                           follow_redirects=False)
    assert created.status_code == 303
    new_profile = created.cookies["mymachi_profile"]
    _, new_only = _cookies_under(make_ctx, client_for, sqlite_url, NEW)
    new_only.cookies.set("mymachi_profile", new_profile)
    assert new_only.get("/feed", follow_redirects=False).status_code == 200
    # ... and once the old key is dropped, what it signed is refused.
    new_only.cookies.clear()
    new_only.cookies.update(old_cookies)
    assert new_only.get("/feed", follow_redirects=False).status_code in (302, 303, 307)
    assert new_only.get("/editor/", follow_redirects=False).headers["location"].endswith(
        "/editor/login")


def test_links_in_mails_sent_before_a_rotation_still_work(make_ctx, sqlite_url: str) -> None:
    from portal.db.session import session_scope
    from portal.residents.profiles import ProfileInput, create_profile
    from portal.residents.subscriptions import (
        SubscriptionInput,
        confirm_token,
        subscribe,
        subscription_for_confirm,
        subscription_for_unsubscribe,
        unsubscribe_token,
    )


    smtp = {"smtp_url": "smtp://127.0.0.1:2525", "mail_from": "city <news@city.example.jp>"}
    before: AppContext = make_ctx(sqlite_url, secret_key=OLD, **smtp)
    with session_scope(before.sessions) as session:
        profile = create_profile(session, ProfileInput({}, [], [], []))
        sub = subscribe(before, session, profile, SubscriptionInput("email", "a@example.jp"))
        confirm, stop = confirm_token(before, sub.id), unsubscribe_token(before, sub.id)

    rotated: AppContext = make_ctx(sqlite_url, secret_key=f"{NEW},{OLD}", **smtp)
    with rotated.sessions() as session:
        assert subscription_for_confirm(rotated, session, confirm) is not None
        assert subscription_for_unsubscribe(rotated, session, stop) is not None
    new_only: AppContext = make_ctx(sqlite_url, secret_key=NEW, **smtp)
    with new_only.sessions() as session:
        assert subscription_for_unsubscribe(new_only, session, stop) is None
