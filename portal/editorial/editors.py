"""Editor accounts: argon2id hashes, login throttling."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import RateLimitItem, RateLimitItemPerMinute
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db.models import Editor
from portal.db.session import get_by_id
from portal.editorial.audit import audit
from portal.runtime.cache import Cache

ROLES = ("admin", "editor", "viewer")
THROTTLE_MINUTES = 15
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class EditorError(ValueError):
    pass


def create_editor(session: Session, username: str, password: str, role: str = "editor",
                  *, actor_id: int | None = None) -> Editor:
    """A new account; `actor_id` is the admin who made it (None: the command line)."""
    username = username.strip()
    if not username:
        raise EditorError("username is empty")
    if role not in ROLES:
        raise EditorError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise EditorError("password must be at least 10 characters")
    if session.scalar(select(Editor).where(Editor.username == username)) is not None:
        raise EditorError(f"editor {username!r} already exists")
    editor = Editor(username=username, password_hash=_hasher.hash(password), role=role)
    session.add(editor)
    session.flush()
    audit(session, actor_id, "editor.create", f"editor:{editor.id}",
          {"username": editor.username, "role": role})
    return editor


def get_editor(session: Session, editor_id: int) -> Editor | None:
    return get_by_id(session, Editor, editor_id)


def list_editors(session: Session) -> list[Editor]:
    return list(session.scalars(select(Editor).order_by(Editor.username)))


def set_editor_active(session: Session, actor: Editor, target: Editor, active: bool) -> None:
    """Let `target` log in again, or stop them; an admin cannot lock themselves out."""
    if target.id == actor.id and not active:
        raise EditorError("you cannot deactivate yourself")
    target.active = active
    audit(session, actor.id, "editor.activate" if active else "editor.deactivate",
          f"editor:{target.id}")


def _failures(limit: int) -> RateLimitItem:
    # The window starts at the first failure (limits' fixed window) and lasts 15 minutes.
    return RateLimitItemPerMinute(limit, THROTTLE_MINUTES)


def _who(username: str, client_ip: str) -> tuple[tuple[str, str], ...]:
    return (("user", username), ("ip", client_ip))


def throttled(cache: Cache, username: str, client_ip: str, limit: int) -> bool:
    """True when this account or this address failed `limit` times in the last 15 minutes
    (never when the store is unreachable: logins then go on)."""
    return any(cache.rate_limits.test(_failures(limit), "login", kind, value) is False
               for kind, value in _who(username, client_ip))


def note_failure(cache: Cache, username: str, client_ip: str, limit: int) -> None:
    for kind, value in _who(username, client_ip):
        cache.rate_limits.hit(_failures(limit), "login", kind, value)


def authenticate(session: Session, username: str, password: str) -> Editor | None:
    editor = session.scalar(select(Editor).where(Editor.username == username.strip()))
    if editor is None or not editor.active:
        _hasher.hash(password)  # same cost either way: no user enumeration by timing
        return None
    try:
        _hasher.verify(editor.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(editor.password_hash):
        editor.password_hash = _hasher.hash(password)
    return editor
