"""The two strips above a feed: deadlines soon (締切が近い) and upcoming events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from portal.db.models import Article, Profile

DEADLINE_WINDOW = timedelta(days=30)
EVENT_WINDOW = timedelta(days=60)
STRIP_SIZE = 4
# Enough rows to pick the resident's relevant ones from without scanning everything.
POOL = 100


@dataclass(frozen=True, slots=True)
class Strips:
    deadlines: list[Article]
    events: list[Article]


def _relevant(article: Article, profile: Profile) -> bool:
    """Shown when it is in a category or ward the resident chose (or names no ward)."""
    categories = set(profile.categories)
    in_topic = not categories or bool(categories & set(article.categories or []))
    in_area = not profile.areas or not article.areas or bool(
        set(profile.areas) & set(article.areas)
    )
    return in_topic and in_area


def upcoming_strips(session: Session, profile: Profile, hidden_ids: set[int],
                    now: datetime, size: int = STRIP_SIZE) -> Strips:
    # Date-only deadlines are stored at midnight: keep today's until the day is over.
    today = now - timedelta(days=1)
    lists: list[list[Article]] = []
    for column, window in ((Article.deadline, DEADLINE_WINDOW), (Article.event_date, EVENT_WINDOW)):
        rows = session.scalars(
            select(Article).options(load_only(
                Article.title, Article.url, Article.categories, Article.areas, Article.deadline,
                Article.event_date,
            ))
            .where(Article.hidden.is_(False), column.is_not(None),
                                  column > today, column <= now + window)
            .order_by(column, Article.id).limit(POOL)
        )
        picked = [a for a in rows if a.id not in hidden_ids and _relevant(a, profile)]
        lists.append(picked[:size])
    return Strips(deadlines=lists[0], events=lists[1])
