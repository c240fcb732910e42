"""Official alerts: JMA weather warnings for the city's areas become notices by themselves.

特別警報 → emergency, 警報 → warning (advisories are left to the weather apps). One notice
per (JMA area, warning kind), keyed by `external_key`, so re-reading a report changes
nothing. A report older than the notice's last change is ignored: an editor who withdrew an
automatic notice is not overruled by the same report, only by a new 発表.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers import CrawlError
from crawlers.jma import (
    WarningArea,
    WarningKind,
    WarningReport,
    is_warning_report,
    parse_jma_feed,
    parse_warning_report,
)
from portal.context import AppContext
from portal.db.models import Notice, utcnow
from portal.db.session import session_scope
from portal.editorial.notices import NoticeInput, cancel_notice, create_notice, update_notice
from portal.ingest.fetcher import make_fetcher

log = logging.getLogger(__name__)
MAX_REPORTS = 50


@dataclass
class AlertsReport:
    reports: int = 0
    changed_notice_ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _input(report: WarningReport, area: WarningArea, kind: WarningKind, ward: str
           ) -> NoticeInput:
    issued = report.reported_at.strftime("%Y-%m-%d %H:%M") if report.reported_at else ""
    body = "\n\n".join(filter(None, [report.headline, f"{report.office} {issued} 発表"]))
    return NoticeInput(
        severity=kind.severity or "warning", title=f"{kind.name}({area.name})", body=body,
        scope_categories=[], scope_areas=[ward] if ward else [],
        starts_at=report.reported_at or utcnow(), ends_at=None,
    )


def _newer(report: WarningReport, notice: Notice) -> bool:
    """Only a report newer than the notice's last change may change it (an editor's
    withdrawal after a report is not overruled by that same report)."""
    return report.reported_at is None or notice.updated_at < report.reported_at


def apply_report(session: Session, report: WarningReport, codes: dict[str, str]) -> list[int]:
    """Bring the notices of each of the city's areas in line with one report; returns the
    changed notice ids.

    An area's item lists the kinds in force after this report. A status other than 継続
    (発表, 特別警報から警報, 注意報から警報, …) is news: it issues (or re-issues) that kind. A
    kind the item no longer holds in force, such as the 特別警報 after 特別警報から警報, or
    one marked 解除, is withdrawn.
    """
    if report.status != "通常":  # 訓練 (drill) and 試験 (test) reports are not real
        return []
    changed: list[int] = []
    for area in report.areas:
        if area.code not in codes:
            continue
        prefix = f"jma:{area.code}:"
        in_force = {k.code: k for k in area.kinds if k.in_force and k.severity is not None}
        existing = {n.external_key: n for n in session.scalars(
            select(Notice).where(Notice.external_key.startswith(prefix)))}
        for key, notice in existing.items():
            if key.removeprefix(prefix) not in in_force and notice.state == "published" \
                    and _newer(report, notice):
                cancel_notice(session, None, notice, reason="JMA: no longer in force")
                notice.updated_at = report.reported_at or utcnow()
                changed.append(notice.id)
        for code, kind in in_force.items():
            data = _input(report, area, kind, codes[area.code])
            notice = existing.get(prefix + code)
            if notice is None:
                notice = create_notice(session, None, data, origin="jma",
                                       external_key=prefix + code)
            elif not _newer(report, notice):
                continue
            elif notice.state == "published" or kind.status != "継続":
                notice.state = "published"
                update_notice(session, None, notice, data)
            else:
                continue  # withdrawn by an editor and only continued by JMA: stays withdrawn
            # The report's own time, so a later report (or an editor's action) wins.
            notice.updated_at = report.reported_at or utcnow()
            changed.append(notice.id)
    return changed


async def ingest_jma(ctx: AppContext) -> AlertsReport:
    """Read the JMA feed and apply every warning report in it, oldest first."""
    result = AlertsReport()
    url, codes = ctx.settings.jma_feed_url, ctx.city.jma_codes
    if not url or not codes:
        return result
    async with make_fetcher(ctx.settings) as fetcher:
        try:
            entries = parse_jma_feed((await fetcher.fetch(url)).content)
        except CrawlError as exc:
            result.errors.append(f"{url}: {exc}")
            return result
        reports = [e for e in entries if is_warning_report(e)]
        reports.sort(key=lambda e: e.updated or utcnow())
        for entry in reports[-MAX_REPORTS:]:
            try:
                report = parse_warning_report((await fetcher.fetch(entry.url)).content)
            except CrawlError as exc:
                result.errors.append(f"{entry.url}: {exc}")
                continue
            result.reports += 1
            try:
                result.changed_notice_ids += await asyncio.to_thread(_store, ctx, report, codes)
            except Exception as exc:  # one bad report must not block the ones after it
                log.exception("JMA report %s could not be applied", entry.url)
                result.errors.append(f"{entry.url}: {type(exc).__name__}: {exc}")
    for notice_id in result.changed_notice_ids:
        ctx.live.publish({"type": "notice", "id": notice_id})
    if result.errors:
        log.warning("JMA alerts: %s", "; ".join(result.errors))
    return result


def _store(ctx: AppContext, report: WarningReport, codes: dict[str, str]) -> list[int]:
    with session_scope(ctx.sessions) as session:
        return apply_report(session, report, codes)
