"""`mymachi demo` on any port the resident asks for, the demo city's own default included:
the city moves, not the portal."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from portal.demo import start_city
from tests.live_server import free_port
from tests.processes import MYMACHI, http_get


def test_the_city_moves_off_the_portals_port() -> None:
    port = free_port()
    city = start_city(portal_port=port, city_port=port)
    try:
        moved = urlsplit(city.base_url).port
        assert moved != port and moved is not None
    finally:
        city.stop()
    again = start_city(portal_port=free_port(), city_port=port)  # its own port, when free
    try:
        assert urlsplit(again.base_url).port == port
    finally:
        again.stop()


def test_demo_starts_with_the_portal_on_the_citys_port(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen([MYMACHI, "demo", "--port", str(port), "--city-port", str(port)],
                            cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and demo.poll() is None:
            try:
                status, _ = http_get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        log.flush()
        output = (tmp_path / "demo.log").read_text(errors="replace")
        assert status == 200, f"the demo did not start:\n{output[-2000:]}"
        assert "address already in use" not in output
    finally:
        demo.terminate()
        demo.wait(timeout=30)
        log.close()
