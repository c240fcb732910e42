"""The two strips above a feed: deadlines soon (締切が近い) and upcoming events."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from portal.context import AppContext
from portal.db.models import Article, Profile

DEADLINE_WINDOW = timedelta(days=30)
EVENT_WINDOW = timedelta(days=60)
STRIP_SIZE = 4
# Enough rows to pick the resident's relevant ones from without scanning everything.
POOL = 100


@dataclass(frozen=True, slots=True)
class Strips:
    deadlines: list[Any]  # Article, or StripItem (what the feed page shows of one)
    events: list[Any]


@dataclass(frozen=True, slots=True)
class StripItem:
    id: int
    title: str
    url: str
    categories: list[str]
    areas: list[str]
    deadline: datetime | None
    event_date: datetime | None


def _relevance(profile: Profile) -> Callable[[Article | StripItem], bool]:
    """Shown when it is in a category or ward the resident chose (or names no ward)."""
    categories, areas = set(profile.categories), set(profile.areas)

    def relevant(article: Article | StripItem) -> bool:
        in_topic = not categories or not categories.isdisjoint(article.categories or ())
        in_area = not areas or not article.areas or not areas.isdisjoint(article.areas)
        return in_topic and in_area

    return relevant


def upcoming_strips(session: Session, profile: Profile, hidden_ids: set[int],
                    now: datetime, size: int = STRIP_SIZE) -> Strips:
    # Date-only deadlines are stored at midnight: keep today's until the day is over.
    today = now - timedelta(days=1)
    relevant = _relevance(profile)
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
        picked = [a for a in rows if a.id not in hidden_ids and relevant(a)]
        lists.append(picked[:size])
    return Strips(deadlines=lists[0], events=lists[1])


# The feed page's strips: the soonest POOL deadlines and events are the same for everyone,
# so they are read once per articles version (and every POOL_SECONDS, as time moves the
# windows), not on every first visit; each resident's picks are then a filter in memory.
POOL_SECONDS = 300.0


class StripPool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str] | None = None
        self._read_at = 0.0
        self._pools: tuple[list[StripItem], list[StripItem]] = ([], [])

    def get(self, ctx: AppContext, session: Session, now: datetime
            ) -> tuple[list[StripItem], list[StripItem]]:
        key = (str(ctx.settings.database_url), ctx.articles_version())
        with self._lock:
            if self._key == key and time.monotonic() - self._read_at < POOL_SECONDS:
                return self._pools
            pools = []
            for column, window in ((Article.deadline, DEADLINE_WINDOW),
                                   (Article.event_date, EVENT_WINDOW)):
                rows = session.execute(
                    select(Article.id, Article.title, Article.url, Article.categories,
                           Article.areas, Article.deadline, Article.event_date)
                    .where(Article.hidden.is_(False), column.is_not(None),
                           column > now - timedelta(days=1),
                           column <= now + window + timedelta(seconds=POOL_SECONDS))
                    .order_by(column, Article.id).limit(POOL)
                )
                pools.append([StripItem(r.id, r.title, r.url, list(r.categories or []),
                                        list(r.areas or []), r.deadline, r.event_date)
                              for r in rows])
            self._pools = (pools[0], pools[1])
            self._key, self._read_at = key, time.monotonic()
            return self._pools


def feed_strips(ctx: AppContext, session: Session, profile: Profile, hidden_ids: set[int],
                now: datetime, size: int = STRIP_SIZE) -> Strips:
    """`upcoming_strips` for the feed page, from the shared pool."""
    deadlines, events = ctx.strips.get(ctx, session, now)
    today = now - timedelta(days=1)
    relevant = _relevance(profile)
    picked = []
    for pool, window, when in ((deadlines, DEADLINE_WINDOW, "deadline"),
                               (events, EVENT_WINDOW, "event_date")):
        picked.append([
            item for item in pool
            if today < getattr(item, when) <= now + window
            and item.id not in hidden_ids and relevant(item)
        ][:size])
    return Strips(deadlines=picked[0], events=picked[1])
