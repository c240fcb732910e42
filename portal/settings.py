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
    # Files every process must see (the fitted scorer models a worker saves and web and the
    # other workers load): with several hosts or containers, one shared volume. Unset:
    # mymachi-data/ beside the SQLite file (the current folder for other databases).
    data_dir: Path | None = None
    # Crawling
    crawl_interval_seconds: int = 900
    crawl_timeout_seconds: float = 15.0
    crawl_concurrency: int = 8
    # Processes that parse feeds, extract pages and label articles for a crawl, so that
    # ingest uses every core (0: threads in the crawling process, as embedded mode does).
    crawl_processes: int = Field(default=0, ge=0)
    scheduler_tick_seconds: float = 30.0
    # A claim on a job or a source's crawl lives this long unless its holder renews it, so
    # the work of a killed worker is taken up again after at most this.
    job_lease_seconds: float = 30.0
    # Run the in-process crawl scheduler inside `serve` (embedded mode without a worker).
    embedded_scheduler: bool = True
    # Ranking
    candidate_days: int = 365
    candidate_limit: int = 20000
    cookie_secure: bool = False
    # Anonymous profiles unseen this many days are erased with all their data by the
    # scheduler (400: the profile cookie's life, so a resident who still has it is kept).
    profile_retention_days: int = Field(default=400, ge=1)
    # Threads for a web process's blocking work (SQL, cache, rendering). They share one GIL:
    # 40 (anyio's default) CPU-bound threads hand it back and forth and serve fewer first
    # visits than a few do (docs/benchmarks.md). More processes, not threads, add cores.
    web_threads: int = Field(default=4, ge=1, le=40)
    login_attempts_per_15min: int = 10
    # Admins must use TOTP two-factor (on by default: an admin account controls sources and
    # other accounts); an admin without it is sent to enrol right after the password.
    require_admin_totp: bool = True
    # An editor's console session ends this many hours after login.
    editor_session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    # 気象庁防災情報XML Atom feed (e.g. .../developer/xml/feed/extra.xml); unset = no alerts.
    jma_feed_url: str | None = None
    # Analytics cells below this count are suppressed (privacy: no one singled out).
    analytics_min_count: int = 5
    public_url: str = "http://127.0.0.1:8000"
    # Public writes (profile, feedback, my-data, API) per client address and route group;
    # "N/second|minute|hour|day". Counted in Redis when configured, so shared by processes.
    rate_limit_writes: str = Field(
        "60/minute", pattern=r"^\s*\d+\s*/\s*(second|minute|hour|day)\s*$")
    # Proxies whose X-Forwarded-For/-Proto `mymachi serve` believes (comma-separated IPs or
    # CIDRs, "*" for any): the client address for rate limits, https for HSTS.
    trusted_proxies: str = "127.0.0.1"
    # Observability (docs/observability.md): "json" or "text"; unset = json for serve/worker/
    # scheduler, text for commands run by hand. A level name (INFO, WARNING, ...).
    log_format: str | None = None
    log_level: str | None = None
    # `mymachi worker`/`scheduler` serve their own /metrics here when set (0: any free port).
    metrics_port: int | None = None
    # The web process's /metrics answers loopback clients, and others that send
    # "Authorization: Bearer <this token>" (a scraper on another host).
    metrics_token: str | None = None
    metrics_host: str = "127.0.0.1"
    # Delivery (portal/delivery): a channel whose settings are unset is off and hidden.
    # smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465
    smtp_url: str | None = None
    mail_from: str | None = None  # "若葉野市 <news@city.example.lg.jp>"
    smtp_timeout_seconds: float = 15.0
    # Connections each worker sends on at once, per channel; and a cap on messages per
    # second per channel and process (0: as fast as the server takes them).
    delivery_connections: int = Field(default=4, ge=1, le=64)
    delivery_rate_email: float = Field(default=0.0, ge=0)
    delivery_rate_webhook: float = Field(default=0.0, ge=0)
    delivery_poll_seconds: float = 1.0
    # A failed attempt is tried again after retry × 2^(attempt-1) s (at most an hour), up to
    # max_attempts; then the delivery is failed.
    delivery_retry_seconds: float = 30.0
    delivery_max_attempts: int = 8
    digest_hour: int = Field(default=7, ge=0, le=23)  # local (Asia/Tokyo) hour of digests

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_url and self.mail_from)

    @cached_property
    def signing_keys(self) -> tuple[str, ...]:
        """The signing keys, newest first: MYMACHI_SECRET_KEY="new,old" signs with the new key
        and still accepts what the old one signed (portal/signing.py)."""
        keys = tuple(k.strip() for k in (self.secret_key or "").split(",") if k.strip())
        return keys or (self._generated_key(),)

    @property
    def session_secret(self) -> str:
        """The key everything is signed with: the first of signing_keys."""
        return self.signing_keys[0]

    @staticmethod
    def _generated_key() -> str:
        """Without MYMACHI_SECRET_KEY one is made once and kept beside the SQLite data, so
        cookies survive restarts of the embedded portal."""
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
