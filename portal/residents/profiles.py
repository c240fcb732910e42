"""Residents' interest profiles: no account, an unguessable id is the key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from portal.db.models import Article, Feedback, Profile, Subscription, TransferCode, utcnow
from portal.residents.subscriptions import export_subscriptions
from recommender.content import from_pairs
from recommender.profile import FeedbackEvent

FEEDBACK_KINDS = ("open", "save", "hide", "more", "less")


@dataclass(frozen=True, slots=True)
class ProfileInput:
    categories: dict[str, float]
    areas: list[str]
    life_stages: list[str]
    keywords: list[str]
    language: str = "ja"
    era_dates: bool = False


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
    profile.era_dates = data.era_dates
    profile.updated_at = utcnow()


def set_language(profile: Profile, language: str) -> None:
    profile.language = language
    profile.updated_at = utcnow()  # cached pages are per language: a new version


def get_profile(session: Session, profile_id: str) -> Profile | None:
    """The profile the resident uses now (cookie or API id): it counts as seen today."""
    # A NUL can be in no id, and PostgreSQL refuses it in a query (a 500, not a miss).
    if not profile_id or len(profile_id) > 64 or "\x00" in profile_id:
        return None
    profile = session.get(Profile, profile_id)
    if profile is not None:
        mark_seen(profile)
    return profile


# last_seen_at moves by whole days at most: a page view writes to SQL once a day per
# profile, not on every request.
SEEN_RESOLUTION = timedelta(days=1)


def mark_seen(profile: Profile, now: datetime | None = None) -> None:
    now = now or utcnow()
    if profile.last_seen_at is None or now - profile.last_seen_at >= SEEN_RESOLUTION:
        profile.last_seen_at = now  # not updated_at: cached feeds stay valid


def add_feedback(session: Session, profile: Profile, article_id: int, kind: str) -> Feedback:
    feedback = Feedback(profile_id=profile.id, article_id=article_id, kind=kind)
    session.add(feedback)
    # A feedback changes the ranking: the profile's version moves, cached feeds go stale.
    profile.updated_at = utcnow()
    session.flush()
    return feedback


# Pressing a button again undoes it; "more" and "less" exclude each other.
OPPOSITE_KIND = {"more": "less", "less": "more"}


def remove_feedback(session: Session, profile: Profile, article_id: int, *kinds: str) -> None:
    session.execute(delete(Feedback).where(
        Feedback.profile_id == profile.id, Feedback.article_id == article_id,
        Feedback.kind.in_(kinds),
    ))
    profile.updated_at = utcnow()
    session.flush()


def toggle_feedback(session: Session, profile: Profile, article_id: int, kind: str) -> bool:
    """Turn save/hide/more/less on, or off when it is already on; True when now on.
    "open" (read history) is only ever added."""
    if kind == "open":
        # Read history only: it does not change the ranking, so cached feeds stay valid.
        session.add(Feedback(profile_id=profile.id, article_id=article_id, kind=kind))
        session.flush()
        return True
    current = article_feedback(session, profile.id, article_id)
    if kind in current:
        remove_feedback(session, profile, article_id, kind)
        return False
    if kind in OPPOSITE_KIND:
        remove_feedback(session, profile, article_id, OPPOSITE_KIND[kind])
    add_feedback(session, profile, article_id, kind)
    return True


def article_feedback(session: Session, profile_id: str, article_id: int) -> set[str]:
    return set(session.scalars(select(Feedback.kind).where(
        Feedback.profile_id == profile_id, Feedback.article_id == article_id,
    )))


def saved_articles(session: Session, profile_id: str, limit: int = 50,
                   offset: int = 0) -> list[Article]:
    """The resident's saved list, most recently saved first."""
    latest = (
        select(Feedback.article_id, func.max(Feedback.created_at).label("saved_at"))
        .where(Feedback.profile_id == profile_id, Feedback.kind == "save")
        .group_by(Feedback.article_id)
        .subquery()
    )
    query = (
        select(Article).join(latest, latest.c.article_id == Article.id)
        .where(Article.hidden.is_(False))
        .order_by(latest.c.saved_at.desc(), Article.id.desc())
        .limit(limit).offset(offset)
    )
    return list(session.scalars(query))


