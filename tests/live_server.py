"""The portal on a real loopback port (uvicorn in a thread), as a browser would reach it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator

import uvicorn

from portal.app import create_app
from portal.bench.loopback import free_port
from portal.context import AppContext

__all__ = ["LiveServer", "free_port"]


class LiveServer:
    """Start with start() (returns the base URL) or as a context manager (`.url`)."""

    def __init__(self, ctx: AppContext) -> None:
        app = create_app(ctx.settings, ctx, run_scheduler=False)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("portal did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sse_data(lines: Iterable[str]) -> Iterator[str]:
    """The data of each server-sent event in a stream's lines (multi-line data joined)."""
    data: list[str] = []
    for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield "\n".join(data)
            data = []
