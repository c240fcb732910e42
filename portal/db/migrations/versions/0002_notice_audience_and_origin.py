"""notice audience by life stage, origin and idempotency key for automatic notices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch:
        batch.add_column(sa.Column("scope_life_stages", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.add_column(sa.Column("origin", sa.String(20), nullable=False,
                                   server_default="editor"))
        batch.add_column(sa.Column("external_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("updated_at", portal.db.types.UTCDateTime(timezone=True),
                                   nullable=False, server_default=sa.func.now()))
        batch.create_unique_constraint("uq_notice_external_key", ["external_key"])


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch:
        batch.drop_constraint("uq_notice_external_key", type_="unique")
        for column in ("updated_at", "external_key", "origin", "scope_life_stages"):
            batch.drop_column(column)
