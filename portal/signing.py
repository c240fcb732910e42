"""Signing keys and what is signed with them (the profile cookie, the editor session, the
links in mails).

MYMACHI_SECRET_KEY may hold several keys, newest first ("new,old"): everything is signed with
the first and accepted under any of them, so a key is rotated without logging every resident
and editor out. Drop the old key once the longest-lived cookie signed with it has expired.
"""

from __future__ import annotations

import itsdangerous
from itsdangerous import URLSafeSerializer
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from portal.settings import Settings


def _itsdangerous_order(settings: Settings) -> list[str]:
    # itsdangerous signs with the LAST key of its list and verifies with all of them.
    return list(reversed(settings.signing_keys))


def signer(settings: Settings, salt: str) -> URLSafeSerializer:
    """Signs with the newest key and accepts every configured one; `salt` keeps what is
    signed for one purpose from being accepted for another."""
    return URLSafeSerializer(_itsdangerous_order(settings), salt=salt)


def profile_signer(settings: Settings) -> URLSafeSerializer:
    return signer(settings, "profile-cookie")


class EditorSessionMiddleware(SessionMiddleware):
    """Starlette's signed-cookie session, accepting every configured key."""

    def __init__(self, app: ASGIApp, settings: Settings, **options: object) -> None:
        super().__init__(app, secret_key=settings.session_secret, **options)  # type: ignore[arg-type]
        self.signer = itsdangerous.TimestampSigner(_itsdangerous_order(settings))
