"""A resident's feed: candidates from SQL, ranked by recommender/, cached in the hot store."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Article, Profile, utcnow
from portal.i18n import content_language
from portal.metrics import FEEDS_SERVED
from portal.residents.profiles import feedback_events, feedback_sets
from recommender.candidates import Candidate, CandidateMatrix
from recommender.content import from_pairs
from recommender.profile import ProfileSpec
from recommender.ranking import rank_feed

# A first visit ranks one page (diversity and reasons over 20 items, not 200); the first
# "more" ranks this deep once, keeping the items already shown first, so pages never repeat
# or skip an item, and later pages come from that cached ranking.
FIRST_DEPTH = 20
RANKED_DEPTH = 200
RANKED_TTL = 300.0
CANDIDATES_TTL = 30.0
# Rebuilt at least this often anyway: articles age out of the candidate window.
CANDIDATES_MAX_AGE = 3600.0
SUMMARY_CHARS = 300


@dataclass(frozen=True, slots=True)
class FeedItem:
    article: Article | Row[Any]  # a row of CARD_COLUMNS where only a card is shown
    reason: str
    categories: list[str]
    html: Markup | None = None  # the rendered card, when the page takes it from portal.feed.cards
    # False: other news from the city, outside the resident's interests (after all that match).
    matches_interests: bool = True
    # The first item outside the resident's interests in the whole feed: a page, an Atom feed
    # or a digest marks the boundary before it.
    starts_others: bool = False


def _fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes when another process (a `mymachi crawl` beside an embedded `serve`, with no
    shared store to bump the articles version) adds, updates, rescores or hides articles."""
    return tuple(session.execute(select(
        func.count(Article.id), func.max(Article.id), func.max(Article.updated),
        func.max(Article.scorer_version), func.sum(case((Article.hidden, 1), else_=0)),
    )).one())


class CandidateStore:
    """Ranking candidates built from SQL once per articles version. Every CANDIDATES_TTL
    seconds a cheap fingerprint of the table also says whether to rebuild: another process
    may have ingested without a shared store to bump the version (or with Redis away)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str] | None = None
        self._built_at = self._checked_at = 0.0
        self._matrix: CandidateMatrix | None = None
        self._fingerprint: tuple[Any, ...] | None = None

    def get(self, ctx: AppContext, session: Session, now: datetime) -> CandidateMatrix:
        key = (str(ctx.settings.database_url), ctx.articles_version())
        current = self._matrix
        if self._key == key and current is not None:
            age = time.monotonic() - self._built_at
            checked = time.monotonic() - self._checked_at
            # The articles version alone is not enough even with Redis: while Redis is away
            # it reads "0", and an empty Redis after a restart counts again from 0.
            if age < CANDIDATES_MAX_AGE and checked < CANDIDATES_TTL:
                return current
            # Only the periodic refresh is due (same articles version): one request rebuilds,
            # the others keep ranking with the current matrix instead of queueing behind it.
            if not self._lock.acquire(blocking=False):
                return current
        else:
            self._lock.acquire()
        try:
            fresh = time.monotonic() - self._checked_at < CANDIDATES_TTL
            if self._key == key and fresh and self._matrix is not None:
                return self._matrix
            fingerprint = _fingerprint(session)
            if self._key == key and self._matrix is not None and (
                    fingerprint == self._fingerprint) and (
                    time.monotonic() - self._built_at < CANDIDATES_MAX_AGE):
                self._checked_at = time.monotonic()  # nothing changed: no rebuild
                return self._matrix
            since = now - timedelta(days=ctx.settings.candidate_days)
            rows = session.execute(
                select(
                    Article.id, Article.title, Article.summary, Article.body_text,
                    Article.department, Article.published, Article.category_scores,
                    Article.areas, Article.life_stages, Article.deadline, Article.event_date,
                    Article.content_terms,
                )
                .where(Article.hidden.is_(False))
                .where(or_(Article.published.is_(None), Article.published >= since))
                .order_by(Article.published.desc())
                .limit(ctx.settings.candidate_limit)
            )
            built = [
                Candidate(
                    id=str(r.id), title=r.title,
                    text=f"{r.title} {r.summary or r.body_text[:SUMMARY_CHARS]}",
                    department=r.department, published=r.published,
                    category_scores=dict(r.category_scores or {}), areas=list(r.areas or []),
                    life_stages=list(r.life_stages or []), deadline=r.deadline,
                    event_date=r.event_date, content=from_pairs(r.content_terms),
                )
                for r in rows
            ]
            # Built once per articles version: ranking a profile is then vector arithmetic.
            self._matrix = CandidateMatrix.build(built, ctx.taxonomy)
            self._key = key
            self._built_at = self._checked_at = time.monotonic()
            self._fingerprint = fingerprint
            return self._matrix
        finally:
            self._lock.release()


def profile_spec(session: Session, profile: Profile, now: datetime | None = None,
                 feedback: dict[str, set[int]] | None = None) -> ProfileSpec:
    """What the ranker needs of a profile: stated interests, hidden items, and the feedback
    since the last reset with the articles' vectors (Rocchio; see recommender.profile).
    `feedback`: the profile's feedback_sets, when the caller has read them already."""
    feedback = feedback if feedback is not None else feedback_sets(session, profile.id)
    hidden = feedback["hide"]  # hidden stays hidden, reset or not
    # No feedback rows, no events: and a ranking cached under the stated interests alone
    # (see _ranking_key) must not take in feedback given while this page was being made.
    events = feedback_events(session, profile, now or utcnow()) if any(
        feedback.values()) else []
    return ProfileSpec(
        categories={k: float(v) for k, v in profile.categories.items()},
        areas=list(profile.areas),
        life_stages=list(profile.life_stages),
        keywords=list(profile.keywords),
        hidden={str(i) for i in hidden},
        liked={e.article_id for e in events if e.kind in ("more", "save")},
        disliked={e.article_id for e in events if e.kind == "less"},
        feedback=events,
    )


