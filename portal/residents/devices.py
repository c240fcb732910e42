"""Moving a profile to another device: a short, single-use code (or a link carrying it).

The profile id stays the only long-term key and never appears on screen; a transfer code is
8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), valid for 15 minutes and
used once. Only its SHA-256 is stored, and claiming is rate-limited per client, so the
~10^12 code space cannot be walked in the code's lifetime.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.db.models import Profile, TransferCode

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=15)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_code(raw: str) -> str:
    """What a person types: any case, spaces or hyphens, full-width characters."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isalnum())[: CODE_LENGTH * 2]


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def create_transfer_code(session: Session, profile: Profile, now: datetime) -> tuple[str, datetime]:
    """A new code for `profile` (earlier unused codes of it stop working)."""
    session.execute(delete(TransferCode).where(TransferCode.profile_id == profile.id))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = now + CODE_LIFETIME
    session.add(TransferCode(code_hash=_hash(code), profile_id=profile.id, expires_at=expires,
                             created_at=now))
    session.flush()
    return code, expires


def claim_transfer_code(session: Session, raw_code: str, now: datetime) -> Profile | None:
    """The profile the code belongs to, consuming the code; None if unknown or expired."""
    code = normalize_code(raw_code)
    if len(code) != CODE_LENGTH:
        return None
    row = session.get(TransferCode, _hash(code))
    if row is None:
        return None
    session.delete(row)
    session.flush()
    if row.expires_at <= now:
        return None
    return session.get(Profile, row.profile_id)


def purge_expired_codes(session: Session, now: datetime) -> None:
    session.execute(delete(TransferCode).where(TransferCode.expires_at <= now))


def active_code_expiry(session: Session, profile: Profile, now: datetime) -> datetime | None:
    return session.scalar(select(TransferCode.expires_at).where(
        TransferCode.profile_id == profile.id, TransferCode.expires_at > now,
    ))
