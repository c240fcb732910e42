"""The one place that reads the environment: every setting is a MYMACHI_* variable."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    """A folder shipped with the project: the repo root in a checkout, portal/_name in a wheel."""
    repo = PACKAGE_DIR.parent / name
    return repo if repo.is_dir() else PACKAGE_DIR / f"_{name}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MYMACHI_", extra="ignore")

    # Embedded default: a SQLite file in the current folder, so `mymachi demo` and later
    # commands run in that folder act on the same data.
    database_url: str = "sqlite:///mymachi.sqlite3"
    redis_url: str | None = None
    secret_key: str | None = None
    crawl_allow: str | None = None
    taxonomy_path: Path = Field(default_factory=lambda: _bundled("config") / "taxonomy.toml")
    city_path: Path | None = None  # TOML with [[area]] entries; the demo city supplies its own
    templates_dir: Path = Field(default_factory=lambda: _bundled("templates"))
    assets_dir: Path = Field(default_factory=lambda: PACKAGE_DIR.parent / "node_modules")
    # Crawling
    crawl_interval_seconds: int = 900
    crawl_timeout_seconds: float = 15.0
    crawl_concurrency: int = 8
    scheduler_tick_seconds: float = 30.0
    # Run the in-process crawl scheduler inside `serve` (embedded mode without a worker).
    embedded_scheduler: bool = True
    # Ranking
    candidate_days: int = 365
    candidate_limit: int = 20000
    cookie_secure: bool = False
    login_attempts_per_15min: int = 10
    # 気象庁防災情報XML Atom feed (e.g. .../developer/xml/feed/extra.xml); unset = no alerts.
    jma_feed_url: str | None = None
    # Analytics cells below this count are suppressed (privacy: no one singled out).
    analytics_min_count: int = 5
    public_url: str = "http://127.0.0.1:8000"

    @cached_property
    def session_secret(self) -> str:
        """The signing key. Without MYMACHI_SECRET_KEY one is made once and kept beside the
        SQLite data, so cookies survive restarts of the embedded portal."""
        if self.secret_key:
            return self.secret_key
        path = Path("mymachi-secret.key")
        if path.exists():
            return path.read_text().strip()
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
