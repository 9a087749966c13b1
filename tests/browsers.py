"""Shared by every test that drives a real Chromium (tests/browser/, tests/security/).

Playwright's sync API allows one running instance per thread, so all of them share the one session
browser that tests/conftest.py's `browser` fixture starts; each test opens its own context.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Any request to a host other than loopback goes to a closed port: nothing leaves the machine.
    "--proxy-server=http://127.0.0.1:9",
]
NO_CHROMIUM = "" if Path(CHROMIUM).exists() else f"Chromium not found at {CHROMIUM}: apt-get install chromium"

# Installed before any page script (context.add_init_script): every Content-Security-Policy violation
# the page reports lands in window.__cspViolations.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile + ":" + event.lineNumber,
  });
});
"""


def chromium() -> Iterator:
    """Debian's headless Chromium under Playwright, for as long as the generator runs."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make to arrange
    # data are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
