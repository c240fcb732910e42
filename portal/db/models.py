"""SQLAlchemy 2 models. Schema changes go through Alembic (portal/db/migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
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


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (Index("ix_article_published", "published"),)

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


class Profile(Base):
    __tablename__ = "profile"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    categories: Mapped[dict[str, Any]] = mapped_column(default=dict)  # slug -> weight
    areas: Mapped[list[str]] = mapped_column(default=list)
    life_stages: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    # Empty lists mean "everyone"; otherwise a profile must match a category or an area.
    scope_categories: Mapped[list[str]] = mapped_column(default=list)
    scope_areas: Mapped[list[str]] = mapped_column(default=list)
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


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("editor.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadStat(Base):
    """Daily read counters, flushed from the cache so nothing is lost with it."""

    __tablename__ = "read_stat"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[float] = mapped_column(Float, default=0)
