"""Editors' priority notices: who they reach and when."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.db.models import AuditLog, Notice, Profile

SEVERITIES = ("emergency", "warning", "info")
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class NoticeInput:
    severity: str
    title: str
    body: str
    scope_categories: list[str]
    scope_areas: list[str]
    starts_at: datetime
    ends_at: datetime | None


def audit(session: Session, editor_id: int | None, action: str, target: str,
          detail: dict[str, Any] | None = None) -> None:
    session.add(AuditLog(editor_id=editor_id, action=action, target=target, detail=detail or {}))


def create_notice(session: Session, editor_id: int | None, data: NoticeInput) -> Notice:
    notice = Notice(
        severity=data.severity, title=data.title, body=data.body,
        scope_categories=list(data.scope_categories), scope_areas=list(data.scope_areas),
        starts_at=data.starts_at, ends_at=data.ends_at, state="published",
        created_by=editor_id,
    )
    session.add(notice)
    session.flush()
    audit(session, editor_id, "notice.create", f"notice:{notice.id}",
          {"severity": data.severity, "title": data.title})
    return notice


def cancel_notice(session: Session, editor_id: int | None, notice: Notice) -> None:
    notice.state = "cancelled"
    audit(session, editor_id, "notice.cancel", f"notice:{notice.id}")


def active_notices(session: Session, now: datetime) -> list[Notice]:
    query = select(Notice).where(
        Notice.state == "published",
        Notice.starts_at <= now,
        or_(Notice.ends_at.is_(None), Notice.ends_at > now),
    )
    return sorted(session.scalars(query), key=lambda n: (SEVERITY_ORDER[n.severity], -n.id))


def reaches(notice: Notice, categories: Iterable[str], areas: Iterable[str]) -> bool:
    """Everyone when unscoped; otherwise the profile must match every scope that is set
    (a notice for ward A and 子育て reaches parents in ward A, not all of ward A)."""
    if notice.scope_categories and not set(notice.scope_categories) & set(categories):
        return False
    return not (notice.scope_areas and not set(notice.scope_areas) & set(areas))


def notices_for(session: Session, profile: Profile | None, now: datetime) -> list[Notice]:
    notices = active_notices(session, now)
    if profile is None:
        return [n for n in notices if not n.scope_categories and not n.scope_areas]
    return [n for n in notices if reaches(n, profile.categories, profile.areas)]


def all_notices(session: Session, limit: int = 100) -> list[Notice]:
    return list(session.scalars(select(Notice).order_by(Notice.id.desc()).limit(limit)))
