"""Background work: the crawl job, on arq + Redis in production or in-process when embedded.

Production: `mymachi scheduler` runs an arq cron job (unique: several schedulers run it once)
that offers each tick's jobs to the workers' queue (the job id holds the tick, so each is
queued once), and `mymachi worker` processes jobs; crawl locks in the shared store keep one
fetch of a source at a time across workers.
Embedded: the same `crawl_sources` runs on an asyncio task inside `mymachi serve`/`demo`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict
from datetime import UTC
from typing import Any

from arq import create_pool, cron
from arq.connections import ArqRedis, RedisSettings
from arq.constants import in_progress_key_prefix
from arq.worker import Worker, func
from redis.exceptions import RedisError

from portal.context import AppContext
from portal.db.session import session_scope
from portal.delivery.digests import send_digests
from portal.delivery.runner import start_delivery
from portal.ingest.crawl import crawl_sources
from portal.ingest.jma import ingest_jma
from portal.metrics import JOBS_ENQUEUED, SCHEDULER_TICK
from portal.residents.profiles import erase_unseen_profiles
from portal.scoring.refit import refit_scorer
from portal.settings import Settings

log = logging.getLogger(__name__)
QUEUE_NAME = "mymachi:queue"
SCHEDULER_QUEUE = "mymachi:scheduler"


# --- embedded -----------------------------------------------------------------------------


def start_embedded_scheduler(ctx: AppContext) -> Callable[[], Awaitable[None]]:
    """Crawl due sources now and every tick on this event loop; returns an async stop()."""

    # Each step on its own: one failing (a broken feed, SQL away) never stops the others.
    steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("crawl", lambda: crawl_sources(ctx)),
        ("JMA alerts", lambda: ingest_jma(ctx)),
        ("counter flush", lambda: asyncio.to_thread(ctx.counters.flush, ctx.engine)),
        # Cheap when nothing is due; refits when the corpus or the labels changed.
        ("scorer refit", lambda: asyncio.to_thread(refit_scorer, ctx)),
        # Cheap when none is due; the outbox drain below sends them.
        ("digests", lambda: asyncio.to_thread(send_digests, ctx)),
        ("profile retention", lambda: asyncio.to_thread(erase_unseen, ctx)),
    ]

    async def loop() -> None:
        while True:
            for name, step in steps:
                try:
                    await step()
                except Exception:
                    log.exception("embedded %s failed; the next tick tries again", name)
            await asyncio.sleep(ctx.settings.scheduler_tick_seconds)

    task = asyncio.create_task(loop(), name="mymachi-embedded-scheduler")
    stop_delivery = start_delivery(ctx)  # the outbox drain, on its own task

    async def stop() -> None:
        await stop_delivery()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop


# --- arq (Redis) ----------------------------------------------------------------------------


async def crawl_due_job(job_ctx: dict[str, Any], force: bool = False) -> dict[str, Any]:
    report = await crawl_sources(job_ctx["app"], force=force)
    return asdict(report)


async def flush_counters_job(job_ctx: dict[str, Any]) -> int:
    """Move read counters from Redis to SQL (one flush per tick cluster-wide)."""
    app: AppContext = job_ctx["app"]
    return await asyncio.to_thread(app.counters.flush, app.engine)


async def refit_scorer_job(job_ctx: dict[str, Any], force: bool = False) -> dict[str, Any]:
    """Refit the category scorer if the corpus or the editors' labels changed (or `force`)."""
    report = await asyncio.to_thread(refit_scorer, job_ctx["app"], force=force)
    return asdict(report)


async def jma_alerts_job(job_ctx: dict[str, Any]) -> int:
    """Turn new JMA warnings for the city's areas into notices."""
    return len((await ingest_jma(job_ctx["app"])).changed_notice_ids)


async def send_digests_job(job_ctx: dict[str, Any]) -> int:
    """Queue the digests that fell due (the worker's outbox drain sends them)."""
    return (await asyncio.to_thread(send_digests, job_ctx["app"])).queued


def erase_unseen(ctx: AppContext) -> int:
    """Erase anonymous profiles unseen for the retention period (privacy: nothing kept
    about a resident who left); a batch per run, the next tick takes the rest."""
    with session_scope(ctx.sessions) as session:
        erased = erase_unseen_profiles(session, ctx.settings.profile_retention_days)
    if erased:
        log.info("erased %d profiles unseen for %d days", erased,
                 ctx.settings.profile_retention_days)
    return erased


async def erase_unseen_profiles_job(job_ctx: dict[str, Any]) -> int:
    return await asyncio.to_thread(erase_unseen, job_ctx["app"])


