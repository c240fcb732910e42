"""Regenerate the README screenshots: onboarding and feed, Japanese and English.

    python -m tests.browser.screenshots            # starts `mymachi demo` in a temp folder
    python -m tests.browser.screenshots --url URL  # or uses a demo that is already running

Playwright drives Debian's Chromium (/usr/bin/chromium), like the browser tests.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from portal.bench.loopback import free_port
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
INTERESTS = {"ja": ["子育て・教育", "防災・安全"],
             "en": ["Childcare & education", "Disaster prevention & safety"]}


def _wait_for_articles(url: str, timeout: float = 120.0) -> None:
    """The demo crawls its city at start: wait until a search finds something."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/search?category=childcare", timeout=5) as r:
                if b'class="card"' in r.read():
                    time.sleep(5)  # let the rest of the sources land
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError("the demo did not publish articles in time")


def take(url: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        for lang in ("ja", "en"):
            context = browser.new_context(viewport={"width": 1100, "height": 1400},
                                          device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{url}/lang/{lang}")
            for label in INTERESTS[lang]:
                page.get_by_label(label).check()
            page.locator("#preview li").first.wait_for()
            page.screenshot(path=str(OUT / f"onboarding-{lang}.png"), full_page=False)
            page.locator("button.primary").click()
            page.wait_for_url("**/feed")
            page.screenshot(path=str(OUT / f"feed-{lang}.png"), full_page=False)
            context.close()
        browser.close()
    print(f"wrote {OUT}/onboarding-{{ja,en}}.png and feed-{{ja,en}}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running mymachi demo (default: start one)")
    args = parser.parse_args()
    if args.url:
        take(args.url.rstrip("/"))
        return
    port = free_port()
    mymachi = Path(sys.executable).with_name("mymachi")
    with tempfile.TemporaryDirectory(prefix="mymachi-shots-") as folder:
        demo = subprocess.Popen(
            [str(mymachi), "demo", "--port", str(port), "--city-port", str(free_port())],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "MYMACHI_PUBLIC_URL": f"http://127.0.0.1:{port}"},
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_articles(url)
            take(url)
        finally:
            demo.terminate()
            demo.wait(timeout=20)


if __name__ == "__main__":
    main()
