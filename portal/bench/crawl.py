"""`mymachi bench crawl`: a full crawl cycle over 1,000 sources served on localhost.

A generated city runs in a separate process (so it does not share the crawler's interpreter):
`hosts` department sites (one port each, so per-host politeness applies), 1,000 sources among
them as RSS 2.0, RSS 1.0 (RDF) and Atom feeds with ETags, each item linking to a CMS-style
article page (header, navigation, breadcrumbs, main content, tables, PDF links, footer) with
a distinct text. Four timed phases, each `crawl_sources` exactly as `mymachi crawl` runs it
(fetch → parse → extract → store in SQL → score; `--without-scoring` leaves the last step out,
to see the crawler's own share):

1. first: every source is new, every item's page is read and stored; the corpus is young, so
   the category scorer refits as it grows (portal/…/scoring.py): a cold start;
2. steady: `new_share` of the sources gained `new_items` items, the rest answer 304 (the
   cycle time of a normal crawl);
3. burst: `burst_share` of the sources gained `burst_items` items each (the ingest rate on an
   established corpus: new articles per second, end to end);
4. idle: nothing changed; every source answers 304.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import tempfile
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

FORMATS = ("rss", "rss", "rss", "rdf", "atom")  # RSS 2.0 most common, as on real sites
BASE = 1_767_225_600  # 2026-01-01 00:00 UTC: item k of a source is k hours later


# -- the generated city (runs in its own process) ----------------------------------------------


class _City:
    """Feeds and pages of every source, generated once and served from memory."""

    def __init__(self, sources: int, hosts: int, items: int, seed: int = 7) -> None:
        from democity.articles import generate_articles

        sentences = sorted({s + "。" for a in generate_articles() for p in a.paragraphs
                            for s in p.split("。") if len(s) > 8})
        self.sentences = sentences
        self.rng = random.Random(seed)
        self.sources = sources
        self.hosts = hosts
        self.items = [items] * sources  # items per source; grows as new ones are published
        self.generation = [0] * sources
        self.pages: dict[str, bytes] = {}

    def host_of(self, source: int) -> int:
        return source % self.hosts

    def feed(self, source: int, base: str) -> tuple[bytes, str, str]:
        kind = FORMATS[source % len(FORMATS)]
        count = self.items[source]
        newest = [count - 1 - j for j in range(min(count, 20))]  # a feed shows its newest 20
        title = f"第{source}課 新着情報"
        if kind == "atom":
            entries = "".join(
                f"<entry><title>{self._title(source, k)}</title>"
                f'<link href="{base}/s{source}/news/{k}.html"/><id>tag:s{source}-{k}</id>'
                f"<updated>{self._iso(k)}</updated><summary>{self._lead(source, k)}</summary>"
                "</entry>" for k in newest)
            body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/'
                    f'Atom"><title>{title}</title><id>tag:s{source}</id>{entries}</feed>')
            ctype = "application/atom+xml"
        elif kind == "rdf":
            items = "".join(
                f'<item rdf:about="{base}/s{source}/news/{k}.html"><title>'
                f"{self._title(source, k)}</title><link>{base}/s{source}/news/{k}.html</link>"
                f"<dc:date>{self._iso(k)}</dc:date><description>{self._lead(source, k)}"
                "</description></item>" for k in newest)
            body = ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org'
                    '/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="'
                    f'http://purl.org/dc/elements/1.1/"><channel rdf:about="{base}/s{source}/">'
                    f"<title>{title}</title><link>{base}/s{source}/</link><description>お知らせ"
                    f"</description></channel>{items}</rdf:RDF>")
            ctype = "application/rdf+xml"
        else:
            items = "".join(
                f"<item><title>{self._title(source, k)}</title>"
                f"<link>{base}/s{source}/news/{k}.html</link><pubDate>{self._rfc822(k)}</pubDate>"
                f"<description>{self._lead(source, k)}</description></item>" for k in newest)
            body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>'
                    f"{title}</title><link>{base}/s{source}/</link>{items}</channel></rss>")
            ctype = "application/rss+xml"
        return body.encode(), ctype, f'"s{source}-g{self.generation[source]}"'

    def page(self, source: int, k: int) -> bytes:
        key = f"{source}/{k}"
        if key not in self.pages:
            rng = random.Random(f"{source}:{k}")
            paragraphs = "".join(f"<p>{escape(' '.join(rng.sample(self.sentences, 3)))}</p>"
                                 for _ in range(3))
            nav = "".join(f'<li><a href="/s{source}/c{i}/">分類{i}</a></li>' for i in range(20))
            self.pages[key] = (
                f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>'
                f"{self._title(source, k)}｜若葉野市</title></head><body><div id=\"tmp_header\">"
                f'<a href="/">若葉野市</a><form action="/search">検索</form></div>'
                f'<ul id="tmp_gnavi">{nav}</ul><div id="tmp_pankuzu"><a href="/">ホーム</a> &gt; '
                f'第{source}課</div><div id="tmp_contents"><h1>{self._title(source, k)}</h1>'
                f"<p>掲載日：{self._jdate(k)}</p>{paragraphs}<table><tr><th>日時</th><td>"
                f"{self._jdate(k + 400)} 午前10時</td></tr><tr><th>申込期限</th><td>"
                f"{self._jdate(k + 200)}</td></tr></table><p><a href=\"/s{source}/files/{k}.pdf\">"
                f"案内（PDF）</a></p><p>整理番号 {source}-{k}-{rng.randrange(10**6)}</p>"
                f'<div class="contact">このページに関するお問い合わせ 第{source}課 電話：'
                f"0{source % 90 + 10}-123-4567</div></div><div id=\"tmp_footer\">"
                "Copyright 若葉野市 All rights reserved.</div></body></html>"
            ).encode()
        return self.pages[key]

    def advance(self, share: float, count: int, seed: int) -> int:
        """`share` of the sources publish `count` new items; returns how many sources did."""
        chosen = random.Random(seed).sample(range(self.sources), round(self.sources * share))
        for source in chosen:
            self.items[source] += count
            self.generation[source] += 1
        return len(chosen)

    # Escaped for XML and HTML: the city's text has "M&A" and the like in it.
    def _title(self, source: int, k: int) -> str:
        return escape(
            f"第{source}課のお知らせ その{k}（{self.sentences[(source * 31 + k) % 97][:12]}）")

    def _lead(self, source: int, k: int) -> str:
        return escape(self.sentences[(source * 7 + k * 13) % len(self.sentences)])

    @staticmethod
    def _iso(k: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(BASE + k * 3600))

    @staticmethod
    def _rfc822(k: int) -> str:
        from datetime import UTC, datetime

        return format_datetime(datetime.fromtimestamp(BASE + k * 3600, UTC), usegmt=True)

    @staticmethod
    def _jdate(k: int) -> str:
        day = time.gmtime(BASE + k * 3600 + 9 * 3600)
        return f"令和{day.tm_year - 2018}年{day.tm_mon}月{day.tm_mday}日"


def _handler(city: _City, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            path = parts.path.strip("/").split("/")
            headers: dict[str, str] = {}
            with lock:
                if parts.path == "/robots.txt":
                    body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
                elif parts.path == "/_bench/advance":
                    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    changed = city.advance(float(query["share"]), int(query["items"]),
                                           int(query["seed"]))
                    body, ctype = str(changed).encode(), "text/plain"
                elif len(path) == 2 and path[1] == "feed":
                    body, ctype, etag = city.feed(int(path[0][1:]), base)
                    headers["ETag"] = etag
                    if self.headers.get("If-None-Match") == etag:
                        self._answer(304, b"", ctype, headers)
                        return
                elif len(path) == 3 and path[1] == "news":
                    body, ctype = city.page(int(path[0][1:]), int(path[2][:-5])), "text/html"
                else:
                    body, ctype = b"not found", "text/plain"
                    self._answer(404, body, ctype, headers)
                    return
            self._answer(200, body, ctype, headers)

        def _answer(self, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _serve(conn: Any, sources: int, hosts: int, items: int) -> None:
    city = _City(sources, hosts, items)
    lock = threading.Lock()
    handler = _handler(city, lock)
    servers = []
    for _ in range(hosts):
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.request_queue_size = 256
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    conn.send([server.server_address[1] for server in servers])
    conn.recv()  # blocks until the bench is done


# -- the benchmark -----------------------------------------------------------------------------


class _NoScoring:
    """A context's scorers that label nothing: the crawler's own share of a crawl."""

    def loaded_artifact(self) -> None:
        return None

    def labels_for_ingest(self, *args: object) -> _NoLabels:
        return _NoLabels()


class _NoLabels:
    def add_known(self, *args: object) -> None:
        return None

    def before_write(self, *args: object) -> None:
        return None

    def after_write(self, *args: object) -> None:
        return None


def _source_urls(ports: list[int], sources: int) -> list[str]:
    return [f"http://127.0.0.1:{ports[i % len(ports)]}/s{i}/feed" for i in range(sources)]


def _process_cpu(pids: list[int | None]) -> float:
    """CPU seconds (user + system) these processes used so far (Linux /proc; else 0)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run(*, sources: int, hosts: int, items: int, new_share: float, new_items: int,
        burst_share: float, burst_items: int, database_url: str | None, workers: int,
        scoring: bool, console: Console) -> dict[str, Any]:
    import urllib.request
    from concurrent.futures import Executor, ProcessPoolExecutor

    import uvloop
    from sqlalchemy import func, select

    from portal.context import AppContext
    from portal.db.models import Article
    from portal.db.session import migrate, session_scope
    from portal.ingest.crawl import crawl_sources
    from portal.ingest.sources import add_source
    from portal.settings import Settings

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    city = context.Process(target=_serve, args=(child, sources, hosts, items), daemon=True)
    city.start()
    folder = tempfile.mkdtemp(prefix="mymachi-bench-crawl-")
    cpu: Executor | None = None
    try:
        with console.status("starting the generated city"):
            ports = parent.recv()
        url = database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        settings = Settings(database_url=url, crawl_allow="127.0.0.1",
                            secret_key="bench-secret-key-0123456789", crawl_timeout_seconds=30.0)
        ctx = AppContext.build(settings)
        if not scoring:  # diagnosis: the crawler's own share, without category scoring
            ctx.scorers = _NoScoring()  # type: ignore[assignment]
        migrate(ctx.engine)
        urls = _source_urls(ports, sources)
        with session_scope(ctx.sessions) as session:
            for i, source_url in enumerate(urls):
                add_source(session, source_url, f"第{i}課")
        if workers > 1:
            cpu = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
            list(cpu.map(abs, range(workers)))  # start the workers before timing

        def count() -> int:
            with session_scope(ctx.sessions) as session:
                return session.scalar(select(func.count(Article.id))) or 0

        phases: dict[str, dict[str, Any]] = {}
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        changes = {"steady": (new_share, new_items), "burst": (burst_share, burst_items)}
        changed: dict[str, int] = {}
        for seed, name in enumerate(("first", "steady", "burst", "idle")):
            if name in changes:
                share, count_new = changes[name]
                query = f"share={share}&items={count_new}&seed={seed}"
                with urllib.request.urlopen(f"http://127.0.0.1:{ports[0]}/_bench/advance?"
                                            f"{query}", timeout=30) as answer:
                    changed[name] = int(answer.read())
            before = count()
            with Progress(*columns, console=console, transient=True) as progress:
                task = progress.add_task(f"{name} cycle", total=sources)

                def advance(done: int, total: int, task: Any = task,
                            progress: Progress = progress) -> None:
                    progress.update(task, completed=done, total=total)

                helpers = [*(getattr(cpu, "_processes", None) or {}), city.pid]
                started, cpu_started = time.perf_counter(), time.process_time()
                helpers_started = _process_cpu(helpers)
                report = uvloop.run(crawl_sources(ctx, force=True, on_progress=advance,
                                                  cpu=cpu))
                seconds = time.perf_counter() - started
                cpu_seconds = time.process_time() - cpu_started
                helpers_seconds = _process_cpu(helpers) - helpers_started
            stored = count() - before
            phases[name] = {
                "seconds": round(seconds, 2), "crawler_cpu_seconds": round(cpu_seconds, 2),
                # The pool processes' and the generated city's CPU: all share the 2 cores.
                "other_cpu_seconds": round(helpers_seconds, 2),
                "sources": report.sources,
                "not_modified": report.not_modified, "failed": report.failed,
                "new_articles": report.new_articles, "stored": stored,
                "articles_per_s": round(report.new_articles / seconds, 1) if seconds else 0.0,
            }
            if report.failed:
                console.print(f"[yellow]{name}: {report.failed} failed, e.g. "
                              f"{next(iter(report.errors.values()))}")
        for name, count_changed in changed.items():
            phases[name]["changed_sources"] = count_changed
        return {
            "sources": sources, "hosts": hosts, "items_per_source": items,
            "database": "postgresql" if url.startswith("postgresql") else "sqlite",
            "workers": workers, "cpus": os.cpu_count(), "scoring": scoring, "phases": phases,
        }
    finally:
        if cpu is not None:
            cpu.shutdown(cancel_futures=True)
        parent.send("stop")
        city.join(timeout=5)
        if city.is_alive():
            city.terminate()