async def crawl_source_job(job_ctx: dict[str, Any], source_id: int) -> dict[str, Any]:
    report = await crawl_sources(job_ctx["app"], source_ids=[source_id])
    return asdict(report)


def redis_settings(settings: Settings) -> RedisSettings:
    if not settings.redis_url:
        raise RuntimeError("MYMACHI_REDIS_URL is not set: the worker needs Redis")
    return RedisSettings.from_dsn(settings.redis_url)


def make_worker(settings: Settings, *, burst: bool = False, ctx: AppContext | None = None
                ) -> Worker:
    app_ctx = ctx or AppContext.build(settings)
    lease = settings.job_lease_seconds
    renewing: list[asyncio.Task[None]] = []
    stops: list[Callable[[], Awaitable[None]]] = []

    async def startup(job_ctx: dict[str, Any]) -> None:
        job_ctx["app"] = app_ctx
        renewing.append(asyncio.create_task(_renew_leases(worker, job_ctx["redis"], lease),
                                            name="mymachi-job-leases"))
        # Every worker drains the outbox (claims keep them from sending a row twice).
        stops.append(start_delivery(app_ctx))

    async def shutdown(job_ctx: dict[str, Any]) -> None:
        for task in renewing:
            task.cancel()
        for stop in stops:
            await stop()
        await asyncio.to_thread(app_ctx.crawl_pools.shutdown)

    worker = Worker(
        functions=[func(crawl_due_job, name="crawl_due", max_tries=3),
                   func(crawl_source_job, name="crawl_source", max_tries=3),
                   func(flush_counters_job, name="flush_counters", max_tries=3),
                   func(refit_scorer_job, name="refit_scorer", max_tries=2),
                   func(jma_alerts_job, name="jma_alerts", max_tries=2),
                   func(send_digests_job, name="send_digests", max_tries=2),

                   func(erase_unseen_profiles_job, name="erase_unseen_profiles",
                        max_tries=2)],
        redis_settings=redis_settings(settings),
        queue_name=QUEUE_NAME,
        on_startup=startup,
        on_shutdown=shutdown,
        burst=burst,
        max_jobs=4,
        job_timeout=1800,
        keep_result=3600,
        handle_signals=not burst,
    )
    # arq marks a started job "in progress" for job_timeout + 10 s: a worker killed with
    # SIGKILL would hold its jobs for half an hour. A short lease, renewed while the job
    # runs, lets a restarted (or another) worker take them up within `lease` seconds.
    worker.in_progress_timeout_s = lease
    return worker


async def _renew_leases(worker: Worker, pool: ArqRedis, lease: float) -> None:
    while True:
        await asyncio.sleep(lease / 3)
        if worker.main_task is not None and worker.main_task.done():
            return  # that worker lost Redis and was replaced (see run_worker)
        try:
            async with pool.pipeline(transaction=False) as pipe:
                for job_id in list(worker.tasks):
                    # PEXPIRE only touches a key that exists: a finished job stays finished.
                    pipe.pexpire(in_progress_key_prefix + job_id, int(lease * 1000))
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("could not renew job leases: %s", exc)


async def run_worker(settings: Settings, ctx: AppContext, *, retry_max: float = 10.0) -> None:
    """Run the arq worker until SIGTERM/SIGINT. When Redis goes away, the worker waits for
    it and carries on (arq alone would exit): jobs enqueued after Redis returns run."""
    await _run_outliving_redis(lambda: make_worker(settings, ctx=ctx), "worker", retry_max)


async def _run_outliving_redis(make: Callable[[], Worker], name: str,
                               retry_max: float = 10.0) -> None:
    stop = asyncio.Event()

    def on_stop(_signal: object) -> None:
        stop.set()  # also while waiting for Redis: SIGTERM must end the wait, not a new worker

    delay = 1.0
    while True:
        worker = make()
        worker.on_stop = on_stop
        started = time.monotonic()
        try:
            await worker.async_run()
            return
        except asyncio.CancelledError:
            if stop.is_set():
                return
            raise
        except (RedisError, OSError) as exc:
            log.warning("%s lost Redis (%s); reconnecting in %.0f s", name, exc, delay)
        finally:
            with contextlib.suppress(Exception):
                await worker.close()
        if time.monotonic() - started > retry_max:
            delay = 1.0  # it had been running: a new outage starts with a quick retry
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            log.info("%s stopped while waiting for Redis", name)
            return
        delay = min(delay * 2, retry_max)


