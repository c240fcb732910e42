"""Sources (department feeds and pages), their health, and the city's sources file."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crawlers import CrawlError, CrawlOutcome, SourceSpec
from portal.cityfiles import MIN_POLL_SECONDS, ConfigProblem, read_sources_file
from portal.db.models import Source, utcnow
from portal.db.session import get_by_id
from portal.editorial.audit import audit

# After this many failures in a row a source is "failing" rather than "degraded".
FAILING_AFTER = 3
QUIET_AFTER_DAYS = 30  # the default of source.quiet_after_days
MAX_BACKOFF = timedelta(hours=6)
MAX_RETRY_AFTER = timedelta(hours=24)  # a server asking for longer is asked again after a day
JITTER = 0.1  # ±10% on every poll interval, so sources added together drift apart


@dataclass(frozen=True, slots=True)
class SourceHealth:
    state: str  # ok | quiet | degraded | failing | paused | new
    detail: str


def health_of(source: Source, now: datetime | None = None) -> SourceHealth:
    """ok: the last crawl worked; degraded: the last crawl failed, or worked while some
    article pages could not be read; failing: FAILING_AFTER crawls in a row failed; quiet:
    it answers but has published nothing new for its quiet_after_days."""
    if source.paused:
        return SourceHealth("paused", "")
    if source.consecutive_failures >= FAILING_AFTER:
        return SourceHealth("failing", source.last_error or "")
    if source.consecutive_failures:
        return SourceHealth("degraded", source.last_error or "")
    if source.last_ok_at is None:
        return SourceHealth("new", "")
    if is_quiet(source, now or utcnow()):
        return SourceHealth("quiet", source.last_error or "")
    if source.last_error:
        return SourceHealth("degraded", source.last_error)
    return SourceHealth("ok", "")


def is_quiet(source: Source, now: datetime) -> bool:
    """Nothing new for quiet_after_days since the last new article (or since it was added)."""
    since = source.last_new_at or source.created_at
    days = source.quiet_after_days or QUIET_AFTER_DAYS
    return since is not None and now - since >= timedelta(days=days)


def record_new_articles(source: Source, count: int, now: datetime) -> None:
    if count:
        source.last_new_at = now


def add_source(
    session: Session, url: str, department: str, *, kind: str = "auto",
    rules: dict[str, str] | None = None, name: str = "", poll_interval_seconds: int = 900,
    quiet_after_days: int = QUIET_AFTER_DAYS,
) -> Source:
    """Add a source, or update the one with this URL (idempotent)."""
    source = session.scalar(select(Source).where(Source.url == url))
    if source is None:
        source = Source(url=url, department=department, etag=None, last_modified=None)
        session.add(source)
    elif source.kind != kind or dict(source.rules or {}) != dict(rules or {}):
        # What the listing is changed: read it afresh, not "304 Not Modified".
        source.etag = source.last_modified = source.feed_url = None
    source.department = department
    source.kind = kind
    source.rules = dict(rules or {})
    source.name = name or source.name or department
    source.poll_interval_seconds = max(MIN_POLL_SECONDS, poll_interval_seconds)
    source.quiet_after_days = quiet_after_days
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
        feed_url=source.feed_url,
    )


def next_poll(source: Source, now: datetime, rng: random.Random | None = None) -> datetime:
    """The poll interval with jitter, so hundreds of sources do not fire at the same second."""
    interval = source.poll_interval_seconds * (1 + (rng or random).uniform(-JITTER, JITTER))
    return now + timedelta(seconds=max(MIN_POLL_SECONDS, interval))


def record_outcome(source: Source, outcome: CrawlOutcome, now: datetime) -> None:
    """Store the fetch result on the source: validators, health, next fetch with backoff."""
    source.last_fetch_at = now
    if outcome.error is not None:
        record_failure(source, outcome.error, now)
        return
    source.last_ok_at = now
    source.consecutive_failures = 0
    source.last_error, source.last_error_kind = _page_errors_in_words(outcome)
    if not outcome.not_modified:
        source.etag = outcome.etag
        source.last_modified = outcome.last_modified
        source.feed_url = outcome.feed_url
    source.next_fetch_at = next_poll(source, now)


def _page_errors_in_words(outcome: CrawlOutcome) -> tuple[str | None, str | None]:
    """A crawl that worked but could not read some pages: the most common reason, in words."""
    if not outcome.page_errors:
        return None, None
    kinds = Counter(error.kind for _, error in outcome.page_errors)
    kind, _ = kinds.most_common(1)[0]
    example = next(error for _, error in outcome.page_errors if error.kind == kind)
    count = len(outcome.page_errors)
    noun = "page" if count == 1 else "pages"
    return f"{count} linked {noun} could not be read; e.g. {example.detail}", kind


def record_failure(source: Source, error: CrawlError, now: datetime) -> None:
    source.consecutive_failures += 1
    source.last_error_kind = error.kind
    source.last_error = error.detail
    interval = timedelta(seconds=source.poll_interval_seconds)
    # Exponential backoff: a broken department server is not hammered.
    wait = min(interval * (2 ** (source.consecutive_failures - 1)), MAX_BACKOFF)
    if error.retry_after is not None:  # the server said when to come back (429/503)
        wait = max(wait, min(timedelta(seconds=error.retry_after), MAX_RETRY_AFTER))
    source.next_fetch_at = now + wait


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.department, Source.id)))


def get_source(session: Session, source_id: int) -> Source | None:
    return get_by_id(session, Source, source_id)


def source_with_url(session: Session, url: str) -> Source | None:
    return session.scalar(select(Source).where(Source.url == url))


# -- editors' changes to a source (audited) -----------------------------------------------------

RULE_FIELDS = ("item", "link", "title", "date")


def add_source_by_editor(session: Session, editor_id: int, url: str, department: str, *,
                         poll_interval_seconds: int) -> Source:
    source = add_source(session, url, department, poll_interval_seconds=poll_interval_seconds)
    audit(session, editor_id, "source.add", f"source:{source.id}",
          {"url": url, "department": department})
    return source


def set_source_paused(session: Session, editor_id: int, source: Source, paused: bool) -> None:
    source.paused = paused
    if not paused:
        source.next_fetch_at = None  # resume now, not after the old backoff
    audit(session, editor_id, "source.pause" if paused else "source.resume",
          f"source:{source.id}")


def set_source_rules(session: Session, editor_id: int, source: Source,
                     rules: dict[str, str]) -> None:
    """CSS selectors for a department that only has an HTML list page (RULE_FIELDS; empty
    ones are dropped). An item and a link selector make it an HTML source."""
    rules = {k: v for k, v in rules.items() if k in RULE_FIELDS and v}
    before = dict(source.rules or {})
    source.rules = rules
    if rules.get("item") and rules.get("link"):
        source.kind = "html"
    elif source.kind == "html":
        source.kind = "auto"  # rules cleared: let the crawler recognise the page again
    source.etag = source.last_modified = None  # re-read the page with the new rules
    source.next_fetch_at = None
    audit(session, editor_id, "source.rules", f"source:{source.id}",
          {"from": before, "to": rules})


# -- the city's sources file ------------------------------------------------------------------


class SourcesFileError(ValueError):
    """A sources file that cannot be imported; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    url: str
    department: str
    kind: str = "auto"
    name: str = ""
    rules: dict[str, str] = field(default_factory=dict)
    poll_interval_seconds: int = 900
    quiet_after_days: int = QUIET_AFTER_DAYS


def load_sources_file(path: Path) -> list[SourceConfig]:
    """`[[source]]` tables from a TOML file (see config/sources.example.toml)."""
    try:
        parsed = read_sources_file(path)
    except ConfigProblem as problem:
        raise SourcesFileError("\n".join(problem.lines)) from None
    return [
        SourceConfig(url=entry.url, department=entry.department, kind=entry.kind,
                     name=entry.name, rules=dict(entry.rules),
                     poll_interval_seconds=entry.poll_interval or parsed.poll_interval,
                     quiet_after_days=entry.quiet_days or parsed.quiet_days)
        for entry in parsed.source
    ]


def import_sources(session: Session, configs: list[SourceConfig]) -> tuple[int, int]:
    """Add or update every configured source. Returns (added, updated)."""
    added = updated = 0
    for config in configs:
        exists = session.scalar(select(Source.id).where(Source.url == config.url)) is not None
        add_source(session, config.url, config.department, kind=config.kind,
                   rules=config.rules, name=config.name,
                   poll_interval_seconds=config.poll_interval_seconds,
                   quiet_after_days=config.quiet_after_days)
        updated, added = (updated + 1, added) if exists else (updated, added + 1)
    return added, updated
