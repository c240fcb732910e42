"""Storing crawled records: one article per URL, one per text across departments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawlers import ArticleRecord
from portal.db.models import Article, Source


def known_urls(session: Session, source: Source) -> set[str]:
    """URLs this source already gave us (also as a republished copy), so pages are not
    fetched again and a re-crawl adds nothing."""
    rows = session.execute(
        select(Article.url, Article.alt_urls).where(Article.source_id == source.id)
    )
    urls: set[str] = set()
    for url, alt in rows:
        urls.add(url)
        urls.update(alt or [])
    # Copies merged into another department's article are listed there, not under this source.
    for (alt,) in session.execute(select(Article.alt_urls).where(Article.source_id != source.id)):
        urls.update(alt or [])
    return urls


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


def store_records(
    session: Session, source: Source | None, records: Iterable[ArticleRecord], now: datetime
) -> tuple[list[int], list[int]]:
    """Upsert records. Returns (new article ids, updated article ids). Idempotent: the same
    records stored twice (a retried job, two workers) create nothing the second time."""
    new_ids: list[int] = []
    updated_ids: list[int] = []
    for record in records:
        existing = session.scalar(select(Article).where(Article.url == record.url))
        if existing is not None:
            if record.content_hash and record.content_hash != existing.content_hash:
                _apply(existing, record)
                updated_ids.append(existing.id)
            continue
        twin = None
        if record.dedup_key:
            twin = session.scalar(
                select(Article).where(Article.dedup_key == record.dedup_key).limit(1)
            )
        if twin is not None:
            # The same notice republished by another department: one article, both listed.
            if record.department not in twin.departments:
                twin.departments = [*twin.departments, record.department]
            if record.url not in twin.alt_urls:
                twin.alt_urls = [*twin.alt_urls, record.url]
            continue
        article = Article(
            url=record.url,
            source_id=source.id if source is not None else None,
            department=record.department,
            departments=[record.department],
            alt_urls=[],
            fetched_at=now,
            category_scores={},
            categories=[],
            areas=[],
            life_stages=[],
        )
        _apply(article, record)
        try:
            with session.begin_nested():
                session.add(article)
        except IntegrityError:
            continue  # another worker stored this URL a moment ago
        new_ids.append(article.id)
    session.flush()
    return new_ids, updated_ids
