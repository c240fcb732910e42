"""HTTP hardening: the security headers every response carries, and the rate limit on the
public write endpoints (a resident needs no login, so an address is all there is to limit).

The limit is a fixed window (the `limits` package) counted in the shared store: Redis when
configured, so every web process sees the same count; process memory otherwise. Like the
rest of the cache, it fails open: when Redis is away, writes go through (and a warning is
logged) rather than 5xx.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import limits
from fastapi import HTTPException, Request
from limits import RateLimitItem, RateLimitItemPerSecond
from starlette.concurrency import run_in_threadpool

from portal.i18n import t
from portal.runtime.cache import Cache

CSP = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
HSTS = "max-age=63072000; includeSubDomains"
PERMISSIONS = "camera=(), microphone=(), geolocation=()"
# Pages whose URL holds a secret (a personal feed token, a transfer code, a profile id) or
# that show one: a link followed from them must not send their URL on as the Referer.
_SECRET_PREFIXES = ("/p/", "/api/v1/profiles/")
_SECRET_PATHS = ("/transfer", "/my-data")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RATE_PATTERN = r"^\s*\d+\s*/\s*(second|minute|hour|day)\s*$"


def carries_secret(path: str) -> bool:
    return path.startswith(_SECRET_PREFIXES) or any(
        path == p or path.startswith(p + "/") for p in _SECRET_PATHS
    )


# Every response's headers, as ASGI raw pairs, built once: name → value. A header the
# route set already wins (setdefault), except Referrer-Policy on a page holding a secret.
_DEFAULT_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (name.lower().encode(), value.encode()) for name, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", CSP),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", PERMISSIONS),
    ))
_HSTS_HEADER = (b"strict-transport-security", HSTS.encode())
_REFERRER = b"referrer-policy"
_NO_REFERRER = (_REFERRER, b"no-referrer")


def security_headers(path: str, https: bool, headers: Any) -> list[tuple[bytes, bytes]]:
    """`headers` (an ASGI response start's raw pairs) with the security headers added."""
    result = list(headers)
    present = {name.lower() for name, _ in result}
    if carries_secret(path):
        if _REFERRER in present:
            result = [(n, v) for n, v in result if n.lower() != _REFERRER]
        result.append(_NO_REFERRER)
        present.add(_REFERRER)
    result += [pair for pair in _DEFAULT_HEADERS if pair[0] not in present]
    # The scheme is https only when the request reached us over TLS (directly, or through a
    # trusted proxy's X-Forwarded-Proto): on plain http an HSTS header would be meaningless.
    if https and _HSTS_HEADER[0] not in present:
        result.append(_HSTS_HEADER)
    return result


# --- rate limit on public writes -----------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """"60/minute" → Rate(60, 60); the same forms MYMACHI_RATE_LIMIT_WRITES accepts."""
        if not re.match(RATE_PATTERN, text):
            raise ValueError(f"rate {text!r}: expected N/second|minute|hour|day")
        item = limits.parse(text)
        return cls(item.amount, item.get_expiry())

    @property
    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.count, self.seconds)


def client_key(request: Request) -> str:
    """The client's address (the forwarded one behind a trusted proxy: uvicorn rewrites
    request.client). IPv6 counts per /64, since one host usually holds the whole /64."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)  # a dual-stack socket's IPv4 client (::ffff:a.b.c.d)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class WriteLimiter:
    """Counts writes per (group, client) in the cache's rate-limit store (limits' fixed
    window; fails open when Redis is away)."""

    def __init__(self, cache: Cache, rate: Rate) -> None:
        self.limits = cache.rate_limits
        self.rate = rate

    def retry_after(self, group: str, client: str, now: float | None = None) -> int | None:
        """Seconds to wait when this write is over the limit; None when it may go ahead."""
        now = time.time() if now is None else now
        # limits' window starts at a key's first hit; the window's number in the key aligns
        # it to the wall clock instead, so every process gives the same Retry-After.
        window = int(now // self.rate.seconds)
        if self.limits.hit(self.rate.item, "writes", group, client, str(window)) is not False:
            return None  # within the limit, or the store is unreachable: let the write through
        return max(1, math.ceil((window + 1) * self.rate.seconds - now))


def limit_writes(group: str) -> Callable[[Request], Awaitable[None]]:
    """A router dependency: POST/PUT/PATCH/DELETE on this router count against the client's
    budget for the route; over it, 429 with Retry-After (JSON or the error page, by Accept)."""

    async def dependency(request: Request) -> None:
        if request.method in SAFE_METHODS:
            return
        ctx: Any = request.app.state.ctx
        limiter = WriteLimiter(ctx.cache, Rate.parse(ctx.settings.rate_limit_writes))
        # One budget per route (its template, not its ids): a resident's many live onboarding
        # previews never use up the budget for saving the profile or giving feedback.
        route = getattr(request.scope.get("route"), "path", None) or request.url.path
        # Redis is blocking I/O: off the event loop.
        wait = await run_in_threadpool(limiter.retry_after, f"{group}:{route}",
                                       client_key(request))
        if wait is not None:
            raise HTTPException(status_code=429, detail=t("error.too_many_requests", "en"),
                                headers={"Retry-After": str(wait)})

    return dependency


# For the OpenAPI schema of rate-limited JSON routes.
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many writes from this address; retry after Retry-After "
                         "seconds. Nothing of the refused request was stored."},
}
