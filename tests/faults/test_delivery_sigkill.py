"""`mymachi worker` SIGKILLed while it mails an emergency to its subscribers.

The outbox promises at most once per (notice, subscription): a row is claimed before its
mail goes on the wire and is never sent again, so after the kill and a restart no resident
has the mail twice, every other resident has it, and the few whose fate the kill made
unknown (at most one per connection) are reported failed, not resent.
"""

from __future__ import annotations

import json
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.db.models import Delivery
from portal.db.session import session_scope
from portal.delivery.outbox import INTERRUPTED
from portal.residents.profiles import ProfileInput, create_profile
from portal.residents.subscriptions import SubscriptionInput, confirm, subscribe
from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.faults.helpers import wait_until
from tests.faults.services import PrivateRedis
from tests.portal.delivery.smtp_server import SmtpServer
from tests.processes import Processes, processes_in, production_env

SUBSCRIBERS = 120
CONNECTIONS = 4
LEASE_SECONDS = 2
MAIL_FROM = "若葉野市 <news@city.example.lg.jp>"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    server.inbox.delay = 0.02  # slow enough that the kill lands mid-send
    yield server
    server.stop()


@pytest.fixture
def processes(tmp_path: Path, private_redis: PrivateRedis, smtp: SmtpServer
              ) -> Iterator[Processes]:
    _reset_postgres(POSTGRES_URL)
    env = production_env(tmp_path, POSTGRES_URL, private_redis.url,
                         MYMACHI_JOB_LEASE_SECONDS=str(LEASE_SECONDS),
                         MYMACHI_SMTP_URL=smtp.url, MYMACHI_MAIL_FROM=MAIL_FROM,
                         MYMACHI_DELIVERY_CONNECTIONS=str(CONNECTIONS),
                         MYMACHI_DELIVERY_POLL_SECONDS="0.2")
    yield from processes_in(env, tmp_path)


def _states(ctx) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with ctx.sessions() as session:
        return {state: n for state, n in session.execute(
            select(Delivery.state, func.count()).where(Delivery.kind == "notice")
            .group_by(Delivery.state))}


def test_sigkilled_worker_sends_no_mail_twice(make_ctx, private_redis: PrivateRedis,
                                              smtp: SmtpServer, processes: Processes) -> None:
    ctx = make_ctx(POSTGRES_URL, redis_url=private_redis.url, smtp_url=smtp.url,
                   mail_from=MAIL_FROM)
    addresses = [f"resident{i}@example.jp" for i in range(SUBSCRIBERS)]
    with session_scope(ctx.sessions) as session:
        for address in addresses:
            profile = create_profile(session, ProfileInput({}, [], [], []))
            confirm(session, subscribe(ctx, session, profile,
                                       SubscriptionInput("email", address)))
        session.query(Delivery).delete()  # the confirmation mails: not this test's subject

    published = processes.run("notice", "publish", "--title", "避難指示", "--body", "直ちに避難",
                              "--severity", "emergency", "--json")
    assert json.loads(published)["id"]
    worker = processes.start("worker-1", "worker")
    wait_until(lambda: len(smtp.inbox.messages) >= 10, "the worker mailing", 60)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    at_kill = len(smtp.inbox.messages)
    assert at_kill < SUBSCRIBERS  # the kill landed mid-send

    processes.start("worker-2", "worker")
    wait_until(lambda: not _states(ctx).get("queued") and not _states(ctx).get("sending"),
               "the restarted worker finishing (and the lease of the killed one ending)", 90)

    received = Counter(m["To"] for m in smtp.inbox.messages)
    assert max(received.values()) == 1, "a resident got the emergency twice"
    states = _states(ctx)
    assert states.get("sent", 0) + states.get("failed", 0) == SUBSCRIBERS
    with ctx.sessions() as session:
        failed = session.scalars(select(Delivery.last_error).where(
            Delivery.state == "failed")).all()
    assert set(failed) <= {INTERRUPTED}
    assert len(failed) <= CONNECTIONS  # only the ones in flight when the kill came
    assert len(received) >= SUBSCRIBERS - len(failed)
