"""Live notices: a change to a notice reaches every open resident page within a second.

`publish()` may be called from any thread or process. With Redis it goes through pub/sub, so
every web process hears it; each process fans the signal out to its own open server-sent-event
connections. Without Redis the fan-out is in-process. If Redis goes away, publishing falls back
to this process and the listener reconnects by itself; pages still show notices on load.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import redis
import redis.asyncio as aioredis

log = logging.getLogger(__name__)
CHANNEL = "mymachi:notices"
QUEUE_SIZE = 16


class LiveNotices:
    def __init__(self, redis_url: str | None = None) -> None:
        self._redis_url = redis_url
        self._publisher = (
            redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
            if redis_url else None
        )
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        # Numbers each change fanned out in this process, so readers can tell old from new.
        self.sequence = 0
        # Changes published from this process, counted at once (the fan-out comes a moment
        # later, through Redis or the event loop): a page served right after sees them.
        self.published = 0

    @property
    def connections(self) -> int:
        return len(self._queues)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self._redis_url:
            self._listener = asyncio.create_task(self._listen(), name="mymachi-live-notices")
        else:
            self.connected.set()

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    def publish(self, event: dict[str, Any]) -> None:
        """Tell every open page that notices changed (thread-safe, never raises)."""
        self.published += 1
        event = {"sent_at": time.time(), **event}  # wall clock: fan-out latency across hosts
        if self._publisher is not None:
            try:
                self._publisher.publish(CHANNEL, json.dumps(event))
                return
            except redis.RedisError as exc:
                log.warning("live notices: Redis unavailable, local fan-out only: %s", exc)
        self._fanout_threadsafe(event)

    def _fanout_threadsafe(self, event: dict[str, Any]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._fanout(event)
        else:
            loop.call_soon_threadsafe(self._fanout, event)

    def _fanout(self, event: dict[str, Any]) -> None:
        self.sequence += 1
        event = {**event, "seq": self.sequence}
        for queue in list(self._queues):
            if queue.full():  # a stalled client gets the newest state, not a backlog
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            client = aioredis.Redis.from_url(self._redis_url or "")
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.connected.set()
                    delay = 0.5
                    # After a reconnect pages may have missed a change: refresh them all.
                    self._fanout({"type": "refresh"})
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._fanout(json.loads(message["data"]))
            except (redis.RedisError, OSError) as exc:
                self.connected.clear()
                log.warning("live notices: Redis listener lost (%s); retrying in %.1fs",
                            exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
            finally:
                await client.aclose()
