"""Sources (department feeds and pages) and their health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crawlers import CrawlError, CrawlOutcome, SourceSpec
from portal.db.models import Source

# After this many failures in a row a source is "failing" rather than "degraded".
FAILING_AFTER = 3
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    state: str  # ok | degraded | failing | paused | new
    detail: str


def health_of(source: Source) -> SourceHealth:
    if source.paused:
        return SourceHealth("paused", "")
    if source.consecutive_failures >= FAILING_AFTER:
        return SourceHealth("failing", source.last_error or "")
    if source.consecutive_failures:
        return SourceHealth("degraded", source.last_error or "")
    if source.last_ok_at is None:
        return SourceHealth("new", "")
    return SourceHealth("ok", "")


def add_source(
    session: Session, url: str, department: str, *, kind: str = "auto",
    rules: dict[str, str] | None = None, name: str = "", poll_interval_seconds: int = 900,
) -> Source:
    """Add a source, or update the one with this URL (idempotent)."""
    source = session.scalar(select(Source).where(Source.url == url))
    if source is None:
        source = Source(url=url, department=department, etag=None, last_modified=None)
        session.add(source)
    source.department = department
    source.kind = kind
    source.rules = dict(rules or {})
    source.name = name or source.name or department
    source.poll_interval_seconds = poll_interval_seconds
    session.flush()
    return source


def due_sources(session: Session, now: datetime, *, force: bool = False) -> list[Source]:
    query = select(Source).where(Source.paused.is_(False)).order_by(Source.id)
    if not force:
        query = query.where(or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now))
    return list(session.scalars(query))


def spec_of(source: Source) -> SourceSpec:
    return SourceSpec(
        url=source.url,
        department=source.department,
        kind=source.kind,  # type: ignore[arg-type]
        rules=dict(source.rules or {}),
        etag=source.etag,
        last_modified=source.last_modified,
    )


def record_outcome(source: Source, outcome: CrawlOutcome, now: datetime) -> None:
    """Store the fetch result on the source: validators, health, next fetch with backoff."""
    source.last_fetch_at = now
    interval = timedelta(seconds=source.poll_interval_seconds)
    if outcome.error is None:
        source.last_ok_at = now
        source.consecutive_failures = 0
        source.last_error = None
        source.last_error_kind = None
        if not outcome.not_modified:
            source.etag = outcome.etag
            source.last_modified = outcome.last_modified
        source.next_fetch_at = now + interval
        return
    record_failure(source, outcome.error, now)


def record_failure(source: Source, error: CrawlError, now: datetime) -> None:
    source.consecutive_failures += 1
    source.last_error_kind = error.kind
    source.last_error = str(error)
    interval = timedelta(seconds=source.poll_interval_seconds)
    # Exponential backoff: a broken department server is not hammered.
    backoff = min(interval * (2 ** (source.consecutive_failures - 1)), MAX_BACKOFF)
    source.next_fetch_at = now + backoff


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.department, Source.id)))


def utcnow() -> datetime:
    return datetime.now(UTC)
