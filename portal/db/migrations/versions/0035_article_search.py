"""full-text search index of articles (FTS5 trigram on SQLite, pg_trgm on PostgreSQL)

Revision ID: 0035
Revises: 0022
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0035"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_pg_trgm() -> None:
    try:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as error:
        raise RuntimeError(
            "search needs PostgreSQL's pg_trgm extension (package postgresql-contrib; on "
            "Debian it ships with postgresql). Install it, or have a superuser run "
            f"CREATE EXTENSION pg_trgm in this database, then migrate again. ({error.orig})"
        ) from error


def upgrade() -> None:
    from portal.feed.search_index import rebuild

    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE article_search USING fts5("
                   "title, doc, tokenize = 'trigram')")
    else:
        _create_pg_trgm()
        op.execute("CREATE TABLE article_search ("
                   "article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE, "
                   "title TEXT NOT NULL, doc TEXT NOT NULL)")
        op.execute("CREATE INDEX ix_article_search_doc ON article_search "
                   "USING gin (doc gin_trgm_ops)")
    rebuild(conn)  # articles stored before this revision


def downgrade() -> None:
    op.execute("DROP TABLE article_search")
