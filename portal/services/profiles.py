"""Residents' interest profiles: no account, an unguessable id is the key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.db.models import Article, Feedback, Profile, utcnow

FEEDBACK_KINDS = ("open", "save", "hide", "more", "less")


@dataclass(frozen=True, slots=True)
class ProfileInput:
    categories: dict[str, float]
    areas: list[str]
    life_stages: list[str]
    keywords: list[str]
    language: str = "ja"


def new_profile_id() -> str:
    # 32 url-safe characters = 192 random bits: the resident's only key, so unguessable.
    return secrets.token_urlsafe(24)


def create_profile(session: Session, data: ProfileInput) -> Profile:
    profile = Profile(id=new_profile_id())
    update_profile(profile, data)
    session.add(profile)
    session.flush()
    return profile


def update_profile(profile: Profile, data: ProfileInput) -> None:
    profile.categories = dict(data.categories)
    profile.areas = list(dict.fromkeys(data.areas))
    profile.life_stages = list(dict.fromkeys(data.life_stages))
    profile.keywords = [k for k in dict.fromkeys(k.strip() for k in data.keywords) if k]
    profile.language = data.language
    profile.updated_at = utcnow()


def get_profile(session: Session, profile_id: str) -> Profile | None:
    if not profile_id or len(profile_id) > 64:
        return None
    return session.get(Profile, profile_id)


def add_feedback(session: Session, profile: Profile, article_id: int, kind: str) -> Feedback:
    feedback = Feedback(profile_id=profile.id, article_id=article_id, kind=kind)
    session.add(feedback)
    # A feedback changes the ranking: the profile's version moves, cached feeds go stale.
    profile.updated_at = utcnow()
    session.flush()
    return feedback


def feedback_sets(session: Session, profile_id: str) -> dict[str, set[int]]:
    sets: dict[str, set[int]] = {kind: set() for kind in FEEDBACK_KINDS}
    rows = session.execute(
        select(Feedback.kind, Feedback.article_id).where(Feedback.profile_id == profile_id)
    )
    for kind, article_id in rows:
        sets.setdefault(kind, set()).add(article_id)
    return sets


def export_profile(session: Session, profile: Profile) -> dict[str, Any]:
    feedback = session.execute(
        select(Feedback.article_id, Feedback.kind, Feedback.created_at, Article.url)
        .join(Article, Article.id == Feedback.article_id)
        .where(Feedback.profile_id == profile.id)
        .order_by(Feedback.created_at)
    )
    return {
        "id": profile.id,
        "categories": list(profile.categories),
        "category_weights": dict(profile.categories),
        "areas": list(profile.areas),
        "life_stages": list(profile.life_stages),
        "keywords": list(profile.keywords),
        "language": profile.language,
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
        "feedback": [
            {"article_id": str(aid), "kind": kind, "at": at.isoformat(), "url": url}
            for aid, kind, at, url in feedback
        ],
    }


def erase_profile(session: Session, profile: Profile) -> None:
    """Erase the profile and everything tied to it (feedback); aggregates hold no profile id."""
    session.execute(delete(Feedback).where(Feedback.profile_id == profile.id))
    session.delete(profile)
    session.flush()


__all__ = [
    "FEEDBACK_KINDS",
    "ProfileInput",
    "add_feedback",
    "create_profile",
    "erase_profile",
    "export_profile",
    "feedback_sets",
    "get_profile",
    "update_profile",
]
