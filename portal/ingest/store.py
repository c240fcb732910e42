"""Storing crawled records: one article per URL, one per notice across departments.

Idempotent: the same records stored twice (a retried job, a second worker) change nothing the
second time; the unique URL constraint and a store lock (crawl.py) keep concurrent stores of
the same notice from making two articles. Near-duplicates from other departments (MinHash band
keys, confirmed by 3-gram Jaccard ≥ NEAR_DUP_THRESHOLD) are merged like exact copies: one
article listing every publishing department.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, cast, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawlers import ArticleRecord, KnownArticle, ListingEntry
from crawlers.dedupe import NEAR_DUP_THRESHOLD, jaccard, shingles
from portal.db.models import Article, ArticleBand, Source

# Failed article pages are tried again after 15 min, 30 min, 1 h, … up to a day apart.
PAGE_RETRY_BASE = timedelta(minutes=15)
PAGE_RETRY_MAX = timedelta(hours=24)
MAX_PAGE_ATTEMPTS = 8  # about two and a half days of tries, then the listing's text stays
PERMANENT_PAGE_ERRORS = frozenset({"robots_disallowed", "blocked_address", "invalid_url"})
# Copies of one notice go out within weeks; the same text a year later is a new notice.
NEAR_DUP_WINDOW = timedelta(days=120)
_ELSEWHERE = KnownArticle()  # stored under another source or as a merged copy: never re-read


@dataclass
class KnownIndex:
    """What is stored, for the crawler to skip or re-read pages: built once per crawl cycle."""

    by_source: dict[int, dict[str, KnownArticle]] = field(default_factory=dict)
    everywhere: set[str] = field(default_factory=set)
    retries: dict[int, list[ListingEntry]] = field(default_factory=dict)

    def for_source(self, source_id: int) -> Mapping[str, KnownArticle]:
        return _SourceView(self.by_source.get(source_id, {}), self.everywhere)


class _SourceView(Mapping[str, KnownArticle]):
    """One source's own articles (re-read when their listing entry changes) on top of every
    other stored URL (known, never re-read from here)."""

    def __init__(self, own: dict[str, KnownArticle], everywhere: set[str]) -> None:
        self._own, self._everywhere = own, everywhere

    def __getitem__(self, url: str) -> KnownArticle:
        found = self._own.get(url)
        if found is not None:
            return found
        if url in self._everywhere:
            return _ELSEWHERE
        raise KeyError(url)

    def __iter__(self) -> Iterator[str]:
        return iter(self._everywhere)

    def __len__(self) -> int:
        return len(self._everywhere)


def known_index(session: Session, now: datetime) -> KnownIndex:
    """Every stored URL (and merged copy), per source with what the listing said last time,
    and the failed pages that are due for another try."""
    index = KnownIndex()
    rows = session.execute(
        select(
            Article.url, Article.source_id, Article.listing_hash, Article.content_hash,
            Article.page_error, Article.page_retry_at,
        )
    )
    due_ids: list[str] = []
    for url, source_id, listed, content, page_error, retry_at in rows:
        index.everywhere.add(url)
        if source_id is None:
            continue
        retry = page_error is not None and retry_at is not None and retry_at <= now
        index.by_source.setdefault(source_id, {})[url] = KnownArticle(
            listing_hash=listed or "", content_hash=content or "", retry=retry
        )
        if retry:
            due_ids.append(url)
    copies = session.execute(
        select(Article.alt_urls).where(cast(Article.alt_urls, String) != "[]")
    )
    for (alt,) in copies:
        index.everywhere.update(alt or [])
    if due_ids:
        for article in session.scalars(select(Article).where(Article.url.in_(due_ids))):
            if article.source_id is not None:
                index.retries.setdefault(article.source_id, []).append(_retry_entry(article))
    return index


def _retry_entry(article: Article) -> ListingEntry:
    """What the listing said about an article whose page failed: enough to rebuild it."""
    return ListingEntry(
        url=article.url,
        title=article.title,
        content_html=article.body_html,
        published=None if article.date_flagged else article.published,
        updated=article.updated,
    )


def _apply(article: Article, record: ArticleRecord) -> None:
    article.title = record.title
    article.summary = record.summary
    article.body_text = record.body_text
    article.body_html = record.body_html
    article.published = record.published
    article.updated = record.updated
    article.date_flagged = record.date_flagged
    article.content_hash = record.content_hash
    article.dedup_key = record.dedup_key
    article.extraction = record.extraction
    article.attachments = list(record.attachments)
    article.deadline = record.deadline
    article.event_date = record.event_date


def _page_state(article: Article, record: ArticleRecord, now: datetime) -> None:
    """Remember a failed page so it is tried again later, with growing pauses."""
    if not record.page_error:
        article.page_error, article.page_attempts, article.page_retry_at = None, 0, None
        return
    article.page_error = record.page_error
    article.page_attempts = (article.page_attempts or 0) + 1
    if record.page_error in PERMANENT_PAGE_ERRORS or article.page_attempts >= MAX_PAGE_ATTEMPTS:
        article.page_retry_at = None  # give up: the listing's text is what residents read
        return
    wait = min(PAGE_RETRY_BASE * (2 ** (article.page_attempts - 1)), PAGE_RETRY_MAX)
    article.page_retry_at = now + wait


def _update(article: Article, record: ArticleRecord, now: datetime) -> bool:
    """A record for a stored URL. Returns True when what residents read changed."""
    changed = False
    page_was_read = not record.page_error
    if (page_was_read or article.page_error) and record.content_hash != article.content_hash:
        # A re-read page, or a better listing text for a page never read: keep first-seen.
        _apply(article, record)
        changed = True
    article.listing_hash = record.listing_hash
    _page_state(article, record, now)
    if page_was_read or changed:
        _replace_bands(article, record)
    return changed


def _replace_bands(article: Article, record: ArticleRecord) -> None:
    session = Session.object_session(article)
    assert session is not None
    wanted = set(record.near_dup_keys)
    current = set(session.scalars(select(ArticleBand.key).where(
        ArticleBand.article_id == article.id
    )))
    if current == wanted:
        return
    for band in session.scalars(select(ArticleBand).where(ArticleBand.article_id == article.id)):
        if band.key not in wanted:
            session.delete(band)
    session.add_all(ArticleBand(key=key, article_id=article.id) for key in wanted - current)


class _Twins:
    """Finds the stored article a record copies: the same text (dedup key), or a near-duplicate
    (shared LSH band key, 3-gram Jaccard ≥ NEAR_DUP_THRESHOLD) from another department
    published around the same time. Loaded for a whole batch in three queries."""

    def __init__(self, session: Session, records: Sequence[ArticleRecord]) -> None:
        self.by_key: dict[str, list[Article]] = {}
        self.by_band: dict[str, list[Article]] = {}
        self._shingles: dict[int, set[str]] = {}
        keys = sorted({r.dedup_key for r in records if r.dedup_key})
        for article in _chunked(session, select(Article), Article.dedup_key, keys):
            self.by_key.setdefault(article.dedup_key, []).append(article)
        bands = sorted({key for r in records for key in r.near_dup_keys})
        band_rows = [
            (key, article_id)
            for chunk in _chunks(bands)
            for key, article_id in session.execute(
                select(ArticleBand.key, ArticleBand.article_id).where(ArticleBand.key.in_(chunk))
            )
        ]
        ids = sorted({article_id for _, article_id in band_rows})
        loaded = {a.id: a for a in _chunked(session, select(Article), Article.id, ids)}
        for key, article_id in band_rows:
            if article_id in loaded:
                self.by_band.setdefault(key, []).append(loaded[article_id])

    def add(self, article: Article, record: ArticleRecord) -> None:
        """A record stored in this batch: later records may copy it."""
        self.by_key.setdefault(record.dedup_key, []).append(article)
        for key in record.near_dup_keys:
            self.by_band.setdefault(key, []).append(article)

    def find(self, record: ArticleRecord) -> Article | None:
        for twin in sorted(self.by_key.get(record.dedup_key, []), key=_age):
            if record.url in (twin.alt_urls or []) or _close_in_time(twin, record):
                return twin
        candidates: dict[int, Article] = {}
        for key in record.near_dup_keys:
            for article in self.by_band.get(key, []):
                candidates[id(article)] = article
        if not candidates:
            return None
        mine = shingles(record.body_text)
        best: tuple[float, Article] | None = None
        for candidate in candidates.values():
            if record.url in (candidate.alt_urls or []):
                return candidate  # this very copy was merged into it before
            if record.department == candidate.department or record.department in (
                candidate.departments or []
            ):
                continue  # one department's similar notices (monthly, yearly) stay apart
            if not _close_in_time(candidate, record):
                continue
            theirs = self._shingles.get(id(candidate))
            if theirs is None:
                theirs = self._shingles[id(candidate)] = shingles(candidate.body_text)
            similarity = jaccard(mine, theirs)
            if similarity >= NEAR_DUP_THRESHOLD and (best is None or similarity > best[0]):
                best = (similarity, candidate)
        return best[1] if best is not None else None


def _age(article: Article) -> int:
    return article.id if article.id is not None else 1 << 62  # stored ones first


def _close_in_time(article: Article, record: ArticleRecord) -> bool:
    if article.published is None or record.published is None:
        return True
    return abs(article.published - record.published) <= NEAR_DUP_WINDOW


def store_records(
    session: Session, source: Source | None, records: Iterable[ArticleRecord], now: datetime,
    label: Callable[[Sequence[Article]], None] | None = None,
) -> tuple[list[int], list[int]]:
    """Upsert records. Returns (new article ids, updated article ids). `label` is given the
    new and changed articles before they are written, so their labels go out with them
    (one INSERT or UPDATE each, not a second UPDATE)."""
    records = list(records)
    updated: list[Article] = []
    existing = {a.url: a for a in _chunked(session, select(Article), Article.url,
                                           [r.url for r in records])}
    twins = _Twins(session, records)
    fresh: list[tuple[Article, ArticleRecord]] = []
    for record in records:
        article = existing.get(record.url)
        if article is not None:
            if article.id is not None and _update(article, record, now) and (
                article not in updated
            ):
                updated.append(article)
            continue
        twin = twins.find(record)
        if twin is not None:
            # The same notice published by another department: one article, all listed.
            if record.department not in twin.departments:
                twin.departments = [*twin.departments, record.department]
            if record.url not in twin.alt_urls and record.url != twin.url:
                twin.alt_urls = [*twin.alt_urls, record.url]
            continue
        article = _new_article(source, record, now)
        existing[record.url] = article
        twins.add(article, record)
        fresh.append((article, record))
    if label is not None and (updated or fresh):
        label([*updated, *(article for article, _ in fresh)])
    stored = _insert(session, source, fresh, now)
    session.flush()
    return [article.id for article, _ in stored], [article.id for article in updated]


def _new_article(source: Source | None, record: ArticleRecord, now: datetime) -> Article:
    article = Article(
        url=record.url,
        source_id=source.id if source is not None else None,
        department=record.department,
        departments=[record.department],
        alt_urls=[],
        fetched_at=now,  # first seen; updates never move it
        category_scores={},
        categories=[],
        areas=[],
        life_stages=[],
        listing_hash=record.listing_hash,
    )
    _apply(article, record)
    _page_state(article, record, now)
    return article


def _insert(
    session: Session, source: Source | None, fresh: list[tuple[Article, ArticleRecord]],
    now: datetime,
) -> list[tuple[Article, ArticleRecord]]:
    """Insert new articles in one go; if another worker stored one of the URLs meanwhile
    (unique constraint), insert them one by one and skip those."""
    if not fresh:
        return []
    try:
        with session.begin_nested():
            session.add_all(article for article, _ in fresh)
            session.flush()
        stored = fresh
    except IntegrityError:
        stored = []
        for labelled, record in fresh:
            article = _new_article(source, record, now)
            _copy_labels(labelled, article)
            try:
                with session.begin_nested():
                    session.add(article)
                    session.flush()
            except IntegrityError:
                continue  # another worker stored this URL a moment ago
            stored.append((article, record))
    rows = [{"key": key, "article_id": article.id}
            for article, record in stored for key in set(record.near_dup_keys)]
    if rows:
        session.execute(insert(ArticleBand), rows)
    return stored


_LABELS = ("category_scores", "categories", "areas", "life_stages", "content_terms",
           "scorer_version")


def _copy_labels(source: Article, target: Article) -> None:
    for name in _LABELS:
        setattr(target, name, getattr(source, name))


def _chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):  # stay under bound-parameter limits
        yield values[start : start + size]


def _chunked(session: Session, query: Select[Any], column: Any, values: Sequence[Any]
             ) -> Iterator[Any]:
    for chunk in _chunks(values):
        yield from session.scalars(query.where(column.in_(chunk)))
