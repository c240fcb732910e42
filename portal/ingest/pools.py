"""The process pools a context's crawls parse, extract and label in (settings.crawl_processes).

One `CrawlPools` per AppContext: the app's lifespan, the worker's shutdown and the CLI shut it
down with the context, so no pool process outlives what started it.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Executor, ProcessPoolExecutor


class CrawlPools:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[int, ProcessPoolExecutor] = {}

    def get(self, processes: int) -> Executor | None:
        """The pool of `processes` crawl processes, made on first use; None for 0. A pool
        whose process died (out of memory) is replaced, so the next crawl cycle works."""
        if processes <= 0:
            return None
        with self._lock:
            pool = self._pools.get(processes)
            if pool is None or getattr(pool, "_broken", False):
                if pool is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                # spawn, not fork: the crawling process has threads and open connections.
                pool = self._pools[processes] = ProcessPoolExecutor(
                    processes, mp_context=multiprocessing.get_context("spawn"))
            return pool

    def shutdown(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.shutdown(wait=True, cancel_futures=True)
            self._pools.clear()
