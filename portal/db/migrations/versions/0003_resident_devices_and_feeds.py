"""residents: era dates, personal feed token, device transfer codes, date indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.add_column(sa.Column("era_dates", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("feed_token", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_profile_feed_token", ["feed_token"])
    op.create_table(
        "transfer_code",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("profile_id", sa.String(64), nullable=False),
        sa.Column("expires_at", portal.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", portal.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["profile.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_index("ix_transfer_code_profile_id", "transfer_code", ["profile_id"])
    op.create_index("ix_article_deadline", "article", ["deadline"])
    op.create_index("ix_article_event_date", "article", ["event_date"])


def downgrade() -> None:
    op.drop_index("ix_article_event_date", table_name="article")
    op.drop_index("ix_article_deadline", table_name="article")
    op.drop_index("ix_transfer_code_profile_id", table_name="transfer_code")
    op.drop_table("transfer_code")
    with op.batch_alter_table("profile") as batch:
        batch.drop_constraint("uq_profile_feed_token", type_="unique")
        batch.drop_column("feed_token")
        batch.drop_column("era_dates")
