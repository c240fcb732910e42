"""The crawl orchestrator: due sources → crawlers/ → store → score. Only this touches SQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from crawlers import CrawlError, CrawlOutcome, Fetcher, SourceSpec, crawl_source
from portal.context import AppContext
from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.metrics import CRAWL_OUTCOMES
from portal.services.articles import known_urls, store_records
from portal.services.scoring import scorers
from portal.services.sources import due_sources, record_failure, record_outcome, spec_of, utcnow

log = logging.getLogger(__name__)
LOCK_SECONDS = 600


@dataclass
class CrawlReport:
    sources: int = 0
    not_modified: int = 0
    failed: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # source url -> error


def _prepare(
    ctx: AppContext, force: bool, source_ids: list[int] | None
) -> list[tuple[int, SourceSpec, set[str]]]:
    with session_scope(ctx.sessions) as session:
        if source_ids:
            sources = list(session.scalars(select(Source).where(Source.id.in_(source_ids))))
        else:
            sources = due_sources(session, utcnow(), force=force)
        return [(s.id, spec_of(s), known_urls(session, s)) for s in sources]


def _store(ctx: AppContext, source_id: int, outcome: CrawlOutcome, report: CrawlReport) -> None:
    now = utcnow()
    with session_scope(ctx.sessions) as session:
        source = session.get(Source, source_id)
        if source is None:
            return
        record_outcome(source, outcome, now)
        if outcome.error is not None:
            report.failed += 1
            report.errors[source.url] = str(outcome.error)
            CRAWL_OUTCOMES.labels(outcome=outcome.error.kind).inc()
            return
        if outcome.not_modified:
            report.not_modified += 1
            CRAWL_OUTCOMES.labels(outcome="not_modified").inc()
            return
        CRAWL_OUTCOMES.labels(outcome="ok").inc()
        new_ids, updated_ids = store_records(session, source, outcome.records, now)
        report.new_articles += len(new_ids)
        report.updated_articles += len(updated_ids)
        changed_ids = new_ids + updated_ids
        changed = list(session.scalars(select(Article).where(Article.id.in_(changed_ids))))
        scorers.score(ctx, session, changed)
    if new_ids or updated_ids:
        # After the commit above: feeds see this source's articles now, not at cycle end.
        ctx.bump_articles_version()


def _store_failure(ctx: AppContext, source_id: int, error: CrawlError, report: CrawlReport) -> None:
    with session_scope(ctx.sessions) as session:
        source = session.get(Source, source_id)
        if source is not None:
            record_failure(source, error, utcnow())
            report.errors[source.url] = str(error)
    report.failed += 1


async def crawl_sources(
    ctx: AppContext,
    *,
    force: bool = False,
    source_ids: list[int] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> CrawlReport:
    """Crawl every due source (or the given ones) once. One source's failure never stops
    another; a source already being crawled by another worker is skipped (lock)."""
    report = CrawlReport()
    plan = await asyncio.to_thread(_prepare, ctx, force, source_ids)
    report.sources = len(plan)
    settings = ctx.settings
    limit = asyncio.Semaphore(settings.crawl_concurrency)
    done = 0

    async def one(source_id: int, spec: SourceSpec, known: set[str], fetcher: Fetcher) -> None:
        nonlocal done
        lock = f"lock:crawl:{source_id}"
        # None means the shared store is away: crawl anyway, the upserts keep it idempotent.
        if ctx.cache.add(lock, b"1", LOCK_SECONDS) is False:
            return
        try:
            async with limit:
                outcome = await crawl_source(spec, fetcher, known_urls=known)
            await asyncio.to_thread(_store, ctx, source_id, outcome, report)
        except Exception as exc:  # a bug in one source's path must not stop the others
            log.exception("crawl of source %s failed", source_id)
            await asyncio.to_thread(
                _store_failure, ctx, source_id, CrawlError("parse_error", repr(exc)[:300]), report
            )
        finally:
            ctx.cache.delete(lock)
            done += 1
            if on_progress:
                on_progress(done, len(plan))

    async with Fetcher(
        allow=settings.crawl_allow, timeout=settings.crawl_timeout_seconds
    ) as fetcher:
        await asyncio.gather(*(one(sid, spec, known, fetcher) for sid, spec, known in plan))
    return report
