"""Migrations form one line: branches written in parallel must be chained before they land,
or `mymachi migrate` stops with "multiple heads" on every deployment."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from portal.db.session import MIGRATIONS_DIR


def test_the_migrations_have_exactly_one_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"several heads {heads}: chain the newest migrations"
