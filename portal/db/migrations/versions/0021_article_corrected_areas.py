"""wards corrected by editors

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("corrected_areas", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.drop_column("corrected_areas")
