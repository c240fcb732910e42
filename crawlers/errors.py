"""Crawl failures as values: a stable `kind` (a translation key and a health state) + detail."""

from __future__ import annotations

from typing import Literal

CrawlErrorKind = Literal[
    "network_timeout",
    "network_error",
    "http_status",
    "http_too_many_requests",
    "response_too_large",
    "too_many_redirects",
    "blocked_address",
    "robots_disallowed",
    "robots_unavailable",  # robots.txt answered 5xx/429: RFC 9309 says wait, crawl nothing
    "parse_error",
    "empty",
    "invalid_url",
    "internal_error",  # a bug in the crawl itself, not the site's doing (details in the log)
]


class CrawlError(Exception):
    """A failure that is shown to editors and stored on the source; never a bare traceback.

    `kind` is stable (a translation key and a health state); `detail` says in plain words what
    happened and where, for the editor reading the source's health.
    """

    def __init__(
        self,
        kind: CrawlErrorKind,
        detail: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind: CrawlErrorKind = kind
        self.detail = detail
        self.status = status  # HTTP status when the server answered
        self.retry_after = retry_after  # seconds, from Retry-After on 429/503

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.kind, self.detail, self.status, self.retry_after))

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def internal_error(where: str) -> CrawlError:
    """An unexpected exception inside a crawl (a bug, not the site's doing), as editors see
    it: a stable kind and plain words, never a Python repr. The caller logs the traceback."""
    return CrawlError(
        "internal_error",
        f"{where}: an unexpected error in the crawler itself; the details are in the server log",
    )


def _rebuild(
    kind: CrawlErrorKind, detail: str, status: int | None, retry_after: float | None
) -> CrawlError:
    return CrawlError(kind, detail, status=status, retry_after=retry_after)
