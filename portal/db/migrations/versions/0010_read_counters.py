"""hourly read counters per article and ward (replaces the unused daily read_stat)

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("read_stat")
    op.create_table(
        "read_counter",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("ward", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("day", "hour", "article_id", "ward", "kind"),
    )


def downgrade() -> None:
    op.drop_table("read_counter")
    op.create_table(
        "read_stat",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("count", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("day", "article_id", "kind"),
    )
