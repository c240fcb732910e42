"""`mymachi notice publish` and `mymachi digest send` (Stable contracts: ARCHITECTURE.md)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from portal.settings import Settings

notice_app = typer.Typer(no_args_is_help=True, help="Priority notices.")
digest_app = typer.Typer(no_args_is_help=True, help="Email digests.")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


@notice_app.command("publish")
def publish(
    title: Annotated[str, typer.Option(help="The notice's title.")],
    body: Annotated[str, typer.Option(help="The notice's text (Markdown).")] = "",
    severity: Annotated[str, typer.Option(help="emergency, warning or info")] = "info",
    category: Annotated[list[str] | None, typer.Option(help="Topic slug (repeatable).")] = None,
    area: Annotated[list[str] | None, typer.Option(help="Ward slug (repeatable).")] = None,
    ends: Annotated[str | None, typer.Option(help="End time, ISO-8601.")] = None,
    as_json: bool = typer.Option(False, "--json", help='Print {"id": …}.'),
) -> None:
    """Publish a notice as the console would (audited as the CLI); delivery starts at once:
    a running worker (or embedded `mymachi serve`) sends it within seconds."""
    from portal.cli import _context
    from portal.db.models import utcnow
    from portal.db.session import session_scope
    from portal.editorial.notices import SEVERITIES, NoticeError, NoticeInput, create_notice
    from portal.i18n import t

    if severity not in SEVERITIES:
        raise _fail(f"--severity must be one of {', '.join(SEVERITIES)}")
    ends_at = None
    if ends:
        try:
            ends_at = datetime.fromisoformat(ends)
        except ValueError:
            raise _fail(f"--ends: not an ISO-8601 time: {ends!r}") from None
        if ends_at.tzinfo is None:
            from portal.i18n import JST

            ends_at = ends_at.replace(tzinfo=JST)  # a local time, as editors write it
    ctx = _context(Settings())
    known = {c.slug for c in ctx.taxonomy.categories}
    for slug in category or []:
        if slug not in known:
            raise _fail(f"--category: unknown topic {slug!r}")
    wards = {a.slug for a in ctx.areas}
    for slug in area or []:
        if slug not in wards:
            raise _fail(f"--area: unknown area {slug!r}")
    data = NoticeInput(severity=severity, title=title, body=body,
                       scope_categories=list(category or []), scope_areas=list(area or []),
                       starts_at=utcnow(), ends_at=ends_at)
    try:
        with session_scope(ctx.sessions) as session:
            notice = create_notice(session, None, data, origin="cli")
            notice_id = notice.id
    except NoticeError as exc:
        raise _fail(t(str(exc), "en")) from None
    ctx.live.publish({"type": "notice", "id": notice_id})  # open pages (through Redis)
    typer.echo(json.dumps({"id": notice_id}) if as_json else str(notice_id))


@digest_app.command("send")
def send(
    frequency: Annotated[str | None, typer.Option(help="daily or weekly (default both)")] = None,
    dry_run: bool = typer.Option(False, "--dry-run", help="Count, queue nothing."),
) -> None:
    """Queue the digests that are due; the outbox drain (worker or embedded) sends them."""
    from portal.cli import _context
    from portal.delivery.digests import FREQUENCIES, send_digests

    if frequency is not None and frequency not in FREQUENCIES:
        raise _fail("--frequency must be daily or weekly")
    ctx = _context(Settings())
    report = send_digests(ctx, frequency, dry_run=dry_run)
    verb = "would be queued" if dry_run else "queued"
    typer.echo(f"{report.queued} digests {verb}, {report.empty} with nothing new "
               f"({report.considered} due, {report.seconds:.1f} s)")
