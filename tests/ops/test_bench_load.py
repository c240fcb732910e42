"""`mymachi bench load` (the load test of docs/benchmarks.md) works end to end: residents read
while the demo city is crawled and a notice is published, and a clean run reports 0 errors.
Throughput is the benchmark's business, not this test's."""

from __future__ import annotations

import json
import subprocess

from tests.processes import MYMACHI


def test_bench_load_reads_while_crawling_and_publishing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [MYMACHI, "bench", "load", "--seconds", "3", "--connections", "4", "--profiles", "10",
         "--notice-every", "1", "--json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["errors"] == 0 and report["error_kinds"] == {}
    assert report["requests"] > 0 and report["p99_ms"] >= report["p50_ms"] > 0
    assert report["articles_crawled"] > 0, "the crawl ran during the load"
    assert report["notices_published"] >= 1
