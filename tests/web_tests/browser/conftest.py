"""One headless Debian chromium per test session, driven by Playwright, against gunicorn.

Chromium resolves every `*.localhost` name to loopback, so pages are opened on their real
hosts (`http://alpha.localhost:<port>/`) and cookies stay per host as in production.
Set KADO_SCREENSHOTS=1 to write the main pages to docs/screenshots/ while the walk runs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KADO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--lang=ja-JP",
]
PASSWORD = "kado-test-pass-2026"
REPO_ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="session")
def browser(http_server):
    # Playwright's sync API keeps an event loop in this thread; the tests' own database
    # calls are still plain synchronous ones, so Django's async guard is relaxed here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"No chromium at {CHROMIUM}: `apt-get install -y chromium` (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(browser, http_server, fed):
    """`site.page` in a fresh context (Japanese browser), with helpers bound to it."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    helper = Site(context, http_server, fed)
    yield helper
    context.close()
    assert not helper.outside_requests, helper.outside_requests


class Site:
    def __init__(self, context, server, fed):
        self.context = context
        self.server = server
        self.fed = fed
        self.page = context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.outside_requests: list[str] = []
        self.checked: list[str] = []
        # Nothing may leave the host: no CDN, font or script from elsewhere.
        context.route(lambda url: not _is_local(url), self._refuse)

    def _refuse(self, route):
        self.outside_requests.append(route.request.url)
        route.abort()

    def url(self, region, path="/") -> str:
        return self.server.host_url(region, path)

    def goto(self, region, path="/"):
        response = self.page.goto(self.url(region, path))
        return response

    def login(self, region, email, password=PASSWORD):
        self.goto(region, "/login/")
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("form button[type=submit]:not(.btn-small)")
        self.page.wait_for_load_state()

    def axe(self, name: str):
        """No accessibility violation on the page as it is now; optionally a screenshot."""
        from axe_playwright_python.sync_playwright import Axe

        # A click that navigates returns once the new page has started loading: check the
        # page only once its stylesheet is applied, or every target looks unstyled.
        self.page.wait_for_load_state("load")
        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        self.checked.append(name)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
        if os.environ.get("KADO_SCREENSHOTS"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _is_local(url: str) -> bool:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return url.startswith(("data:", "about:", "blob:")) or (
        host == "localhost" or host.endswith(".localhost") or host.startswith("127.")
    )
