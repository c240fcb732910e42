"""Load from wrk (a C load generator, Debian package `wrk`) for the web benchmarks, and the
bare FastAPI server they measure against.

A load generator written in Python shares the server's two cores and takes most of one: the
numbers it gives are its own limits as much as the server's. wrk spends a fraction of that,
so the same run can hold the portal beside a bare route (the framework's ceiling).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Printed by wrk's `done` hook: one JSON line after wrk's own report (latency in µs).
_REPORT_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: int  # socket errors and responses outside 2xx/3xx
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def parse_report(output: str) -> WrkResult:
    """The JSON line our `done` hook printed, from wrk's whole stdout."""
    line = next((ln for ln in reversed(output.splitlines()) if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report:\n{output[-2000:]}")
    data = json.loads(line)
    return WrkResult(requests=int(data["requests"]), seconds=data["duration_us"] / 1e6,
                     errors=int(data["errors"]) + int(data["non2xx"]),
                     p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000)


def run_wrk(url: str, *, connections: int, duration: float, threads: int = 2,
            headers: dict[str, str] | None = None) -> WrkResult:
    """GET `url` over `connections` keep-alive connections for `duration` seconds."""
    binary = wrk_path()
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian package wrk)")
    with tempfile.TemporaryDirectory(prefix="mymachi-wrk-") as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(_REPORT_SCRIPT, encoding="utf-8")
        command = [binary, f"-t{min(threads, connections)}", f"-c{connections}",
                   f"-d{max(1, round(duration))}s", "--timeout", "10s", "-s", str(script)]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run([*command, url], capture_output=True, text=True, check=False,
                              timeout=duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited {done.returncode}: {done.stderr.strip()}")
    return parse_report(done.stdout)


def serve_bare(port: int) -> None:
    """Runs in its own process: one FastAPI route, no middleware, the server the portal
    uses (uvicorn, uvloop, httptools, one process). The ceiling for every other target."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    app = FastAPI()

    @app.get("/")
    def bare() -> PlainTextResponse:
        return PlainTextResponse("ok")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                loop="uvloop", http="httptools")
