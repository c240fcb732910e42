"""profile last seen, for erasing profiles unused for the retention period

Revision ID: 0022ops
Revises: 0035
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db.types

revision: str = "0022ops"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.add_column(sa.Column("last_seen_at", portal.db.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.create_index("ix_profile_last_seen_at", ["last_seen_at"])
    # Existing profiles count as seen when they last changed: none is erased for want of a date.
    op.execute("UPDATE profile SET last_seen_at = updated_at")


def downgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.drop_index("ix_profile_last_seen_at")
        batch.drop_column("last_seen_at")
