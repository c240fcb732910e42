"""The resident's own data: another device, personal feeds, export and erasure
(on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from portal.app import create_app
from portal.db.models import Feedback, Profile, TransferCode
from portal.db.session import session_scope
from portal.editorial.notices import NoticeInput, create_notice
from tests.portal.resident_seed import seed_articles


@pytest.fixture
def site(make_ctx, client_for, database_url):  # type: ignore[no-untyped-def]
    ctx = make_ctx(database_url)
    ids = seed_articles(ctx)
    client = client_for(ctx)
    client.post("/profile", data={"categories": ["childcare", "disaster"], "language": "ja"})
    return ctx, client, ids


def _code(html: str) -> str:
    match = re.search(r'/transfer\?code=([A-Z0-9]{8})', html)
    assert match, "no transfer link on the page"
    return match.group(1)


def test_profile_moves_to_another_device_with_a_short_code(site) -> None:
    ctx, phone, ids = site
    phone.post("/feed/feedback", data={"article_id": ids["hoikuen"], "kind": "save"})
    page = phone.post("/my-data/transfer").text
    code = _code(page)
    shown = re.search(r'<p class="code" lang="en">([A-Z0-9-]+)</p>', page)
    assert shown and shown.group(1) == f"{code[:4]}-{code[4:]}"
    with TestClient(create_app(ctx.settings, ctx, run_scheduler=False)) as laptop:
        assert laptop.get("/feed", follow_redirects=False).status_code == 303
        # Typed by a person: lower case, full-width, with the hyphen.
        typed = f"{code[:4].lower()}－{code[4:]}".translate(
            {ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
        moved = laptop.post("/transfer", data={"code": typed}, follow_redirects=False)
        assert moved.status_code == 303 and "HttpOnly" in moved.headers["set-cookie"]
        assert "保育園の入園申込みについて" in laptop.get("/saved").text
    with TestClient(create_app(ctx.settings, ctx, run_scheduler=False)) as third:
        again = third.post("/transfer", data={"code": code})  # single use
        assert again.status_code == 422 and "有効期限" in again.text


def test_code_guessing_is_throttled(site) -> None:
    _ctx, client, _ids = site
    statuses = [client.post("/transfer", data={"code": "AAAA-AAAA"}).status_code
                for _ in range(12)]
    assert statuses[0] == 422 and statuses[-1] == 429


def test_personal_atom_and_ical_at_secret_urls(site) -> None:
    ctx, client, _ids = site
    client.post("/my-data/feed-urls")
    page = client.get("/my-data").text
    atom_url = re.search(r'value="http[^"]*(/p/[^"/]+/feed\.atom)"', page).group(1)  # type: ignore[union-attr]
    ics_url = atom_url.replace("feed.atom", "calendar.ics")
    with TestClient(create_app(ctx.settings, ctx, run_scheduler=False)) as reader:  # no cookie
        atom = reader.get(atom_url)
        assert atom.headers["content-type"].startswith("application/atom+xml")
        root = ET.fromstring(atom.content)
        ns = {"a": "http://www.w3.org/2005/Atom"}
        titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
        assert "保育園の入園申込みについて" in titles
        ics = reader.get(ics_url)
        assert ics.headers["content-type"].startswith("text/calendar")
        lines = ics.text.split("\r\n")
        assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
        assert all(len(line.encode()) <= 75 for line in lines)
        unfolded = ics.text.replace("\r\n ", "")
        assert "SUMMARY:【締切】保育園の入園申込みについて" in unfolded
        assert "SUMMARY:【開催】総合防災訓練を実施します" in unfolded
        assert reader.get("/p/not-a-token/feed.atom").status_code == 404
    client.post("/my-data/feed-urls", data={"reset": "1"})
    assert client.get(atom_url).status_code == 404  # the old URL stops working


def test_personal_feeds_answer_304_to_a_reader_that_has_them(site) -> None:
    ctx, client, _ids = site
    client.post("/my-data/feed-urls")
    page = client.get("/my-data").text
    atom_url = re.search(r'value="http[^"]*(/p/[^"/]+/feed\.atom)"', page).group(1)  # type: ignore[union-attr]
    with TestClient(create_app(ctx.settings, ctx, run_scheduler=False)) as reader:
        for url in (atom_url, atom_url.replace("feed.atom", "calendar.ics")):
            first = reader.get(url)
            etag = first.headers["etag"]
            time.sleep(1.1)  # the calendar's DTSTAMP moves on; its events did not
            again = reader.get(url, headers={"If-None-Match": etag})
            assert again.status_code == 304, url
            assert again.content == b"" and again.headers["etag"] == etag
            assert again.headers["cache-control"].startswith("private")
            stale = reader.get(url, headers={"If-None-Match": 'W/"something-else"'})
            assert stale.status_code == 200 and stale.content


def test_export_then_delete_erases_everything(site) -> None:
    ctx, client, ids = site
    client.post("/feed/feedback", data={"article_id": ids["hoikuen"], "kind": "save"})
    client.get(f"/read/{ids['kunren']}", follow_redirects=False)
    client.post("/my-data/transfer")
    export = client.get("/my-data/export")
    assert "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert set(data["categories"]) == {"childcare", "disaster"}
    assert {f["kind"] for f in data["feedback"]} == {"save", "open"}
    refused = client.post("/my-data/delete")  # without the confirmation box
    assert refused.status_code == 422
    deleted = client.post("/my-data/delete", data={"confirm": "1"}, follow_redirects=False)
    assert deleted.status_code == 303
    assert 'mymachi_profile=""' in deleted.headers["set-cookie"]
    with ctx.sessions() as session:
        for model in (Profile, Feedback, TransferCode):
            assert session.scalar(select(func.count()).select_from(model)) == 0
    assert client.get(f"/api/v1/profiles/{data['id']}").status_code == 404
    assert "データを削除しました" in client.get(deleted.headers["location"]).text


def test_personal_atom_carries_the_notices_that_reach_the_resident(site) -> None:
    ctx, client, _ids = site
    now = datetime.now(UTC)
    with session_scope(ctx.sessions) as session:
        for severity, title, categories in [
            ("emergency", "避難指示が出ています", []),  # everyone
            ("info", "ごみ収集日の変更", ["garbage"]),  # not this resident's topics
        ]:
            create_notice(session, None, NoticeInput(
                severity=severity, title=title, body="最寄りの避難所へ",
                scope_categories=categories, scope_areas=[],
                starts_at=now - timedelta(minutes=1), ends_at=None))
    client.post("/my-data/feed-urls")
    page = client.get("/my-data").text
    atom_url = re.search(r'value="http[^"]*(/p/[^"/]+/feed\.atom)"', page).group(1)  # type: ignore[union-attr]

    root = ET.fromstring(client.get(atom_url).content)

    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles[0] == "【緊急】避難指示が出ています"  # first, marked with its severity
    assert not any("ごみ収集日の変更" in title for title in titles)
    assert "保育園の入園申込みについて" in titles  # the articles are still there