async def enqueue_crawl(settings: Settings, *, tick: int | None = None,
                        source_id: int | None = None) -> bool:
    """Enqueue a crawl job. With a tick, the job id makes it once per tick cluster-wide."""
    name = "crawl_due" if source_id is None else "crawl_source"
    with _counted(name):
        pool: ArqRedis = await create_pool(redis_settings(settings),
                                           default_queue_name=QUEUE_NAME)
    try:
        if source_id is not None:
            job = await pool.enqueue_job("crawl_source", source_id,
                                         _job_id=f"crawl_source:{source_id}:{tick or 0}")
        else:
            job = await pool.enqueue_job("crawl_due", _job_id=f"crawl_due:{tick}"
                                         if tick is not None else None)
        JOBS_ENQUEUED.labels(name, "enqueued" if job is not None else "duplicate").inc()
        return job is not None
    finally:
        await pool.aclose()


async def enqueue_job(settings: Settings, name: str, *args: Any, job_id: str | None = None
                      ) -> bool:
    with _counted(name):
        pool: ArqRedis = await create_pool(redis_settings(settings),
                                           default_queue_name=QUEUE_NAME)
    try:
        enqueued = await pool.enqueue_job(name, *args, _job_id=job_id) is not None
        JOBS_ENQUEUED.labels(name, "enqueued" if enqueued else "duplicate").inc()
        return enqueued
    finally:
        await pool.aclose()


@contextlib.contextmanager
def _counted(name: str) -> Iterator[None]:
    """Count an offer that failed because Redis could not be reached."""
    try:
        yield
    except Exception:
        JOBS_ENQUEUED.labels(name, "failed").inc()
        raise


# --- scheduler (arq cron) -------------------------------------------------------------------
# arq's cron runs inside a Worker, which also takes jobs from its queue: the scheduler is a
# Worker of its own queue whose only job is the tick, so it never runs a crawl itself. The
# tick job offers the real jobs under ids holding the tick number (`crawl_due:<tick>`), which
# ops tools read and which keep them once per tick even if two ticks overlap.


def cron_times(period: float) -> dict[str, Any]:
    """arq cron's time sets for a tick of `period` seconds (UTC, so a tick starts where
    time // period changes). Cron names times of the clock, so the period must divide a
    minute, an hour or a day."""
    seconds = int(period)
    if seconds == period and seconds > 0:
        if 60 % seconds == 0:
            return {"second": set(range(0, 60, seconds))}
        if seconds % 60 == 0 and 3600 % seconds == 0:
            return {"minute": set(range(0, 60, seconds // 60)), "second": 0}
        if seconds % 3600 == 0 and 86400 % seconds == 0:
            return {"hour": set(range(0, 24, seconds // 3600)), "minute": 0, "second": 0}
    raise ValueError(f"MYMACHI_SCHEDULER_TICK_SECONDS={period:g}: the scheduler's tick must "
                     "be whole seconds dividing a minute, an hour or a day (e.g. 30, 300)")


async def scheduler_tick_job(job_ctx: dict[str, Any]) -> int:
    """Offer this tick's jobs to the workers; returns how many were new."""
    settings: Settings = job_ctx["settings"]
    pool: ArqRedis = job_ctx["redis"]
    tick = int(time.time() // settings.scheduler_tick_seconds)
    names = ["crawl_due", "flush_counters", "refit_scorer", "erase_unseen_profiles"]
    if settings.email_enabled:
        names.append("send_digests")
    if settings.jma_feed_url:
        names.append("jma_alerts")
    new = 0
    for name in names:
        with _counted(name):
            job = await pool.enqueue_job(name, _job_id=f"{name}:{tick}", _queue_name=QUEUE_NAME)
        JOBS_ENQUEUED.labels(name, "enqueued" if job is not None else "duplicate").inc()
        new += job is not None
    SCHEDULER_TICK.set_to_current_time()
    return new


def make_scheduler(settings: Settings) -> Worker:
    period = settings.scheduler_tick_seconds
    tick = cron(scheduler_tick_job, name="scheduler_tick", unique=True, run_at_startup=True,
                keep_result=2 * period, **cron_times(period))

    async def startup(job_ctx: dict[str, Any]) -> None:
        job_ctx["settings"] = settings

    return Worker(functions=[], cron_jobs=[tick], redis_settings=redis_settings(settings),
                  queue_name=SCHEDULER_QUEUE, on_startup=startup, max_jobs=1,
                  timezone=UTC, handle_signals=True)


async def run_scheduler(settings: Settings) -> None:
    """Offer each tick's jobs until SIGTERM/SIGINT. Survives Redis restarts: a tick missed
    while Redis was away is not made up, the next `crawl_due` crawls all that became due."""
    cron_times(settings.scheduler_tick_seconds)  # a tick cron cannot name: fail at once
    await _run_outliving_redis(lambda: make_scheduler(settings), "scheduler")
