"""Email: messages built from one template per kind, sent over SMTP with aiosmtplib.

A template in templates/email/ holds three blocks, `subject`, `text` and `html`, so the plain
and HTML parts always say the same thing. Every message carries a Message-ID of its own and
RFC 8058 one-click unsubscribe headers.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from portal.db.models import utcnow
from portal.i18n import format_date, t


class SendError(Exception):
    """A delivery that did not go out; `permanent` ones are not tried again."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    hostname: str
    port: int
    use_tls: bool = False
    start_tls: bool = False
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpTarget:
    """smtp://host:port, smtp+starttls://user:pass@host:587, smtps://user:pass@host:465."""
    parts = urlsplit(url)
    schemes = {"smtp": (False, False, 25), "smtp+starttls": (False, True, 587),
               "smtps": (True, False, 465)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"MYMACHI_SMTP_URL: expected smtp://, smtp+starttls:// or smtps://, "
                         f"got {parts.scheme or 'no scheme'}://")
    use_tls, start_tls, port = schemes[parts.scheme]
    return SmtpTarget(hostname=parts.hostname, port=parts.port or port, use_tls=use_tls,
                      start_tls=start_tls,
                      username=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None)


class MailRenderer:
    """Subject, plain text and HTML of a mail kind (confirm, notice, digest) in a language."""

    def __init__(self, templates_dir: Path, public_url: str, city_name: str = "") -> None:
        self.env = Environment(loader=FileSystemLoader(str(templates_dir)),
                               autoescape=select_autoescape(["html"]), trim_blocks=True,
                               lstrip_blocks=True)
        self.env.globals.update(t=t, city_name=city_name,
                                public_url=public_url.rstrip("/"))
        self.env.filters["jdate"] = format_date

    def render(self, kind: str, lang: str, **values: Any) -> tuple[str, str, str]:
        name = f"email/{kind}.html"
        args = {"lang": lang, **values}
        subject = " ".join(render_block(self.env, name, "subject", **args).split())
        text = render_block(self.env, name, "text", **args).strip() + "\n"
        html = render_block(self.env, name, "html", **args)
        return subject, text, html


def compose(*, sender: str, to: str, subject: str, text: str, html: str, message_id: str,
            unsubscribe_url: str | None) -> EmailMessage:
    msg = EmailMessage()  # policy: SMTP (CRLF, RFC 2047 encoded non-ASCII headers)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject  # Japanese subjects come out as =?utf-8?b?...?=
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id
    if unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, cte="base64" if not text.isascii() else "7bit")
    msg.add_alternative(html, subtype="html")
    return msg


def message_id(delivery_id: int, item: str, sender: str) -> str:
    """One per delivery, the same if it is ever rebuilt: receivers can spot duplicates."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "mymachi.invalid"
    safe = "".join(c if c.isalnum() else "." for c in item)
    return f"<{safe}.{delivery_id}@{domain}>"


def mail_from_address(sender: str) -> str:
    name, addr = parseaddr(sender)
    return str(Address(display_name=name, addr_spec=addr)) if name else addr


class SmtpSender:
    """One SMTP connection, opened on first use and kept for the following messages."""

    def __init__(self, target: SmtpTarget, timeout: float) -> None:
        self.target, self.timeout = target, timeout
        self._smtp: aiosmtplib.SMTP | None = None

    async def connect(self) -> None:
        if self._smtp is not None and self._smtp.is_connected:
            return
        tg = self.target
        smtp = aiosmtplib.SMTP(
            hostname=tg.hostname, port=tg.port, use_tls=tg.use_tls, start_tls=tg.start_tls,
            username=tg.username, password=tg.password, timeout=self.timeout,
            tls_context=ssl.create_default_context() if tg.use_tls or tg.start_tls else None)
        try:
            await smtp.connect()
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP server unreachable: {exc}") from exc
        self._smtp = smtp

    async def send(self, msg: EmailMessage) -> None:
        await self.connect()
        assert self._smtp is not None
        try:
            _, _reply = await self._smtp.send_message(msg)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            first = exc.recipients[0]
            raise SendError(f"{first.code} {first.message}", permanent=first.code >= 500
                            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code in (421,):  # the server is closing: a new connection next time
                await self.close()
            raise SendError(f"{exc.code} {exc.message}", permanent=exc.code >= 500) from exc
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            await self.close()
            raise SendError(f"SMTP: {type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.is_connected:
                await asyncio.wait_for(smtp.quit(), 2)
        except (TimeoutError, aiosmtplib.SMTPException, OSError):
            smtp.close()
