"""Editors' second factor: TOTP (RFC 6238, pyotp) with one-time recovery codes, and ending
every session of an account.

A code is accepted for the current 30-second step or the one before/after (clock drift), and
only once: the step used is stored, so a code seen over a shoulder cannot be replayed.
Recovery codes are 80 random bits each, stored as SHA-256 hashes (a slow hash adds nothing
against guessing 80 bits) and struck off when used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime

import pyotp
from sqlalchemy.orm import Session

from portal.db.models import Editor
from portal.editorial.audit import audit

RECOVERY_CODES = 10
DRIFT_STEPS = 1
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


def has_totp(editor: Editor) -> bool:
    return bool(editor.totp_secret)


def needs_totp(editor: Editor, require_admin_totp: bool) -> bool:
    """An account that may not use the console until it has enrolled."""
    return require_admin_totp and editor.role == "admin" and not has_totp(editor)


def start_enrolment(editor: Editor) -> str:
    """A new secret to confirm with a first code (kept until confirmed or replaced)."""
    if not editor.totp_pending_secret:
        editor.totp_pending_secret = pyotp.random_base32()
    return editor.totp_pending_secret


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (typed or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(_utc(now))
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _utc(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)


def confirm_enrolment(session: Session, editor: Editor, code: str,
                      now: float | None = None) -> list[str] | None:
    """Turn the pending secret on if `code` matches; returns the new recovery codes (shown
    once), or None when the code is wrong."""
    secret = editor.totp_pending_secret
    step = _matching_step(secret, code, now or time.time()) if secret else None
    if step is None:
        return None
    editor.totp_secret, editor.totp_pending_secret = secret, None
    editor.totp_last_step = step
    codes = new_recovery_codes(editor)
    audit(session, editor.id, "editor.totp_enrol", f"editor:{editor.id}")
    return codes


def new_recovery_codes(editor: Editor) -> list[str]:
    codes = ["-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))
                      for _ in range(4)) for _ in range(RECOVERY_CODES)]
    editor.recovery_code_hashes = [_hash(c) for c in codes]
    return codes


def _hash(code: str) -> str:
    normalized = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalized.encode()).hexdigest()


def verify_second_factor(session: Session, editor: Editor, code: str,
                         now: float | None = None) -> bool:
    """A current TOTP code not used before, or an unused recovery code (then struck off)."""
    if not editor.totp_secret:
        return False
    step = _matching_step(editor.totp_secret, code, now or time.time())
    if step is not None:
        if editor.totp_last_step is not None and step <= editor.totp_last_step:
            return False  # replayed
        editor.totp_last_step = step
        return True
    hashed = _hash(code)
    remaining = list(editor.recovery_code_hashes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, hashed):
            remaining.remove(stored)
            editor.recovery_code_hashes = remaining
            audit(session, editor.id, "editor.recovery_code_used", f"editor:{editor.id}",
                  {"remaining": len(remaining)})
            return True
    return False


def disable_totp(session: Session, editor: Editor) -> None:
    editor.totp_secret = editor.totp_pending_secret = None
    editor.totp_last_step = None
    editor.recovery_code_hashes = []
    audit(session, editor.id, "editor.totp_disable", f"editor:{editor.id}")


def revoke_sessions(session: Session, actor: Editor, target: Editor) -> None:
    """End every session of `target` (theirs on every device), at their next request."""
    target.session_generation = (target.session_generation or 0) + 1
    audit(session, actor.id, "editor.revoke_sessions", f"editor:{target.id}")
