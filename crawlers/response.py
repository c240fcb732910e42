"""A finished HTTP exchange that answers the crawler's questions (Miniflux's ResponseHandler)."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from crawlers.errors import CrawlError


@dataclass(slots=True)
class FetchResponse:
    """A finished HTTP exchange that answers the crawler's questions."""

    url: str  # final URL after redirects
    status: int
    headers: httpx.Headers
    content: bytes = b""  # decoded (Content-Encoding undone), at most the Fetcher's max_bytes
    requested_url: str = ""
    redirects: list[str] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_modified(self) -> bool:
        return self.status != 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag") or None

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified") or None

    @property
    def content_type(self) -> str:
        """Media type without parameters, lowercased ("" when absent)."""
        value: str = self.headers.get("content-type", "")
        return value.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if the server sent one."""
        header: str = self.headers.get("content-type", "")
        for param in header.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def is_text(self) -> bool:
        """Text-like (HTML, XML, feeds, JSON) or unlabeled; False for PDFs, images, …"""
        return is_text_type(self.headers)

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")


def is_text_type(headers: httpx.Headers) -> bool:
    media: str = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return not media or media.startswith("text/") or any(k in media for k in ("xml", "json"))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²" (byte 0xB2 as latin-1) is a digit too
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def describe_status(status: int) -> str:
    """An HTTP status in plain words, for the error an editor reads on the source."""
    words = {
        400: "the server refused the request as malformed",
        401: "the page needs a login",
        403: "the server forbids access to this address",
        404: "the page does not exist (moved or deleted?)",
        408: "the server gave up waiting for the request",
        410: "the page has been removed for good",
        429: "the server says we are asking too often",
        500: "the server had an internal error",
        502: "a gateway in front of the server failed",
        503: "the server is unavailable (maintenance or overload)",
        504: "a gateway in front of the server timed out",
    }
    if status in words:
        return words[status]
    if 400 <= status < 500:
        return "the server refused the request"
    if status >= 500:
        return "the server failed to answer"
    return "unexpected answer"


def network_error(exc: Exception, url: str, deadline: float) -> CrawlError:
    """A lower-level exception as a CrawlError an editor can read."""
    name = type(exc).__name__
    if isinstance(exc, TimeoutError):
        return CrawlError(
            "network_timeout", f"{url}: the server did not finish answering within {deadline:g} s"
        )
    if isinstance(exc, httpx.TimeoutException):
        return CrawlError("network_timeout", f"{url}: the server stopped answering ({name})")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return CrawlError("invalid_url", f"{url}: not a usable address ({exc})")
    if isinstance(exc, httpx.RemoteProtocolError):
        return CrawlError("network_error", f"{url}: the connection broke off mid-answer ({exc})")
    return CrawlError("network_error", f"{url}: could not connect ({name}: {exc})")