# Feedback that moves the ranking (Rocchio): the newest this many events are enough.
LEARNING_EVENTS = 200


def feedback_events(session: Session, profile: Profile, now: datetime) -> list[FeedbackEvent]:
    """The profile's feedback since its last reset, with each article's vectors, for the
    ranker's Rocchio step (recommender.profile.learn_interest)."""
    query = (
        select(Feedback.article_id, Feedback.kind, Feedback.created_at,
               Article.category_scores, Article.content_terms)
        .join(Article, Article.id == Feedback.article_id)
        .where(Feedback.profile_id == profile.id)
        .order_by(Feedback.created_at.desc())
        .limit(LEARNING_EVENTS)
    )
    if profile.learning_reset_at is not None:
        query = query.where(Feedback.created_at > profile.learning_reset_at)
    return [
        FeedbackEvent(
            article_id=str(article_id), kind=kind, category_scores=dict(scores or {}),
            content=from_pairs(terms),
            age_days=max((now - created_at).total_seconds() / 86400.0, 0.0),
        )
        for article_id, kind, created_at, scores, terms in session.execute(query)
    ]


def reset_learning(session: Session, profile: Profile) -> None:
    """Forget what feedback taught the ranking (stated interests, saved and hidden items
    stay): the resident's "start over"."""
    profile.learning_reset_at = utcnow()
    profile.updated_at = profile.learning_reset_at  # cached feeds go stale
    session.flush()


# Built once: read on every feed page.
_FEEDBACK_OF = select(Feedback.kind, Feedback.article_id).where(
    Feedback.profile_id == bindparam("profile_id"))


def feedback_sets(session: Session, profile_id: str) -> dict[str, set[int]]:
    sets: dict[str, set[int]] = {kind: set() for kind in FEEDBACK_KINDS}
    rows = session.execute(_FEEDBACK_OF, {"profile_id": profile_id})
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
        "era_dates": bool(profile.era_dates),
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
        "feedback": [
            {"article_id": str(aid), "kind": kind, "at": at.isoformat(), "url": url}
            for aid, kind, at, url in feedback
        ],
        "subscriptions": export_subscriptions(session, profile.id),
    }


def erase_profile(session: Session, profile: Profile) -> None:
    """Erase the profile and everything tied to it (feedback incl. saved items and read
    history, device transfer codes, subscriptions with their addresses and queued mail);
    aggregates hold no profile id."""
    session.execute(delete(Feedback).where(Feedback.profile_id == profile.id))
    # Their queued deliveries go with them (ON DELETE CASCADE): nothing is sent after this.
    session.execute(delete(Subscription).where(Subscription.profile_id == profile.id))
    session.execute(delete(TransferCode).where(TransferCode.profile_id == profile.id))
    session.delete(profile)
    session.flush()


# Erased per batch, so one run never holds a long transaction.
RETENTION_BATCH = 500


def erase_unseen_profiles(session: Session, days: int, now: datetime | None = None,
                          limit: int = RETENTION_BATCH) -> int:
    """Erase (as the resident's own "delete" does) profiles unseen for `days` days; returns
    how many. The cookie lives as long as the default retention, so a resident who can still
    reach the profile keeps it."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    stale = session.scalars(
        # Two terms, not coalesce(): the first uses the index.
        select(Profile).where(or_(Profile.last_seen_at < cutoff, and_(
            Profile.last_seen_at.is_(None), Profile.updated_at < cutoff)))
        .order_by(Profile.last_seen_at).limit(limit)
    ).all()
    for profile in stale:
        erase_profile(session, profile)
    return len(stale)


__all__ = [
    "FEEDBACK_KINDS",
    "ProfileInput",
    "add_feedback",
    "article_feedback",
    "create_profile",
    "erase_profile",
    "erase_unseen_profiles",
    "export_profile",
    "feedback_events",
    "feedback_sets",
    "get_profile",
    "mark_seen",
    "remove_feedback",
    "reset_learning",
    "saved_articles",
    "set_language",
    "toggle_feedback",
    "update_profile",
]
