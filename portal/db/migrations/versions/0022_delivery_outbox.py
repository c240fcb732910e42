"""delivery: subscriptions, webhooks and the outbox

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import UTCDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "subscription",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("profile_id", sa.String(64),
                  sa.ForeignKey("profile.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("digest", sa.String(10), nullable=False),
        sa.Column("emergencies", sa.Boolean(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("stopped_reason", sa.Text(), nullable=True),
        _when("created_at", False), _when("confirmed_at"), _when("stopped_at"),
        _when("last_digest_at"),
    )
    op.create_index("ix_subscription_profile", "subscription", ["profile_id"])
    op.create_index("ix_subscription_state_digest", "subscription", ["state", "digest"])
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        _when("created_at", False),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("notice_id", sa.Integer(), sa.ForeignKey("notice.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("subscription_id", sa.String(32),
                  sa.ForeignKey("subscription.id", ondelete="CASCADE"), nullable=True),
        sa.Column("webhook_id", sa.Integer(), sa.ForeignKey("webhook.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at", False), _when("claimed_at"), _when("sent_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        _when("created_at", False),
    )
    op.create_index("uq_delivery_item_subscription", "delivery", ["item", "subscription_id"],
                    unique=True)
    op.create_index("uq_delivery_item_webhook", "delivery", ["item", "webhook_id"],
                    unique=True)
    op.create_index("ix_delivery_due", "delivery", ["state", "next_attempt_at"])
    op.create_index("ix_delivery_notice", "delivery", ["notice_id"])


def downgrade() -> None:
    op.drop_table("delivery")
    op.drop_table("webhook")
    op.drop_table("subscription")
