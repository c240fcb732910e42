"""source: last new article and days before "quiet"

Revision ID: 0023ops
Revises: 0022ops
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db.types

revision: str = "0023ops"
down_revision: str | None = "0022ops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("last_new_at", portal.db.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("quiet_after_days", sa.Integer(), nullable=False,
                                   server_default="30"))
    # A source's last new article is the newest it has stored so far.
    op.execute("UPDATE source SET last_new_at = (SELECT max(article.fetched_at) FROM article "
               "WHERE article.source_id = source.id)")


def downgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.drop_column("quiet_after_days")
        batch.drop_column("last_new_at")
