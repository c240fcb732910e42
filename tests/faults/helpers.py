"""What the fault tests share: residents reading in background threads while something breaks,
an open page's event stream, and an editor publishing a notice."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select

from democity import DemoCity
from portal.context import AppContext
from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.ingest.sources import add_source
from tests.live_server import sse_data
from tests.portal.editor_helpers import login_as

CLIENT_TIMEOUT = 20.0


@dataclass(frozen=True)
class Sample:
    path: str
    started: float
    ended: float
    status: int  # 0: no answer at all (connection refused, timeout)
    items: int  # feed items in a JSON answer
    body: str = ""  # of an answer other than 200
    retry_after: str | None = None
    ids: tuple[str, ...] = ()  # the feed items' ids in a JSON answer


@dataclass
class Load:
    """`threads` residents each requesting `paths` in turn until stopped."""

    base: str
    paths: list[str]
    threads: int = 4
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = CLIENT_TIMEOUT
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _run(self, offset: int) -> None:
        with httpx.Client(base_url=self.base, timeout=self.timeout,
                          headers=self.headers) as client:
            n = offset
            while not self._stop.is_set():
                path = self.paths[n % len(self.paths)]
                n += 1
                started = time.monotonic()
                retry_after = None
                try:
                    response = client.get(path)
                    status, text = response.status_code, response.text
                    retry_after = response.headers.get("Retry-After")
                except httpx.HTTPError as exc:
                    status, text = 0, repr(exc)
                ids: tuple[str, ...] = ()
                if status == 200 and path.startswith("/api/"):
                    ids = tuple(item["id"] for item in response.json()["items"])
                self.samples.append(Sample(path, started, time.monotonic(), status, len(ids),
                                           text if status != 200 else "", retry_after, ids))

    def start(self) -> Load:
        for i in range(self.threads):
            worker = threading.Thread(target=self._run, args=(i,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> list[Sample]:
        self._stop.set()
        for worker in self._workers:
            worker.join(self.timeout + 5)
        return self.samples

    def between(self, start: float, end: float) -> list[Sample]:
        """Requests that started and ended within [start, end]."""
        return [s for s in list(self.samples) if s.started >= start and s.ended <= end]

    def wait_for(self, count: int, since: float, timeout: float = 30) -> None:
        """Until `count` requests have ended since `since` (the load is really going on)."""
        deadline = time.monotonic() + timeout
        while sum(1 for s in list(self.samples) if s.started >= since) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} requests in {timeout:.0f} s")
            time.sleep(0.05)


class EventStream:
    """An open resident page's /live/notices stream, read in a thread; `events` are the
    data of every event received (the first is the state at connection time)."""

    def __init__(self, base: str, cookies: httpx.Cookies) -> None:
        self.events: list[str] = []
        self.changed = threading.Condition()
        self._client = httpx.Client(base_url=base, cookies=cookies,
                                    timeout=httpx.Timeout(10, read=None))
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            with self._client.stream("GET", "/live/notices") as stream:
                for event in sse_data(stream.iter_lines()):
                    with self.changed:
                        self.events.append(event)
                        self.changed.notify_all()
        except httpx.HTTPError:
            pass  # closed by close(), or the server went away: `events` says what came

    def wait(self, predicate: Callable[[list[str]], bool], timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self.events), timeout)

    def close(self) -> None:
        self._client.close()


def publish_notice(base: str, ctx: AppContext, title: str) -> None:
    """An editor publishes an emergency notice through the console, as in production."""
    with httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT) as editor:
        token = login_as(editor, ctx, "koho", "editor")  # type: ignore[arg-type]
        response = editor.post("/editor/notices", data={
            "csrf_token": token, "severity": "emergency", "title": title})
        assert response.status_code == 303, response.text


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.1)


# Five department sites whose notices are republished by one another (one feed of each kind
# among them): a crawl of these stores ~90 articles and merges 7 copies.
LINKED_DEPARTMENTS = ("kikikanri", "hamakaze-ku", "kawabe-ku", "midorigaoka-ku", "soumu")


def linked_sources(city: DemoCity) -> list[dict[str, Any]]:
    return [s for s in city.sources
            if s["url"].removeprefix(city.base_url).split("/")[1] in LINKED_DEPARTMENTS]


def add_sources(ctx: AppContext, specs: list[dict[str, Any]]) -> None:
    with session_scope(ctx.sessions) as session:
        for spec in specs:
            add_source(session, spec["url"], spec["department"], kind=spec.get("kind", "auto"),
                       rules=spec.get("rules") or {})


def incomplete_articles(ctx: AppContext) -> list[str]:
    """Articles stored without what a finished store gives every article: its text (or the
    listing's, for a page that failed), its content hash and its scores."""
    with ctx.sessions() as session:
        return [
            a.url for a in session.scalars(select(Article))
            if not (a.title and a.content_hash and a.dedup_key and a.departments
                    and (a.body_text or a.page_error) and a.category_scores
                    and a.scorer_version is not None and a.content_terms)
        ]


def stored_articles(ctx: AppContext) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count(Article.id))) or 0)


def all_sources_crawled(ctx: AppContext) -> bool:
    """Every source stored a crawl at least once (its articles and validators committed)."""
    with ctx.sessions() as session:
        return all(s.last_ok_at is not None for s in session.scalars(select(Source)))
