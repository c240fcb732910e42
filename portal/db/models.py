"""SQLAlchemy 2 models. Schema changes go through Alembic (portal/db/migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal.db.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON,
    }


class Source(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    department: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(20), default="auto")
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    poll_interval_seconds: Mapped[int] = mapped_column(Integer, default=900)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    next_fetch_at: Mapped[datetime | None]
    last_fetch_at: Mapped[datetime | None]
    last_ok_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error_kind: Mapped[str | None] = mapped_column(String(50))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The feed a homepage ("discover"/"auto" source) pointed to; etag/last_modified are its.
    feed_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    # When a crawl last found an article not seen before; a source that answers but has had
    # nothing new for quiet_after_days is "quiet" (a moved page looks healthy otherwise).
    last_new_at: Mapped[datetime | None] = mapped_column(default=None)
    quiet_after_days: Mapped[int] = mapped_column(Integer, default=30)


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_published", "published"),
        # The "deadlines soon" and "upcoming events" strips read date ranges.
        Index("ix_article_deadline", "deadline"),
        Index("ix_article_event_date", "event_date"),
        # The crawler's per-source lookups (known pages, pages due for another try).
        Index("ix_article_source_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    department: Mapped[str] = mapped_column(String(200))
    # Every department that published the same text (near-duplicates merged into one article).
    departments: Mapped[list[str]] = mapped_column(default=list)
    alt_urls: Mapped[list[str]] = mapped_column(default=list)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[datetime | None]
    updated: Mapped[datetime | None]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    date_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    dedup_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    extraction: Mapped[str] = mapped_column(String(50), default="")
    attachments: Mapped[list[str]] = mapped_column(default=list)
    category_scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    categories: Mapped[list[str]] = mapped_column(default=list)
    areas: Mapped[list[str]] = mapped_column(default=list)
    life_stages: Mapped[list[str]] = mapped_column(default=list)
    deadline: Mapped[datetime | None]
    event_date: Mapped[datetime | None]
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Crawler bookkeeping. `fetched_at` above is when the article was first seen and never
    # moves; listing_hash says what the listing last said about it (a change → re-read).
    listing_hash: Mapped[str] = mapped_column(String(64), default="")
    # Its page could not be read (a CrawlErrorKind): the text is the listing's, and the page
    # is tried again at page_retry_at (None: gave up or nothing to retry).
    page_error: Mapped[str | None] = mapped_column(String(50), default=None)
    page_attempts: Mapped[int] = mapped_column(Integer, default=0)
    page_retry_at: Mapped[datetime | None] = mapped_column(default=None)
    # Categories an editor set by hand (None: never corrected). The scorer's refit job
    # trains on them; `categories` above stays the shown (scored or corrected) chips.
    corrected_categories: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # Wards an editor set by hand (None: detected from the text at each scoring).
    corrected_areas: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # The article's strongest words as [[bucket, weight], …] (recommender.content), for
    # feedback and diversity; and the scorer model version that produced the scores.
    content_terms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    scorer_version: Mapped[int | None] = mapped_column(Integer, default=None)


class ScorerModel(Base):
    """One fitted category scorer: a versioned joblib artifact under the data folder."""

    __tablename__ = "scorer_model"

    version: Mapped[int] = mapped_column(primary_key=True)
    artifact: Mapped[str] = mapped_column(String(500))  # file name in the models folder
    n_articles: Mapped[int] = mapped_column(Integer, default=0)
    n_labeled: Mapped[int] = mapped_column(Integer, default=0)
    labels_digest: Mapped[str] = mapped_column(String(64), default="")
    taxonomy_digest: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleBand(Base):
    """MinHash LSH band keys of an article's text (crawlers.dedupe): near-duplicate candidates
    from other departments share at least one key."""

    __tablename__ = "article_band"

    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Profile(Base):
    __tablename__ = "profile"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    categories: Mapped[dict[str, Any]] = mapped_column(default=dict)  # slug -> weight
    areas: Mapped[list[str]] = mapped_column(default=list)
    life_stages: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    # Show dates in the Japanese era (令和8年) instead of the Western year.
    era_dates: Mapped[bool] = mapped_column(Boolean, default=False)
    # Secret of the personal Atom/iCal URLs: not the profile id, so a shared calendar URL
    # can be reset without moving the resident's profile.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "Start over": feedback before this no longer moves the ranking (saved items and hidden
    # items stay what they are).
    learning_reset_at: Mapped[datetime | None] = mapped_column(default=None)
    # Last day the profile was used (moved at most once a day, so a page view rarely writes):
    # profiles unseen for settings.profile_retention_days are erased.
    last_seen_at: Mapped[datetime | None] = mapped_column(default=utcnow, index=True)


class TransferCode(Base):
    """A short, single-use code that moves a profile to another device (stored hashed)."""

    __tablename__ = "transfer_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            index=True)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_profile", "profile_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notice(Base):
    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    severity: Mapped[str] = mapped_column(String(20))  # emergency | warning | info
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    # Empty lists mean "everyone"; each non-empty list narrows the audience (see reaches()).
    scope_categories: Mapped[list[str]] = mapped_column(default=list)
    scope_areas: Mapped[list[str]] = mapped_column(default=list)
    scope_life_stages: Mapped[list[str]] = mapped_column(default=list)
    # Where it came from: "editor", or "jma" for an automatic weather warning.
    origin: Mapped[str] = mapped_column(String(20), default="editor")
    # Idempotency key of automatic notices (one notice per JMA area + warning kind).
    external_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(20), default="published")  # published | cancelled
    created_by: Mapped[int | None] = mapped_column(ForeignKey("editor.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Editor(Base):
    __tablename__ = "editor"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="editor")  # admin | editor | viewer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Two-factor (portal/editorial/twofactor.py): the TOTP secret once confirmed, the one
    # being enrolled, the last time step used (a code works once), recovery code hashes.
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    recovery_code_hashes: Mapped[list[str]] = mapped_column(default=list)
    # Every session carries the generation it was made in; raising it ends them all.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("editor.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadCounter(Base):
    """Hourly read counters (impressions, opens, saves, hides) per article and resident ward,
    flushed from the hot store so nothing is lost with it. No profile id: aggregates only."""

    __tablename__ = "read_counter"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # JST date, YYYY-MM-DD
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)  # JST hour of day
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    ward: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" = no ward chosen
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Subscription(Base):
    """A resident's way to be reached (portal/delivery): an email address that gets
    emergencies at once and/or a digest. Erased with the profile."""

    __tablename__ = "subscription"
    __table_args__ = (
        Index("ix_subscription_profile", "profile_id"),
        Index("ix_subscription_state_digest", "state", "digest"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))  # email
    address: Mapped[str] = mapped_column(String(320))  # used for nothing but sending
    digest: Mapped[str] = mapped_column(String(10), default="off")  # daily | weekly | off
    emergencies: Mapped[bool] = mapped_column(Boolean, default=True)
    # Topics and wards narrowing the profile's own (empty: the profile's).
    categories: Mapped[list[str]] = mapped_column(default=list)
    areas: Mapped[list[str]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending|active|stopped
    stopped_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    stopped_at: Mapped[datetime | None] = mapped_column(default=None)
    last_digest_at: Mapped[datetime | None] = mapped_column(default=None)


class Webhook(Base):
    """Another system (a LINE bridge, an Lアラート relay) told of notice changes, signed per
    the Standard Webhooks spec with its secret."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))  # whsec_<base64>
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """The outbox: one row per (item, recipient), written in the transaction that makes the
    item (a notice published, a digest due). `item` + recipient is unique, so nothing is
    queued twice; a row is claimed (state "sending") before it is sent and never sent again,
    so nothing goes out twice even when a worker dies mid-send."""

    __tablename__ = "delivery"
    __table_args__ = (
        Index("uq_delivery_item_subscription", "item", "subscription_id", unique=True),
        Index("uq_delivery_item_webhook", "item", "webhook_id", unique=True),
        Index("ix_delivery_due", "state", "next_attempt_at"),
        Index("ix_delivery_notice", "notice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "confirm:<n>", "notice:<id>", "digest:daily:2026-12-05", "notice:<id>:changed:<n>"
    item: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # confirm | notice | digest | webhook
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    subscription_id: Mapped[str | None] = mapped_column(
        ForeignKey("subscription.id", ondelete="CASCADE"))
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    # queued | sending | sent | failed | cancelled
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # What to send when it is made ahead (a digest's ranked items); notices render at send.
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
