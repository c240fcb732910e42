"""`mymachi bench web` end to end: the bare FastAPI route and the portal's routes in one run,
ratios against the bare route, and no errors (the hashed stylesheet, the warm cookie and the
first visits all answer 200). Throughput is the benchmark's business, not this test's."""

from __future__ import annotations

import json
import subprocess

import pytest

from portal.bench.wrk import parse_report, wrk_path
from tests.processes import MYMACHI

PHASES = {"bare", "api", "static", "jinja", "warm", "cold"}


@pytest.mark.parametrize("loader", ["wrk", "python"])
def test_bench_web_measures_the_portal_beside_a_bare_route(tmp_path, loader) -> None:  # type: ignore[no-untyped-def]
    if loader == "wrk" and wrk_path() is None:
        pytest.skip("wrk is not installed (Debian package wrk)")
    done = subprocess.run(
        [MYMACHI, "bench", "web", "--articles", "300", "--connections", "4", "--duration", "1",
         "--rounds", "1", "--cold-profiles", "4", "--json",
         "--wrk" if loader == "wrk" else "--no-wrk"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["loader"] == loader
    assert set(report["phases"]) == PHASES
    for name, phase in report["phases"].items():
        assert phase["errors"] == 0, name
        assert phase["requests"] > 0 and phase["p99_ms"] >= phase["p50_ms"] > 0, name
    assert set(report["vs_bare"]) == PHASES - {"bare"}


def test_wrk_report_is_read_from_its_done_hook() -> None:
    output = ("Running 1s test @ http://127.0.0.1:1/\n  2 threads and 4 connections\n"
              '\n{"requests": 1200, "duration_us": 2000000, "errors": 1, "non2xx": 2, '
              '"p50_us": 1500, "p99_us": 9000}\n')
    result = parse_report(output)
    assert (result.requests, result.errors, result.rps) == (1200, 3, 600.0)
    assert (result.p50_ms, result.p99_ms) == (1.5, 9.0)
