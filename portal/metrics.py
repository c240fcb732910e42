"""Prometheus metrics, served at /metrics (web) and on MYMACHI_METRICS_PORT (worker, scheduler).

Counters live in the process that counts them: crawls run by `mymachi worker` are scraped from
the worker's own port. Backlog numbers (jobs queued in Redis, sources due) are read from the
shared stores at scrape time by the web process, so they are right whichever process enqueued.
No label ever holds an id, a token or a query string: routes are templates, sources are keys.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIServer

import redis
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, or_, select

if TYPE_CHECKING:
    from portal.context import AppContext
    from portal.settings import Settings

log = logging.getLogger(__name__)

REQUESTS = Counter("mymachi_http_requests_total", "HTTP requests", ["method", "route", "status"])
REQUEST_SECONDS = Histogram("mymachi_http_request_seconds", "HTTP request latency", ["route"])
FEEDS_SERVED = Counter("mymachi_feeds_served_total", "Personal feeds served", ["cache"])

# Crawling, per source (label: source_key(url)).
CRAWL_OUTCOMES = Counter("mymachi_crawl_outcomes_total",
                         "Source crawls by source and outcome (ok, not_modified, locked, or an "
                         "error kind)", ["source", "outcome"])
CRAWL_SECONDS = Histogram("mymachi_crawl_fetch_seconds",
                          "Time to crawl one source (listing and new pages)", ["source"],
                          buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
CRAWL_ARTICLES = Counter("mymachi_crawl_articles_total", "Articles stored by crawls",
                         ["source", "change"])

# Background jobs (the scheduler's own process counts these).
JOBS_ENQUEUED = Counter("mymachi_jobs_enqueued_total",
                        "Jobs the scheduler offered to the queue, by result (enqueued, "
                        "duplicate: already queued this tick, failed: Redis away)",
                        ["job", "result"])
SCHEDULER_TICK = Gauge("mymachi_scheduler_last_tick_timestamp_seconds",
                       "When this scheduler last enqueued its jobs (Unix time)")

# Live notices.
NOTICE_FANOUT_SECONDS = Histogram(
    "mymachi_notice_fanout_seconds",
    "Seconds from a notice's publication to its delivery on one open SSE stream",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
SSE_STREAMS = Gauge("mymachi_sse_streams", "Open live-notice (SSE) streams in this process")


def source_key(url: str) -> str:
    """A source's label: host and path of its URL. Never the query or credentials, which
    may hold keys, and stable across crawls (the URL is the source's unique key)."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path or '/'}"


# --- backlog, read at scrape time -----------------------------------------------------------


class BacklogCollector(Collector):
    """Jobs waiting in the arq queue (ZCARD) and sources due for a crawl, read when scraped.
    A store that is down leaves its metric out (and says so in *_up); a scrape never fails."""

    def __init__(self, ctx: AppContext, queue_name: str) -> None:
        self.ctx = ctx
        self.queue_name = queue_name

    def collect(self) -> Iterator[GaugeMetricFamily]:
        redis_url = self.ctx.settings.redis_url
        if redis_url:  # embedded mode has no queue: crawls run in the web process
            up = GaugeMetricFamily("mymachi_queue_up", "1 if the job queue (Redis) answered")
            jobs = self._queued(redis_url)
            up.add_metric([], 0 if jobs is None else 1)
            yield up
            if jobs is not None:
                depth = GaugeMetricFamily(
                    "mymachi_queue_jobs",
                    "Jobs in the arq queue (waiting, deferred, or started and not finished)")
                depth.add_metric([], jobs)
                yield depth
        due = self._due()
        if due is not None:
            family = GaugeMetricFamily("mymachi_sources_due",
                                       "Unpaused sources whose next crawl time has come")
            family.add_metric([], due)
            yield family

    def _queued(self, redis_url: str) -> int | None:
        client = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
        try:
            return int(client.zcard(self.queue_name))
        except (redis.RedisError, OSError) as exc:
            log.warning("metrics: job queue unreadable: %s", exc)
            return None
        finally:
            client.close()

    def _due(self) -> int | None:
        from portal.db.models import Source, utcnow

        query = select(func.count(Source.id)).where(
            Source.paused.is_(False),
            or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= utcnow()))
        try:
            with self.ctx.sessions() as session:
                return int(session.scalar(query) or 0)
        except Exception as exc:  # SQL away: /healthz reports it, /metrics still answers
            log.warning("metrics: sources unreadable: %s", type(exc).__name__)
            return None


def backlog_registry(ctx: AppContext, queue_name: str) -> CollectorRegistry:
    """A registry for one scrape: the backlog of this app's stores (one app, one context)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(BacklogCollector(ctx, queue_name))
    return registry


def start_metrics_server(settings: Settings, role: str) -> WSGIServer | None:
    """Serve this process's metrics on MYMACHI_METRICS_PORT (worker, scheduler) from a
    daemon thread; None when no port is set or it cannot be bound (logged: the jobs matter
    more than their metrics). Port 0 binds any free one (see server_address)."""
    if settings.metrics_port is None:
        return None
    try:
        server, _thread = start_http_server(settings.metrics_port, addr=settings.metrics_host)
    except OSError as exc:
        log.error("%s metrics: cannot listen on %s:%d (%s); running without them", role,
                  settings.metrics_host, settings.metrics_port, exc)
        return None
    log.info("%s metrics at http://%s:%d/metrics", role, settings.metrics_host,
             server.server_address[1])
    return server
