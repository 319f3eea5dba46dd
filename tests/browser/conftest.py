"""A real Chromium (Debian's package) driven by Playwright against Django's live server."""

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import Role
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


@pytest.fixture(scope="session")
def seed_copy(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("seed")


@pytest.fixture
def seeded(transactional_db, seed_copy):
    """The real seed: the published national factors, sources and the first release.

    The first test of a session loads it through its services (`loadseed`, seconds) and keeps
    a copy (`dumpdata`); each later one gets the copy back (`loaddata`), as the live server's
    tests empty every table after them. The versions and releases come last in the copy: a
    published version refuses new gas amounts and sources, a sealed release new content
    (PostgreSQL's guards), so their rows may only arrive after their parts (the foreign keys
    are checked at the end of the load).
    """
    parts = [seed_copy / f"{name}.json" for name in ("rows", "versions", "releases")]
    if parts[0].exists():
        call_command("loaddata", *map(str, parts), verbosity=0)
        return
    # A transactional test empties every table after it, the role groups of the migrations too.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("loadseed", stdout=io.StringIO())
    keys = {"use_natural_foreign_keys": True, "use_natural_primary_keys": True}
    call_command("dumpdata", "auth.group", "accounts", "factordb",
                 exclude=["factordb.factorversion", "factordb.release"], output=str(parts[0]), **keys)
    call_command("dumpdata", "factordb.factorversion", output=str(parts[1]), **keys)
    call_command("dumpdata", "factordb.release", output=str(parts[2]), **keys)


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
