"""`mymachi bench deliver`: one emergency to N email subscribers through a local SMTP server,
and digests built (rank + render) per second over a large corpus."""

from __future__ import annotations

import asyncio
import random
import resource
import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from portal.context import AppContext
from portal.db.models import Article, Delivery, Profile, Subscription, utcnow
from portal.db.session import migrate, session_scope
from portal.settings import Settings

MAIL_FROM = "若葉野市 <news@city.example.lg.jp>"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _smtp_server() -> tuple[Any, list[int]]:
    try:
        from aiosmtpd.controller import Controller
    except ImportError as exc:  # a dev dependency
        raise RuntimeError("bench deliver needs aiosmtpd (pip install -e '.[dev]')") from exc
    from portal.bench.loopback import free_port

    received = [0]

    class Count:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received[0] += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, received


def _seed_subscribers(ctx: AppContext, n: int, categories: list[str]) -> None:
    now = utcnow()
    with session_scope(ctx.sessions) as session:
        for start in range(0, n, 1000):
            profiles, subs = [], []
            for i in range(start, min(start + 1000, n)):
                pid = secrets.token_urlsafe(24)
                profiles.append({"id": pid, "categories": {categories[i % len(categories)]: 1.0},
                                 "areas": [], "life_stages": [], "keywords": [],
                                 "language": "ja", "era_dates": False, "created_at": now,
                                 "updated_at": now})
                subs.append({"id": secrets.token_urlsafe(16), "profile_id": pid,
                             "channel": "email", "address": f"r{i}@example.jp",
                             "digest": "weekly", "emergencies": True, "categories": [],
                             "areas": [], "state": "active", "created_at": now,
                             "confirmed_at": now, "last_digest_at": now - timedelta(days=8)})
            session.execute(insert(Profile), profiles)
            session.execute(insert(Subscription), subs)


def _seed_articles(ctx: AppContext, n: int, categories: list[str]) -> None:
    rng, now = random.Random(1), utcnow()
    with session_scope(ctx.sessions) as session:
        for start in range(0, n, 5000):
            rows = []
            for i in range(start, min(start + 5000, n)):
                cat = categories[i % len(categories)]
                rows.append({"url": f"https://city.example.jp/a/{i}", "department": "総務課",
                             "departments": [], "alt_urls": [], "title": f"お知らせ {i}",
                             "summary": "", "body_text": "", "body_html": "",
                             "published": now - timedelta(hours=rng.uniform(0, 24 * 120)),
                             "fetched_at": now, "categories": [cat],
                             "category_scores": {cat: round(rng.uniform(0.3, 1), 3)},
                             "areas": [], "life_stages": [], "attachments": [],
                             "content_terms": [], "hidden": False})
            session.execute(insert(Article), rows)
    ctx.bump_articles_version()


def run(*, subscribers: int, articles: int, digest_profiles: int, connections: int,
        database_url: str | None) -> dict[str, Any]:
    from portal.delivery.digests import send_digests
    from portal.delivery.runner import DeliveryRunner
    from portal.editorial.notices import NoticeInput, create_notice

    workdir = Path(tempfile.mkdtemp(prefix="mymachi-bench-deliver-"))
    controller, received = _smtp_server()
    try:
        settings = Settings(
            database_url=database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
            smtp_url=f"smtp://127.0.0.1:{controller.port}", mail_from=MAIL_FROM,
            secret_key="bench-deliver-secret", delivery_connections=connections,
            data_dir=workdir)
        ctx = AppContext.build(settings)
        migrate(ctx.engine)
        categories = [c.slug for c in ctx.taxonomy.categories]
        _seed_subscribers(ctx, subscribers, categories)
        rss_before = _rss_mb()
        started = time.perf_counter()
        with session_scope(ctx.sessions) as session:
            create_notice(session, None, NoticeInput(
                severity="emergency", title="【訓練】避難指示", body="ベンチマークです。",
                scope_categories=[], scope_areas=[], starts_at=utcnow(), ends_at=None))
        publish_s = time.perf_counter() - started
        runner = DeliveryRunner(ctx)
        while received[0] < subscribers and time.perf_counter() - started < 600:
            asyncio.run(runner.drain())
        deliver_s = time.perf_counter() - started
        rss_after = _rss_mb()
        # Digests: rank + render for `digest_profiles` residents over `articles` articles.
        with session_scope(ctx.sessions) as session:
            session.query(Delivery).delete()
            session.query(Subscription).filter(
                Subscription.address.notlike("r%@example.jp")).delete()
        _seed_articles(ctx, articles, categories)
        _seed_subscribers_digest = min(digest_profiles, subscribers)
        with session_scope(ctx.sessions) as session:  # only that many are due
            ids = [s for (s,) in session.query(Subscription.id).order_by(Subscription.id)
                   .offset(_seed_subscribers_digest)]
            for chunk in range(0, len(ids), 1000):
                session.query(Subscription).filter(Subscription.id.in_(
                    ids[chunk:chunk + 1000])).update({"digest": "off"})
        report = send_digests(ctx, "weekly")
        renderer = runner.renderer
        with ctx.sessions() as session:
            rows = session.query(Delivery).filter(Delivery.kind == "digest").limit(500).all()
        render_started = time.perf_counter()
        for row in rows:
            renderer.render("digest", "ja", unsubscribe_url="x", **row.payload)
        render_each = (time.perf_counter() - render_started) / max(len(rows), 1)
        digest_rate = report.considered / (report.seconds + render_each * report.queued)
        return {
            "subscribers": subscribers, "connections": connections,
            "database": "postgresql" if "postgres" in settings.database_url else "sqlite",
            "publish_seconds": round(publish_s, 2), "deliver_seconds": round(deliver_s, 1),
            "delivered": received[0], "mails_per_s": round(received[0] / deliver_s),
            "rss_mb_before": round(rss_before), "rss_mb_after": round(rss_after),
            "articles": articles, "digests_considered": report.considered,
            "digests_queued": report.queued, "digest_profiles_per_s": round(digest_rate),
        }
    finally:
        controller.stop()
