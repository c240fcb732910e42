"""Serve the demo city's department sites on localhost (stdlib only, background thread)."""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from democity.articles import Article
from democity.jdate import http_date, today_jst
from democity.site import Resource, Site, build_site

MAX_SLOW_SECONDS = 60.0
# Deterministic junk that is not XML, not UTF-8 and not a known magic number.
GARBAGE = bytes(random.Random(404).randrange(256) for _ in range(2048)).replace(b"<", b"\x00")
NOT_FOUND = ('<!DOCTYPE html><html lang="ja"><body><h1>ページが見つかりません</h1>'
             "</body></html>").encode()
SLOW_FEED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
             b"<title>slow</title><link>http://localhost/</link><description>slow</description>"
             b"</channel></rss>\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a /broken/slow sleeper
    request_queue_size = 128
    site: Site
    delay = 0.0  # seconds before each answer: a slow CMS, so a crawl takes a while
    # Requests per path, so tests can tell how often a crawler fetched each page.
    hits: Counter[str]
    hits_lock: threading.Lock

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (timeout tests on /broken/slow) is not a server error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: crawlers fetch hundreds of pages per run
    # Headers and body go out in separate writes; with Nagle + delayed ACK that costs
    # ~40 ms per keep-alive response.
    disable_nagle_algorithm = True
    server_version = "WakabanoCMS/3.2"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests and `mymachi demo` share the terminal

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_GET(self) -> None:
        self._dispatch(head=False)

    def _send(self, status: int, body: bytes, ctype: str, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _dispatch(self, head: bool) -> None:
        url = urlsplit(self.path)
        with self.server.hits_lock:
            self.server.hits[url.path] += 1
        if url.path.startswith("/broken/"):
            self._broken(url.path, parse_qs(url.query), head)
            return
        if self.server.delay:
            time.sleep(self.server.delay)
        res = self.server.site.resources.get(url.path)
        if res is None:
            self._send(404, NOT_FOUND, "text/html; charset=UTF-8", head)
            return
        validators = {"ETag": res.etag, "Last-Modified": http_date(res.modified),
                      "Cache-Control": "max-age=0, must-revalidate"}
        if self._not_modified(res):
            self.send_response(304)
            for k, v in validators.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, res.body, res.content_type, head, validators)

    def _not_modified(self, res: Resource) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or res.etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                return False
            return res.modified.replace(microsecond=0) <= since
        return False

    def _broken(self, path: str, query: dict[str, list[str]], head: bool) -> None:
        if path == "/broken/500":
            self._send(500, b"Internal Server Error", "text/plain; charset=UTF-8", head)
        elif path == "/broken/garbage":
            self._send(200, GARBAGE, "application/rss+xml", head)
        elif path == "/broken/slow":
            try:
                seconds = float(query.get("seconds", ["5"])[0])
            except ValueError:
                seconds = 5.0
            time.sleep(max(0.0, min(seconds, MAX_SLOW_SECONDS)))
            self._send(200, SLOW_FEED, "application/rss+xml; charset=UTF-8", head)
        else:  # /broken/404 and anything else under /broken/
            self._send(404, b"Not Found", "text/plain; charset=UTF-8", head)


@dataclass
class DemoCity:
    """A running demo city. `sources` feed the crawler; `articles` are the generated data."""

    base_url: str
    anchor: date
    sources: list[dict]
    articles: list[Article]
    _server: _Server
    _thread: threading.Thread

    def hits(self) -> dict[str, int]:
        """Requests served so far (GET, HEAD, conditional or not) by path."""
        with self._server.hits_lock:
            return dict(self._server.hits)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> DemoCity:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo_city(host: str = "127.0.0.1", port: int = 0,
                    anchor: date | None = None, delay: float = 0.0) -> DemoCity:
    """Start serving in a background thread; port 0 picks a free port. `delay`: seconds
    each page and feed takes to answer (a slow site, so tests can interrupt a crawl)."""
    anchor = anchor or today_jst()
    server = _Server((host, port), _Handler)
    server.delay = max(0.0, min(delay, MAX_SLOW_SECONDS))
    real_port = server.server_address[1]
    # Links in feeds must be fetchable: a wildcard bind is reached through loopback.
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    site = build_site(f"http://{shown}:{real_port}", anchor)
    server.site = site
    server.hits = Counter()
    server.hits_lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, name="democity", daemon=True)
    thread.start()
    return DemoCity(base_url=site.base_url, anchor=anchor, sources=site.sources,
                    articles=site.articles, _server=server, _thread=thread)
