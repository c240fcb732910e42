"""Delivery fixtures: a real SMTP server on loopback, a context that mails through it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.portal.delivery.smtp_server import SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


MAIL_FROM = "若葉野市 <news@city.example.lg.jp>"


@pytest.fixture
def mail_ctx(make_ctx, database_url: str, smtp: SmtpServer):  # type: ignore[no-untyped-def]
    """A context on SQLite and on PostgreSQL whose mail goes to the loopback server."""
    return make_ctx(database_url, smtp_url=smtp.url, mail_from=MAIL_FROM,
                    public_url="http://portal.test", delivery_retry_seconds=0.2,
                    job_lease_seconds=1.0)