# (article id, reason, category chips, matches the resident's interests)
Ranking = list[tuple[int, str, list[str], bool]]


def _ranking_key(ctx: AppContext, profile: Profile, language: str,
                 feedback: dict[str, set[int]]) -> str:
    """Where a profile's ranking is cached. Before any feedback, the ranking is a function
    of the stated interests alone: residents who chose the same ones share it, so a first
    visit often finds its ranking made. After feedback, the profile's own (its updated_at
    moves with every feedback or settings change)."""
    version = ctx.articles_version()
    # "feed3": items became (id, reason, chips, matches); what an older release cached
    # ({"depth", "items"} of three, or a bare list) is never read as this.
    if any(feedback.values()):
        return f"feed3:{profile.id}:{profile.updated_at.timestamp()}:{version}:{language}"
    interests = json.dumps([sorted(profile.categories.items()), sorted(profile.areas),
                            sorted(profile.life_stages), list(profile.keywords)],
                           ensure_ascii=False)
    digest = hashlib.sha1(interests.encode()).hexdigest()
    return f"feed3:interests:{digest}:{version}:{language}"


def _ranking(ctx: AppContext, session: Session, profile: Profile, now: datetime,
             language: str, depth: int, feedback: dict[str, set[int]] | None) -> Ranking:
    """At least `depth` items of the profile's ranking (fewer if there are no more; never
    deeper than RANKED_DEPTH, so a page past the end is a cache hit, not a new ranking)."""
    depth = min(depth, RANKED_DEPTH)
    feedback = feedback if feedback is not None else feedback_sets(session, profile.id)
    key = _ranking_key(ctx, profile, language, feedback)
    cached = ctx.cache.get(key)
    shown: Ranking = []
    if cached is not None:
        stored = json.loads(cached)
        shown = [tuple(x) for x in stored["items"]]  # type: ignore[misc]
        if stored["depth"] >= depth or len(shown) < stored["depth"]:  # deep enough, or all
            FEEDS_SERVED.labels(cache="hit").inc()
            return shown
    FEEDS_SERVED.labels(cache="miss").inc()
    depth = FIRST_DEPTH if depth <= FIRST_DEPTH and not shown else RANKED_DEPTH
    ranked = rank_feed(
        profile_spec(session, profile, now, feedback), ctx.candidates.get(ctx, session, now),
        taxonomy=ctx.taxonomy, now=now, limit=depth, offset=0,
        language=content_language(language),
    )
    seen = {article_id for article_id, _, _, _ in shown}
    result = shown + [(int(item.id), item.reason, list(item.categories),
                       item.matches_interests) for item in ranked if int(item.id) not in seen]
    ctx.cache.set(key, json.dumps({"depth": depth, "items": result},
                                  ensure_ascii=False).encode(), ttl=RANKED_TTL)
    return result


