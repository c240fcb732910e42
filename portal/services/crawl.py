"""The crawl orchestrator: due sources → crawlers/ → store → score. Only this touches SQL.

Jobs are idempotent and safe to kill: a source's validators (ETag, Last-Modified) are stored in
the same transaction as its articles, so a worker killed mid-crawl leaves the source to be read
again in full by the retried job, and storing the same records twice changes nothing. One
fetch of a source at a time across workers (a lock in the shared cache); one store at a time
(a lock in this process, an advisory lock on PostgreSQL), so two workers storing the same
notice from two departments cannot both miss each other and make two articles.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from crawlers import CrawlError, CrawlOutcome, Fetcher, SiteMemory, SourceSpec, crawl_source
from portal.context import AppContext
from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.metrics import CRAWL_OUTCOMES
from portal.services.articles import KnownIndex, known_index, store_records
from portal.services.scoring import scorers
from portal.services.sources import due_sources, record_failure, record_outcome, spec_of, utcnow

log = logging.getLogger(__name__)
LOCK_SECONDS = 600
_STORE_LOCK = threading.Lock()
_PG_STORE_LOCK_KEY = 0x6D796D61  # "myma": pg_advisory_xact_lock key of article stores
# robots.txt and Retry-After pauses outlive one crawl cycle; one memory per database.
_SITE_MEMORY: WeakKeyDictionary[Engine, SiteMemory] = WeakKeyDictionary()


@dataclass
class CrawlReport:
    sources: int = 0
    not_modified: int = 0
    failed: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    page_errors: int = 0  # article pages that could not be read (tried again later)
    errors: dict[str, str] = field(default_factory=dict)  # source url -> error


def site_memory(ctx: AppContext) -> SiteMemory:
    memory = _SITE_MEMORY.get(ctx.engine)
    if memory is None:
        memory = _SITE_MEMORY[ctx.engine] = SiteMemory()
    return memory


def _prepare(
    ctx: AppContext, force: bool, source_ids: list[int] | None
) -> tuple[list[tuple[int, SourceSpec]], KnownIndex]:
    now = utcnow()
    with session_scope(ctx.sessions) as session:
        if source_ids:
            sources = list(session.scalars(select(Source).where(Source.id.in_(source_ids))))
        else:
            sources = due_sources(session, now, force=force)
        plan = [(s.id, spec_of(s)) for s in sources]
        return plan, known_index(session, now) if plan else KnownIndex()


def _lock_store(session: Session) -> None:
    """Serialize article stores across processes on PostgreSQL (until this commit)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_STORE_LOCK_KEY})


def store_outcome(
    ctx: AppContext, source_id: int, outcome: CrawlOutcome, report: CrawlReport | None = None
) -> tuple[list[int], list[int]]:
    """Store one source's crawl: its health and validators, and its articles, atomically.
    Returns (new article ids, updated article ids). Safe to call twice with one outcome."""
    report = report if report is not None else CrawlReport()
    now = utcnow()
    new_ids: list[int] = []
    updated_ids: list[int] = []
    with _STORE_LOCK, session_scope(ctx.sessions) as session:
        _lock_store(session)
        source = session.get(Source, source_id)
        if source is None:
            return [], []
        record_outcome(source, outcome, now)
        report.page_errors += len(outcome.page_errors)
        if outcome.error is not None:
            report.failed += 1
            report.errors[source.url] = str(outcome.error)
            CRAWL_OUTCOMES.labels(outcome=outcome.error.kind).inc()
            return [], []
        if outcome.not_modified:
            report.not_modified += 1
        CRAWL_OUTCOMES.labels(outcome="not_modified" if outcome.not_modified else "ok").inc()
        if outcome.records:
            new_ids, updated_ids = store_records(session, source, outcome.records, now)
            changed_ids = new_ids + updated_ids
            if changed_ids:
                changed = list(session.scalars(select(Article).where(Article.id.in_(changed_ids))))
                scorers.score(ctx, session, changed)
    report.new_articles += len(new_ids)
    report.updated_articles += len(updated_ids)
    if new_ids or updated_ids:
        # After the commit above: feeds see this source's articles now, not at cycle end.
        ctx.bump_articles_version()
    return new_ids, updated_ids


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
    cpu: Executor | None = None,
) -> CrawlReport:
    """Crawl every due source (or the given ones) once. One source's failure never stops
    another; a source already being crawled by another worker is skipped (lock).
    `cpu`: an executor for page extraction (a process pool to use every core)."""
    report = CrawlReport()
    plan, known = await asyncio.to_thread(_prepare, ctx, force, source_ids)
    report.sources = len(plan)
    settings = ctx.settings
    limit = asyncio.Semaphore(settings.crawl_concurrency)
    done = 0

    async def one(source_id: int, spec: SourceSpec, fetcher: Fetcher) -> None:
        nonlocal done
        lock = f"lock:crawl:{source_id}"
        # None means the shared store is away: crawl anyway, the upserts keep it idempotent.
        if ctx.cache.add(lock, b"1", LOCK_SECONDS) is False:
            done += 1
            if on_progress:
                on_progress(done, len(plan))
            return
        try:
            async with limit:
                outcome = await crawl_source(
                    spec, fetcher, known=known.for_source(source_id),
                    retry=known.retries.get(source_id, ()), cpu=cpu,
                )
            await asyncio.to_thread(store_outcome, ctx, source_id, outcome, report)
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
        allow=settings.crawl_allow, timeout=settings.crawl_timeout_seconds,
        memory=site_memory(ctx),
    ) as fetcher:
        await asyncio.gather(*(one(sid, spec, fetcher) for sid, spec in plan))
    return report
