"""Logging for every mymachi process: JSON lines (or text) on stderr, without personal data.

MYMACHI_LOG_FORMAT=json|text picks the format (default: json for the long-running services
`serve`, `worker`, `scheduler`; text for commands a person runs) and MYMACHI_LOG_LEVEL the level.

No personal data reaches a log: the access line is written here with the route *template*
(`/p/{token}/feed.atom`, never the path that holds the token, never the query string) and no
client address; uvicorn's own access log, which has both, is switched off. As a second guard
every line passes `redact`, which replaces the secret segments of our URLs wherever they occur
(an exception message, a third-party log line). Cookies, form bodies (transfer codes, editor
passwords) and headers are never logged by this code.
"""

from __future__ import annotations

import logging
import queue
import re
import sys
import time
from logging.handlers import QueueHandler, QueueListener
from typing import IO, Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.settings import Settings

FORMATS = ("json", "text")
ACCESS_LOGGER = "mymachi.access"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Chatty libraries: one line per crawled URL is metrics' job, not the log's.
QUIET_LOGGERS = ("httpx", "httpcore", "hpack")

_SEGMENT = r"[^/\s\"'\\?#<>]+"
# The URL segments that are secrets: personal feed/calendar tokens and profile ids.
SECRET_PATHS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"(/p/){_SEGMENT}"), r"\1{token}"),
    (re.compile(rf"(/profiles/){_SEGMENT}"), r"\1{profile_id}"),
)


def redact(text: str) -> str:
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactingJsonFormatter(JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingTextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _DropRecords(logging.Filter):
    """On uvicorn.access: its lines carry the client address and the raw path; ours replace
    them. Kept on the logger, so it holds even where uvicorn configures its own logging."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def make_formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return RedactingJsonFormatter(
            "{levelname}{name}{message}", style="{", timestamp=True,
            rename_fields={"levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],  # uvicorn's ANSI-coloured copy
        )
    return RedactingTextFormatter(TEXT_FORMAT)


def resolve(settings: Settings, default_format: str, default_level: str) -> tuple[str, int]:
    """The format and level from MYMACHI_LOG_FORMAT / MYMACHI_LOG_LEVEL, else the defaults;
    ValueError names the variable when a value is not understood."""
    fmt = (settings.log_format or default_format).strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"MYMACHI_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    name = (settings.log_level or default_level).strip().upper()
    level = logging.getLevelNamesMapping().get(name)
    if level is None:
        raise ValueError(f"MYMACHI_LOG_LEVEL must be a level name such as INFO, not {name!r}")
    return fmt, level


def configure_logging(settings: Settings | None = None, *, default_format: str = "text",
                      default_level: str = "INFO", stream: IO[str] | None = None
                      ) -> logging.Handler:
    """Send every logger (the app's, uvicorn's, arq's) to one handler on the root logger.
    Calling again replaces the handler installed before; other handlers (a test runner's)
    are left alone. Returns the handler."""
    fmt, level = resolve(settings or Settings(), default_format, default_level)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_mymachi", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(make_formatter(fmt))
    handler._mymachi = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "arq", ACCESS_LOGGER):
        # Through the root handler, at the root level (uvicorn may have set its own).
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _DropRecords) for f in access.filters):
        access.addFilter(_DropRecords())
    _queue_access_log(handler)
    return handler


# One access line per request: formatting it (JSON) and writing it to stderr happen in a
# thread of their own, not in the event loop serving the next request.
_access_listener: QueueListener | None = None


def _queue_access_log(target: logging.Handler) -> None:
    global _access_listener
    if _access_listener is not None:
        _access_listener.stop()
    lines: queue.Queue[logging.LogRecord] = queue.Queue()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.handlers[:] = [QueueHandler(lines)]
    logger.propagate = False
    _access_listener = QueueListener(lines, target, respect_handler_level=True)
    _access_listener.start()


def flush_access_log() -> None:
    """Wait until every queued access line is written (tests read the stream after)."""
    if _access_listener is not None:
        _access_listener.queue.join()  # type: ignore[attr-defined]


def uvicorn_options() -> dict[str, Any]:
    """Keyword arguments for uvicorn.run/Config: its loggers keep the handler configured above
    (no log_config of its own) and its access log, with client addresses, stays off."""
    return {"log_config": None, "access_log": False}


# --- the access log -------------------------------------------------------------------------

access_log = logging.getLogger(ACCESS_LOGGER)


class AccessLog:
    """ASGI middleware: one line per HTTP request, when it ends (a stream: when it closes),
    with the method, route template, status and duration only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaping the app is a 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                # The router puts the matched route in the scope; no match, no path at all.
                route = getattr(scope.get("route"), "path", None) or "unmatched"
                method = scope.get("method", "")
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                access_log.info("%s %s %d %.1fms", method, route, status, duration_ms,
                                extra={"method": method, "route": route, "status": status,
                                       "duration_ms": duration_ms})
