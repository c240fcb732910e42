"""crawler: discovered feeds, page retries, listing hashes, near-duplicate band keys

Revision ID: 0020
Revises: 0011
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db.types

revision: str = "0020"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_url", sa.String(2000), nullable=True))
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("listing_hash", sa.String(64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("page_error", sa.String(50), nullable=True))
        batch_op.add_column(
            sa.Column("page_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column(
            "page_retry_at", portal.db.types.UTCDateTime(timezone=True), nullable=True
        ))
        batch_op.create_index("ix_article_source_id", ["source_id"], unique=False)
    op.create_table(
        "article_band",
        sa.Column("key", sa.String(24), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id"),
    )
    op.create_index("ix_article_band_article_id", "article_band", ["article_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_article_band_article_id", table_name="article_band")
    op.drop_table("article_band")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_source_id")
        batch_op.drop_column("page_retry_at")
        batch_op.drop_column("page_attempts")
        batch_op.drop_column("page_error")
        batch_op.drop_column("listing_hash")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("feed_url")
