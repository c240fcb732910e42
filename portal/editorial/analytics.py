"""What residents read: events counted without personal data, aggregated for editors.

A count is residents, not requests: each (resident, article, kind) counts once a day (see
`record`), so "impressions" are residents who were shown an article and the open rate is the
share of them who opened it.

Aggregates below `min_count` are suppressed (shown as "< n", left out of exports), so no
single resident can be picked out of a small ward or a rare category.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Article, Profile, ReadCounter, utcnow
from portal.runtime.counters import KINDS, counter_field

DIMENSIONS = ("category", "department", "ward", "hour")
SHOWN_KINDS = ("impression", "open", "save", "hide")


def record(ctx: AppContext, profile: Profile | None, article_ids: Iterable[int], kind: str,
           at: datetime | None = None) -> None:
    """Count an event once per article, under the resident's ward: the first they chose
    (the form offers one), or none. Once, so totals by topic or hour are not multiplied
    for residents who follow several wards. And once per (resident, article, kind, day):
    a count is residents, not page loads, so one feed reloaded a thousand times counts one.
    Without a profile there is nobody to tell apart: each event counts."""
    if kind not in KINDS:
        return
    at = at or utcnow()
    ward = profile.areas[0] if profile is not None and profile.areas else ""
    fields = [counter_field(aid, kind, ward, at) for aid in article_ids]
    if profile is None:
        ctx.counters.add(fields)
    else:
        ctx.counters.add_once(profile.id, fields)


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    counts: dict[str, int]
    suppressed: bool

    @property
    def open_rate(self) -> float | None:
        shown = self.counts.get("impression", 0)
        return self.counts.get("open", 0) / shown if shown else None


def aggregate(session: Session, dimension: str, since: date, min_count: int) -> list[Row]:
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    query = (
        select(ReadCounter.hour, ReadCounter.ward, ReadCounter.kind, ReadCounter.count,
               Article.department, Article.categories)
        .join(Article, Article.id == ReadCounter.article_id)
        .where(ReadCounter.day >= since.isoformat())
    )
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SHOWN_KINDS, 0))
    for hour, ward, kind, count, department, categories in session.execute(query):
        if kind not in SHOWN_KINDS:
            continue
        if dimension == "category":
            keys = list(categories or []) or ["-"]
        elif dimension == "department":
            keys = [department]
        elif dimension == "ward":
            keys = [ward or "-"]
        else:
            keys = [f"{hour:02d}"]
        for key in keys:
            totals[key][kind] += count
    rows = [
        Row(key, counts, suppressed=any(0 < v < min_count for v in counts.values()))
        for key, counts in totals.items()
    ]
    if dimension == "hour":
        return sorted(rows, key=lambda r: r.key)
    return sorted(rows, key=lambda r: -r.counts["impression"])


def visible(row: Row, min_count: int) -> dict[str, int | None]:
    """Counts fit to publish: a count below the threshold becomes None ("< n")."""
    return {k: (v if v == 0 or v >= min_count else None) for k, v in row.counts.items()}


def to_csv(rows: list[Row], dimension: str, min_count: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([dimension, *SHOWN_KINDS])
    for row in rows:
        values = visible(row, min_count)
        writer.writerow([row.key, *("" if values[k] is None else values[k]
                                    for k in SHOWN_KINDS)])
    return out.getvalue()


def default_since(days: int = 30) -> date:
    return (utcnow() - timedelta(days=days)).date()
