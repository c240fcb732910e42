"""The audit log: every change an editor (or the system) makes, and who made it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db.models import AuditLog, Editor


def audit(session: Session, editor_id: int | None, action: str, target: str,
          detail: dict[str, Any] | None = None) -> None:
    session.add(AuditLog(editor_id=editor_id, action=action, target=target, detail=detail or {}))


def recent_audit(session: Session, limit: int = 100) -> list[tuple[AuditLog, str | None]]:
    """The newest entries with the editor's username (None: the system or the CLI)."""
    rows = session.execute(
        select(AuditLog, Editor.username)
        .join(Editor, Editor.id == AuditLog.editor_id, isouter=True)
        .order_by(AuditLog.id.desc()).limit(limit)
    ).all()
    return [(entry, username) for entry, username in rows]
