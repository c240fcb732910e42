"""Draining the outbox: run by `mymachi worker` and, when embedded, inside `mymachi serve`.

Each channel sends on a few connections at once. A connection's loop records the outcome
of its previous message and claims the next one in one transaction (one commit a message),
so a killed worker leaves at most one row per connection whose fate is unknown; those are
failed by the sweep, never sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from portal.context import AppContext
from portal.db.models import Delivery, Notice, Profile, Subscription, Webhook, utcnow
from portal.delivery import outbox
from portal.delivery.email import (
    MailRenderer,
    SendError,
    SmtpSender,
    compose,
    mail_from_address,
    message_id,
    parse_smtp_url,
)
from portal.delivery.webhooks import DeliveryFailed, make_client, notice_payload, post_signed
from portal.editorial.richtext import render_notice_body
from portal.residents.subscriptions import confirm_token, unsubscribe_token

log = logging.getLogger(__name__)
BATCH = 500


class RateLimit:
    """At most `rate` sends a second across a channel's connections (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


Prepared = tuple[int, Any]  # (delivery id, what the channel sends)


class DeliveryRunner:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx, s = ctx, ctx.settings
        self.renderer = MailRenderer(s.templates_dir, s.public_url, ctx.city_name)
        self.limits = {"email": RateLimit(s.delivery_rate_email),
                       "webhook": RateLimit(s.delivery_rate_webhook)}
        # A channel whose server is down is left alone until then (rows stay queued).
        self._down_until: dict[str, float] = {}

    # --- SQL (in threads) --------------------------------------------------------------------

    def _step(self, previous: outbox.Outcome | None, next_id: int | None
              ) -> Prepared | None:
        """Record the previous outcome and claim + prepare the next row, in one commit."""
        s = self.ctx.settings
        with self.ctx.sessions() as session, session.begin():
            if previous is not None:
                outbox.record(session, [previous], retry_seconds=s.delivery_retry_seconds,
                              max_attempts=s.delivery_max_attempts)
            if next_id is None:
                return None
            row = outbox.claim(session, next_id, utcnow())
            if row is None:
                return None
            try:
                prepared = self._prepare(session, row)
            except Exception as exc:  # a row we cannot build must not block the rest
                log.exception("delivery %s could not be prepared", row.id)
                row.state, row.last_error = "failed", f"{type(exc).__name__}: {exc}"[:500]
                return None
            if prepared is None:
                return None
            return row.id, prepared

    def _prepare(self, session: Any, row: Delivery) -> Any:
        if row.channel == "webhook":
            hook = session.get(Webhook, row.webhook_id)
            notice = session.get(Notice, row.notice_id)
            if hook is None or notice is None or not hook.active:
                outbox.cancel(session, row.id, "webhook disabled")
                return None
            payload = notice_payload(notice, row.payload.get("event", "published"),
                                     self.ctx.settings.public_url)
            return hook.url, hook.secret, f"msg_{row.id}", payload
        sub = session.get(Subscription, row.subscription_id)
        wanted = "pending" if row.kind == "confirm" else "active"
        if sub is None or sub.state != wanted:
            outbox.cancel(session, row.id, "subscription not " + wanted)
            return None
        lang = session.get(Profile, sub.profile_id).language if sub.profile_id else "ja"
        return self._email(session, row, sub, lang)

    def _email(self, session: Any, row: Delivery, sub: Subscription, lang: str
               ) -> EmailMessage | None:
        s, base = self.ctx.settings, self.ctx.settings.public_url.rstrip("/")
        stop_url = f"{base}/unsubscribe/{unsubscribe_token(self.ctx, sub.id)}"
        values: dict[str, Any] = {"unsubscribe_url": stop_url, "sub": sub}
        if row.kind == "confirm":
            token = confirm_token(self.ctx, sub.id)
            values["confirm_url"] = f"{base}/subscriptions/confirm/{token}"
        elif row.kind == "notice":
            notice = session.get(Notice, row.notice_id)
            if notice is None or notice.state != "published":
                outbox.cancel(session, row.id, "withdrawn")
                return None
            values["notice"] = notice
            values["body_html"] = render_notice_body(notice.body or "")
        else:
            values.update(row.payload)
        subject, text, html = self.renderer.render(row.kind, lang, **values)
        return compose(sender=mail_from_address(s.mail_from or ""), to=sub.address,
                       subject=subject, text=text, html=html,
                       message_id=message_id(row.id, row.item, s.mail_from or ""),
                       unsubscribe_url=None if row.kind == "confirm" else stop_url)

    def _due(self, channel: str) -> list[int]:
        with self.ctx.sessions() as session:
            return outbox.due_ids(session, channel, utcnow(), BATCH)

    def _sweep(self) -> int:
        with self.ctx.sessions() as session, session.begin():
            return outbox.sweep_interrupted(session, self.ctx.settings.job_lease_seconds)

    # --- sending --------------------------------------------------------------------------

    async def drain(self, *, until_empty: bool = True) -> DrainReport:
        """Send what is due now on every enabled channel (again while more falls due)."""
        report = DrainReport()
        await asyncio.to_thread(self._sweep)
        channels = ["webhook"] + (["email"] if self.ctx.settings.email_enabled else [])
        for channel in channels:
            while time.monotonic() >= self._down_until.get(channel, 0.0):
                ids = await asyncio.to_thread(self._due, channel)
                if not ids:
                    break
                await self._send_all(channel, ids, report)
                if not until_empty:
                    break
        return report

    async def _send_all(self, channel: str, ids: list[int], report: DrainReport) -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for delivery_id in ids:
            queue.put_nowait(delivery_id)
        connections = min(self.ctx.settings.delivery_connections, len(ids))
        if channel == "email":
            target = parse_smtp_url(self.ctx.settings.smtp_url or "")
            timeout = self.ctx.settings.smtp_timeout_seconds
            senders = [SmtpSender(target, timeout) for _ in range(connections)]
            await asyncio.gather(*(self._connection(channel, queue, report, sender.send,
                                                    sender.connect, sender.close)
                                   for sender in senders))
            return
        async with make_client(self.ctx.settings.crawl_allow,
                               self.ctx.settings.smtp_timeout_seconds) as client:
            async def post(prepared: Any) -> None:
                url, secret, msg_id, payload = prepared
                await post_signed(client, url, secret, msg_id, payload)

            async def ready() -> None:
                return None

            await asyncio.gather(*(self._connection(channel, queue, report, post, ready,
                                                    ready) for _ in range(connections)))

    async def _connection(self, channel: str, queue: asyncio.Queue[int], report: DrainReport,
                          send: Callable[[Any], Awaitable[None]],
                          connect: Callable[[], Awaitable[None]],
                          close: Callable[[], Awaitable[None]]) -> None:
        previous: outbox.Outcome | None = None
        try:
            while not queue.empty():
                try:  # connect before claiming: a server that is down claims nothing
                    await connect()
                except (SendError, DeliveryFailed) as exc:
                    self._down_until[channel] = time.monotonic() + 5.0
                    report.errors.append(str(exc))
                    log.warning("%s channel down: %s", channel, exc)
                    return
                await self.limits[channel].wait()
                prepared = await asyncio.to_thread(self._step, previous, queue.get_nowait())
                previous = None
                if prepared is None:
                    report.skipped += 1
                    continue
                delivery_id, message = prepared
                try:
                    await send(message)
                    previous = outbox.Outcome(delivery_id)
                    report.sent += 1
                except (SendError, DeliveryFailed) as exc:
                    previous = outbox.Outcome(delivery_id, str(exc), exc.permanent)
                    if exc.permanent:
                        report.failed += 1
                    else:
                        report.retried += 1
                        report.errors.append(str(exc))
        finally:
            if previous is not None:
                await asyncio.to_thread(self._step, previous, None)
            with contextlib.suppress(Exception):
                await close()

    async def run_forever(self) -> None:
        """Drain, then look again every delivery_poll_seconds (retries fall due, notices
        get published by other processes)."""
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("delivery drain failed; trying again")
            await asyncio.sleep(self.ctx.settings.delivery_poll_seconds)


def start_delivery(ctx: AppContext) -> Callable[[], Awaitable[None]]:
    """Run the outbox drain on this event loop; returns an async stop()."""
    task = asyncio.create_task(DeliveryRunner(ctx).run_forever(), name="mymachi-delivery")

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop
