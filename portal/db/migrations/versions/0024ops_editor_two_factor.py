"""editor: TOTP two-factor, recovery codes, session generation

Revision ID: 0024ops
Revises: 0023ops
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024ops"
down_revision: str | None = "0023ops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("editor") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_pending_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recovery_code_hashes", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("editor") as batch:
        for column in ("session_generation", "recovery_code_hashes", "totp_last_step",
                       "totp_pending_secret", "totp_secret"):
            batch.drop_column(column)
