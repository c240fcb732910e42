"""Alembic environment: runs on the connection handed in by portal.db.session.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from portal.db.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic` run by hand: take the URL from the settings
    from portal.settings import Settings

    connection = create_engine(Settings().database_url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
