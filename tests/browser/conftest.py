"""A real Chromium (Debian's package) driven by Playwright against Django's live server."""

import os
from pathlib import Path

import pytest

from tests.browser.availability import chromium_or_skip

# Playwright's sync API runs an event loop in the test thread; the test still touches
# the database synchronously, outside any coroutine, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def seeded(transactional_db, seed_rows):
    """The real seed: the published national factors, sources and the first release, loaded
    afresh for each test, as the live server's tests empty every table after them."""
    seed_rows.load()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (360, 740)}


@pytest.fixture
def screenshot():
    """shot(page, "factor-page"): saves var/screenshots/factor-page-desktop.png and
    -phone.png of the page shown, and checks that at 360 px nothing scrolls sideways."""

    def shot(page, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
            if label == "phone":
                assert_no_horizontal_scroll(page)
        page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})

    return shot


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {page.viewport_size['width']} px"
