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
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crawlers import CrawlError, CrawlOutcome, Fetcher, SourceSpec, crawl_source
from crawlers.errors import internal_error
from portal.context import AppContext
from portal.db.models import Source, utcnow
from portal.db.session import session_scope
from portal.ingest.fetcher import make_fetcher
from portal.ingest.labelling import label_ahead
from portal.ingest.sources import (
    due_sources,
    record_failure,
    record_new_articles,
    record_outcome,
    spec_of,
)
from portal.ingest.store import KnownIndex, known_index, store_records
from portal.metrics import CRAWL_ARTICLES, CRAWL_OUTCOMES, CRAWL_SECONDS, source_key
from portal.runtime.cache import lease
from portal.scoring.models import IngestLabels, PreLabels

log = logging.getLogger(__name__)
_STORE_LOCK = threading.Lock()
_PG_STORE_LOCK_KEY = 0x6D796D61  # "myma": pg_advisory_xact_lock key of article stores


@dataclass
class CrawlReport:
    sources: int = 0
    not_modified: int = 0
    failed: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    page_errors: int = 0  # article pages that could not be read (tried again later)
    errors: dict[str, str] = field(default_factory=dict)  # source url -> error

    def merge(self, other: CrawlReport) -> None:
        for name in ("sources", "not_modified", "failed", "new_articles", "updated_articles",
                     "page_errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.update(other.errors)


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


def _still_due(ctx: AppContext, source_id: int) -> bool:
    """Re-read under the crawl lock: a crawl that ended after our plan was made (another
    worker's) has moved next_fetch_at on, and our plan's validators are stale."""
    with ctx.sessions() as session:
        source = session.get(Source, source_id)
        return source is not None and not source.paused and (
            source.next_fetch_at is None or source.next_fetch_at <= utcnow())


def _lock_store(session: Session) -> None:
    """Serialize article stores across processes on PostgreSQL (until this commit)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_STORE_LOCK_KEY})


@dataclass(frozen=True)
class StoreItem:
    source_id: int
    outcome: CrawlOutcome
    labelled: PreLabels | None = None  # labels computed ahead (see `label_ahead`)


def store_outcome(
    ctx: AppContext, source_id: int, outcome: CrawlOutcome, report: CrawlReport | None = None,
    labelled: PreLabels | None = None,
) -> tuple[list[int], list[int]]:
    """Store one source's crawl: its health and validators, and its articles, atomically.
    Returns (new article ids, updated article ids). Safe to call twice with one outcome."""
    return store_outcomes(ctx, [StoreItem(source_id, outcome, labelled)], report)[0]


def store_outcomes(
    ctx: AppContext, items: Sequence[StoreItem], report: CrawlReport | None = None,
) -> list[tuple[list[int], list[int]]]:
    """Store several sources' crawls in one transaction (each source's health, validators
    and articles together, as `store_outcome`): one commit, one model look-up and one
    labelling pass for all. Returns (new ids, updated ids) per item; `report` and the
    metrics are only counted once the transaction is committed."""
    now = utcnow()
    done = CrawlReport()
    counted: list[tuple[str, str, int]] = []  # (source, outcome or "new"/"updated", n)
    results: list[tuple[list[int], list[int]]] = []
    with _STORE_LOCK, session_scope(ctx.sessions) as session:
        _lock_store(session)
        # Into the identity map at once: each item's session.get() then finds its source.
        list(session.scalars(select(Source).where(Source.id.in_([i.source_id for i in items]))))
        labels = ctx.scorers.labels_for_ingest(
            ctx, session, sum(len(i.outcome.records) for i in items))
        changed: list[int] = []
        for item in items:
            labels.add_known(item.labelled)
            new_ids, updated_ids = _store_one(session, item, now, done, counted, labels)
            results.append((new_ids, updated_ids))
            changed += new_ids + updated_ids
        if changed:  # labelled already, unless the stage refits first (a young corpus)
            labels.after_write(session, changed)
    if report is not None:
        report.merge(done)
    for key, what, n in counted:
        if what in ("new", "updated"):
            CRAWL_ARTICLES.labels(key, what).inc(n)
        else:
            CRAWL_OUTCOMES.labels(key, what).inc()
    if done.new_articles or done.updated_articles:
        # After the commit above: feeds see these articles now, not at cycle end.
        ctx.bump_articles_version()
    return results


def _store_one(session: Session, item: StoreItem, now: datetime, report: CrawlReport,
               counted: list[tuple[str, str, int]], labels: IngestLabels
               ) -> tuple[list[int], list[int]]:
    source = session.get(Source, item.source_id)
    if source is None:
        return [], []
    outcome = item.outcome
    key = source_key(source.url)
    record_outcome(source, outcome, now)
    report.page_errors += len(outcome.page_errors)
    if outcome.error is not None:
        report.failed += 1
        report.errors[source.url] = str(outcome.error)
        counted.append((key, outcome.error.kind, 1))
        return [], []
    if outcome.not_modified:
        report.not_modified += 1
    new_ids: list[int] = []
    updated_ids: list[int] = []
    if outcome.records:
        new_ids, updated_ids = store_records(session, source, outcome.records, now,
                                             labels.before_write)
    record_new_articles(source, len(new_ids), now)
    report.new_articles += len(new_ids)
    report.updated_articles += len(updated_ids)
    counted.append((key, "not_modified" if outcome.not_modified else "ok", 1))
    counted += [(key, what, len(ids)) for what, ids in (("new", new_ids),
                                                         ("updated", updated_ids)) if ids]
    return new_ids, updated_ids


def _settle(done: asyncio.Future[None], error: BaseException | None = None) -> None:
    if done.done():  # its crawl was cancelled (job timeout, shutdown) meanwhile
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)


class _GroupStore:
    """Stores run one at a time (see the module doc); the sources whose crawls finish while
    one store runs are stored together by the next: one transaction and one commit for
    several sources instead of one each (at most `most`, so that a web write never waits
    long for the database). A batch that fails is stored again source by source, so one
    bad source fails alone. Counts reach the report on the event loop, once committed."""

    def __init__(self, ctx: AppContext, report: CrawlReport, most: int = 16) -> None:
        self._ctx, self._report, self._most = ctx, report, most
        self._waiting: list[tuple[StoreItem, asyncio.Future[None]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def store(self, item: StoreItem) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        await done

    async def _store(self, items: list[StoreItem]) -> None:
        counted = CrawlReport()
        await asyncio.to_thread(store_outcomes, self._ctx, items, counted)
        self._report.merge(counted)

    async def _drain(self) -> None:
        batch: list[tuple[StoreItem, asyncio.Future[None]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
                try:
                    await self._store([item for item, _ in batch])
                except Exception as exc:
                    if len(batch) == 1:
                        _settle(batch[0][1], exc)
                        continue
                    for item, done in batch:
                        try:
                            await self._store([item])
                        except Exception as one_exc:
                            _settle(done, one_exc)
                        else:
                            _settle(done, None)
                else:
                    for _, done in batch:
                        _settle(done, None)
        except BaseException as exc:  # cancelled with the loop: nobody may wait forever
            for _, done in [*batch, *self._waiting]:
                if isinstance(exc, Exception):
                    _settle(done, exc)
                elif not done.done():
                    done.cancel()
            self._waiting = []
            raise


def _store_failure(ctx: AppContext, source_id: int, error: CrawlError, report: CrawlReport) -> None:
    with session_scope(ctx.sessions) as session:
        source = session.get(Source, source_id)
        if source is not None:
            record_failure(source, error, utcnow())
            report.errors[source.url] = str(error)
            CRAWL_OUTCOMES.labels(source_key(source.url), error.kind).inc()
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
    `cpu`: an executor for parsing, extraction and labelling (a process pool to use every
    core); by default the pool of settings.crawl_processes, if any."""
    report = CrawlReport()
    cpu = cpu if cpu is not None else ctx.crawl_pools.get(ctx.settings.crawl_processes)
    plan, known = await asyncio.to_thread(_prepare, ctx, force, source_ids)
    report.sources = len(plan)
    settings = ctx.settings
    limit = asyncio.Semaphore(settings.crawl_concurrency)
    stores = _GroupStore(ctx, report)
    done = 0

    async def one(source_id: int, spec: SourceSpec, fetcher: Fetcher) -> None:
        nonlocal done
        # A lease, not a fixed TTL: a worker killed mid-crawl frees the source within
        # job_lease_seconds. The shared store away: crawl anyway, the upserts are idempotent.
        held = contextlib.AsyncExitStack()
        if not await held.enter_async_context(
                lease(ctx.cache, f"lock:crawl:{source_id}", settings.job_lease_seconds)):
            await held.aclose()
            CRAWL_OUTCOMES.labels(source_key(spec.url), "locked").inc()
            done += 1
            if on_progress:
                on_progress(done, len(plan))
            return
        try:
            if not force and not source_ids and not await asyncio.to_thread(
                    _still_due, ctx, source_id):
                return  # another worker crawled it between our plan and our lock
            async with limit:
                started = time.perf_counter()
                try:
                    outcome = await crawl_source(
                        spec, fetcher, known=known.for_source(source_id),
                        retry=known.retries.get(source_id, ()), cpu=cpu,
                    )
                finally:
                    CRAWL_SECONDS.labels(source_key(spec.url)).observe(
                        time.perf_counter() - started)
            labelled = await label_ahead(ctx, outcome, cpu)
            await stores.store(StoreItem(source_id, outcome, labelled))
        except Exception:  # a bug in one source's path must not stop the others
            # The traceback is for the log; editors see internal_error in plain words.
            log.exception("crawl of source %s failed", source_id)
            failure = CrawlReport()  # counted here, on the loop: stores count here too
            await asyncio.to_thread(_store_failure, ctx, source_id, internal_error(spec.url),
                                    failure)
            report.merge(failure)
        finally:
            await held.aclose()
            done += 1
            if on_progress:
                on_progress(done, len(plan))

    async with make_fetcher(settings, ctx.site_memory) as fetcher:
        await asyncio.gather(*(one(sid, spec, fetcher) for sid, spec in plan))
    return report
