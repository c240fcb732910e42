"""Notices from the console: roles, audience, scheduling, preview, edits, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.db.models import AuditLog, Notice, utcnow
from portal.i18n import JST
from tests.portal.editor_helpers import login_as


@pytest.fixture
def ctx(database_url, make_ctx):  # type: ignore[no-untyped-def]
    return make_ctx(database_url)


def _local(delta: timedelta) -> str:
    return (utcnow() + delta).astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def _profile(client, **body) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/profiles", json=body)
    assert response.status_code == 201
    return response.json()["id"]


def _notice_titles(client, pid: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [n["title"] for n in client.get(f"/api/v1/profiles/{pid}/feed").json()["notices"]]


def test_scope_reaches_exactly_the_matching_residents(ctx, client_for) -> None:
    client = client_for(ctx)
    ward_a, ward_b = ctx.areas[0].slug, ctx.areas[1].slug
    parent_a = _profile(client, categories=["childcare"], areas=[ward_a])
    parent_b = _profile(client, categories=["childcare"], areas=[ward_b])
    senior_a = _profile(client, categories=["welfare"], areas=[ward_a])
    toddler_a = _profile(client, categories=["childcare"], areas=[ward_a],
                         life_stages=["infant"])
    token = login_as(client, ctx, "koho", "editor")
    response = client.post("/editor/notices", data={
        "csrf_token": token, "severity": "warning", "title": "予防接種の締切が近づいています",
        "scope_categories": ["childcare"], "scope_areas": [ward_a],
    }, follow_redirects=False)
    assert response.status_code == 303
    client.post("/editor/notices", data={
        "csrf_token": token, "severity": "info", "title": "乳幼児健診のお知らせ",
        "scope_life_stages": ["infant"],
    })
    assert _notice_titles(client, parent_a) == ["予防接種の締切が近づいています"]
    assert _notice_titles(client, parent_b) == []
    assert _notice_titles(client, senior_a) == []
    assert _notice_titles(client, toddler_a) == ["予防接種の締切が近づいています",
                                                 "乳幼児健診のお知らせ"]


def test_scheduled_and_expired_notices(ctx, client_for) -> None:
    client = client_for(ctx)
    pid = _profile(client, categories=["tax"])
    token = login_as(client, ctx, "koho", "editor")
    client.post("/editor/notices", data={"csrf_token": token, "severity": "info",
                                         "title": "明日から",
                                         "starts_at": _local(timedelta(days=1))})
    bad = client.post("/editor/notices", data={
        "csrf_token": token, "severity": "info", "title": "逆転",
        "starts_at": _local(timedelta(hours=2)), "ends_at": _local(timedelta(hours=1)),
    })
    assert bad.status_code == 422 and "掲載終了は開始より後" in bad.text
    assert _notice_titles(client, pid) == []
    console = client.get("/editor/").text
    assert "予約" in console  # the scheduled one is listed as scheduled
    with ctx.sessions() as session:
        notice = session.scalar(select(Notice).where(Notice.title == "明日から"))
        notice.starts_at = utcnow() - timedelta(minutes=1)
        session.commit()
    assert _notice_titles(client, pid) == ["明日から"]
    with ctx.sessions() as session:
        notice = session.scalar(select(Notice).where(Notice.title == "明日から"))
        notice.ends_at = utcnow() - timedelta(seconds=1)
        session.commit()
    assert _notice_titles(client, pid) == []


def test_preview_saves_nothing_and_edit_and_withdraw_are_audited(ctx, client_for) -> None:
    client = client_for(ctx)
    pid = _profile(client, categories=["disaster"])
    token = login_as(client, ctx, "koho", "editor")
    preview = client.post("/editor/notices", data={
        "csrf_token": token, "severity": "emergency", "title": "避難指示",
        "body": "**北部**に避難指示 <script>alert(1)</script>", "action": "preview",
    })
    assert preview.status_code == 200
    assert "<strong>北部</strong>" in preview.text and "<script>alert" not in preview.text
    assert _notice_titles(client, pid) == []
    client.post("/editor/notices", data={"csrf_token": token, "severity": "emergency",
                                         "title": "避難指示", "body": "北部に避難指示"})
    with ctx.sessions() as session:
        notice_id = session.scalar(select(Notice.id).where(Notice.title == "避難指示"))
    client.post(f"/editor/notices/{notice_id}", data={
        "csrf_token": token, "severity": "emergency", "title": "避難指示(更新)", "body": "全域",
    })
    assert _notice_titles(client, pid) == ["避難指示(更新)"]
    client.post(f"/editor/notices/{notice_id}/cancel", data={"csrf_token": token})
    assert _notice_titles(client, pid) == []
    with ctx.sessions() as session:
        actions = [(a.action, a.detail) for a in session.scalars(
            select(AuditLog).where(AuditLog.target == f"notice:{notice_id}")
            .order_by(AuditLog.id))]
    assert [a for a, _ in actions] == ["notice.create", "notice.update", "notice.cancel"]
    assert actions[1][1]["title"] == {"from": "避難指示", "to": "避難指示(更新)"}


@pytest.mark.parametrize(("role", "allowed"), [
    ("viewer", {"/editor/", "/editor/analytics"}),
    ("editor", {"/editor/", "/editor/analytics", "/editor/notices/new"}),
    ("admin", {"/editor/", "/editor/analytics", "/editor/notices/new", "/editor/sources",
               "/editor/accounts", "/editor/audit"}),
])
def test_each_role_sees_only_its_pages(ctx, client_for, role, allowed) -> None:
    client = client_for(ctx)
    token = login_as(client, ctx, f"user-{role}", role)
    for path in ("/editor/", "/editor/analytics", "/editor/notices/new", "/editor/sources",
                 "/editor/accounts", "/editor/audit"):
        status = client.get(path).status_code
        assert status == (200 if path in allowed else 403), (role, path, status)
    posted = client.post("/editor/notices", data={"csrf_token": token, "severity": "info",
                                                  "title": "x"}, follow_redirects=False)
    assert posted.status_code == (303 if "/editor/notices/new" in allowed else 403)
    added = client.post("/editor/accounts", data={"csrf_token": token, "username": "new-one",
                                                  "password": "long-enough-pass", "role": "admin"},
                        follow_redirects=False)
    assert added.status_code == (303 if role == "admin" else 403)


def test_admin_manages_accounts_and_sources(ctx, client_for, demo_city) -> None:
    client = client_for(ctx)
    token = login_as(client, ctx, "root", "admin")
    client.post("/editor/accounts", data={"csrf_token": token, "username": "writer",
                                          "password": "long-enough-pass", "role": "editor"})
    assert "writer" in client.get("/editor/accounts").text
    source = demo_city.sources[0]
    preview = client.post("/editor/sources", data={"csrf_token": token, "url": source["url"],
                                                   "department": source["department"]})
    assert preview.status_code == 200 and "件の記事を取得できました" in preview.text
    assert source["url"] not in client.get("/editor/sources").text  # a test fetch saves nothing
    client.post("/editor/sources", data={"csrf_token": token, "url": source["url"],
                                         "department": source["department"], "action": "add"})
    page = client.get("/editor/sources").text
    assert source["url"] in page and "未取得" in page
    broken = client.post("/editor/sources", data={"csrf_token": token,
                                                  "url": demo_city.base_url + "/broken/500",
                                                  "department": "壊れた課"})
    assert "サイトがエラーを返しました" in broken.text
    audit = client.get("/editor/audit").text
    assert "editor.create" in audit and "source.add" in audit


def test_preview_keeps_the_scheduled_start_and_bad_dates_are_refused(ctx, client_for) -> None:
    client = client_for(ctx)
    pid = _profile(client, categories=["tax"])
    token = login_as(client, ctx, "koho", "editor")
    tomorrow = _local(timedelta(days=1))
    preview = client.post("/editor/notices", data={"csrf_token": token, "severity": "info",
                                                   "title": "予約", "starts_at": tomorrow,
                                                   "action": "preview"})
    # The form comes back with the start as typed, so "publish" next keeps the schedule.
    assert f'name="starts_at" type="datetime-local" value="{tomorrow}"' in preview.text
    for bad in ("tomorrow morning", "0001-01-01T00:00"):
        refused = client.post("/editor/notices", data={"csrf_token": token, "severity": "info",
                                                       "title": "壊れた日付", "starts_at": bad})
        assert refused.status_code == 422 and "日時の形式が正しくありません" in refused.text
        assert 'value="壊れた日付"' in refused.text  # nothing the editor typed is lost
    assert _notice_titles(client, pid) == []


def test_console_shows_only_its_own_messages_and_one_audit_row_per_account(ctx, client_for,
                                                                          demo_city) -> None:
    client = client_for(ctx)
    token = login_as(client, ctx, "root", "admin")
    assert "偽のお知らせです" not in client.get("/editor/?flash=偽のお知らせです").text
    assert "お知らせを掲載しました。" in client.get("/editor/?flash=editor.published_ok").text
    client.post("/editor/accounts", data={"csrf_token": token, "username": "writer",
                                          "password": "long-enough-pass", "role": "editor"})
    with ctx.sessions() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "editor.create",
                                                      AuditLog.detail["username"].as_string()
                                                      == "writer")).all()
        assert len(rows) == 1 and rows[0].editor_id is not None
    source = demo_city.sources[0]
    form = {"csrf_token": token, "url": source["url"], "department": source["department"]}
    client.post("/editor/sources", data={**form, "action": "add"})
    again = client.post("/editor/sources", data={**form, "action": "add"})
    assert again.status_code == 422 and "すでに登録されています" in again.text
