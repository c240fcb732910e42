"""Engine and session factory; migrations applied with Alembic's API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

# portal/routes import Session from here: nothing there imports SQLAlchemy itself.
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SERVER_THREADS = 40  # the most threads a web process runs (settings.web_threads ≤ 40)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # No overflow cap: a request holds its pooled connection from its first dependency to
        # the end, so a cap below the requests in flight (64 open pages > 5 + 10) deadlocked
        # the worker threads. One kept per server thread: a connection opened per request
        # starts with an empty page cache and reads the same pages from the file again.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=SERVER_THREADS, max_overflow=-1)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # WAL lets the web process read while a crawl writes; FKs make cascades real.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # pool_pre_ping: a restarted PostgreSQL gives a fresh connection, not an error page.
    # A request holds its connection until it ends, so the pool matches the 40 worker
    # threads of the web server: requests queue for a thread, never for a connection.
    return create_engine(url, pool_pre_ping=True, pool_size=10,
                         max_overflow=SERVER_THREADS - 10,
                         pool_timeout=10, connect_args={"connect_timeout": 5})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_by_id(session: Session, model: type[T], object_id: int) -> T | None:
    """A row by its integer id; an id out of the column's range (one typed into a URL) is
    no row, not a database error."""
    return session.get(model, object_id) if 0 < object_id < 2**31 else None


def ping(engine: Engine) -> None:
    """Raise unless SQL answers a trivial query."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
