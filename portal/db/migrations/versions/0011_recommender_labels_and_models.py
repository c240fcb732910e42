"""editor-corrected categories, content vectors, scorer models, profile learning reset

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrected_categories", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("content_terms", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("scorer_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "learning_reset_at", portal.db.types.UTCDateTime(timezone=True), nullable=True
        ))
    op.create_table(
        "scorer_model",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("artifact", sa.String(500), nullable=False),
        sa.Column("n_articles", sa.Integer(), nullable=False),
        sa.Column("n_labeled", sa.Integer(), nullable=False),
        sa.Column("labels_digest", sa.String(64), nullable=False),
        sa.Column("taxonomy_digest", sa.String(64), nullable=False),
        sa.Column("created_at", portal.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )


def downgrade() -> None:
    op.drop_table("scorer_model")
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_column("learning_reset_at")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("scorer_version")
        batch_op.drop_column("content_terms")
        batch_op.drop_column("corrected_categories")