# What a feed card shows (templates/fragments/feed_item.html): a page of cards loads these,
# not the article bodies, scores and vectors.
CARD_COLUMNS = (Article.id, Article.url, Article.title, Article.summary, Article.department,
                Article.departments, Article.published, Article.deadline, Article.event_date,
                Article.areas, Article.categories, Article.hidden)
# Built once: the hottest query of a first visit (building and keying it cost as much as
# running it).
_CARDS_BY_ID = select(*CARD_COLUMNS).where(Article.id.in_(bindparam("ids", expanding=True)))


def personal_feed(ctx: AppContext, session: Session, profile: Profile, *, now: datetime,
                  limit: int = 20, offset: int = 0, language: str | None = None,
                  feedback: dict[str, set[int]] | None = None, cards: bool = False,
                  ) -> list[FeedItem]:
    """A page of the profile's ranked feed. `cards`: only what a card shows, as plain rows
    (building ORM objects cost more than the query); `feedback`: the profile's
    feedback_sets."""
    ranking = _ranking(ctx, session, profile, now, language or profile.language,
                       depth=offset + limit, feedback=feedback)
    page = ranking[offset : offset + limit]
    ids = [article_id for article_id, _, _, _ in page]
    articles: dict[int, Article | Row[Any]]
    if cards:
        articles = {r.id: r for r in session.execute(_CARDS_BY_ID, {"ids": ids})}
    else:
        articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    items = [
        FeedItem(articles[aid], reason, cats, matches_interests=matches)
        for aid, reason, cats, matches in page
        if aid in articles and not articles[aid].hidden
    ]
    # The ranking puts every match first, so the boundary is where a match (or the start of
    # the feed) is followed by other news; the item before this page says which it was.
    before = ranking[offset - 1][3] if 0 < offset <= len(ranking) else offset == 0
    return mark_boundary(items, matched_before=before)


def mark_boundary(items: list[FeedItem], matched_before: bool = True) -> list[FeedItem]:
    """`items` with `starts_others` set on the first one outside the resident's interests,
    when it follows a match (`matched_before`: what came before `items`; True at the top)."""
    previous = matched_before
    marked = []
    for item in items:
        starts = previous and not item.matches_interests
        marked.append(replace(item, starts_others=True) if starts else item)
        previous = item.matches_interests
    return marked


PREVIEW_SIZE = 5


def preview_feed(ctx: AppContext, session: Session, spec: ProfileSpec, *, now: datetime,
                 language: str, limit: int = PREVIEW_SIZE) -> list[FeedItem]:
    """The top of the feed a profile *would* get, before it is saved (onboarding preview).
    Cached briefly by the stated interests, since people toggle back and forth."""
    key = "preview2:" + json.dumps(
        [sorted(spec.categories), sorted(spec.areas), sorted(spec.life_stages),
         list(spec.keywords), language, limit, ctx.articles_version()], ensure_ascii=False,
    )
    cached = ctx.cache.get(key)
    if cached is not None:
        ranking = [tuple(x) for x in json.loads(cached)]
    else:
        ranked = rank_feed(spec, ctx.candidates.get(ctx, session, now), taxonomy=ctx.taxonomy,
                           now=now, limit=limit, offset=0,
                           language=content_language(language))
        ranking = [(int(item.id), item.reason, list(item.categories), item.matches_interests)
                   for item in ranked]
        ctx.cache.set(key, json.dumps(ranking, ensure_ascii=False).encode(), ttl=RANKED_TTL)
    ids = [article_id for article_id, _, _, _ in ranking]
    articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    return mark_boundary([FeedItem(articles[aid], reason, cats, matches_interests=matches)
                          for aid, reason, cats, matches in ranking
                          if aid in articles and not articles[aid].hidden])
