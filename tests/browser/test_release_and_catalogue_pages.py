"""A visitor on the real seed: finds release 2026.1, downloads its JSON and checks its SHA-256
against the page; follows a source to a factor; opens a category and a region. Each page is
photographed at desktop and phone width, and none scrolls sideways at 360 px."""

import hashlib
from pathlib import Path

import pytest

from factordb.models import Source
from factordb.services.seed import seed_public_id

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_downloads_the_first_release_and_checks_its_sha256(live_server, page, seeded, screenshot):
    page.goto(live_server.url + "/releases/")
    screenshot(page, "releases")

    page.get_by_role("link", name="2026.1", exact=True).click()
    page.wait_for_url(live_server.url + "/releases/2026.1/")
    assert page.locator("h1").inner_text() == "发布版本 2026.1"
    national = seed_public_id("MEE-GRID/2022/national_average/CN")
    assert page.locator(f'section[aria-labelledby="changes"] a[href="/factors/{national}/"]').count() == 1
    screenshot(page, "release")

    shown = page.locator('code.sha256[data-file="json"]').inner_text().strip()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="factordb-2026.1.json").click()
    download = download_info.value
    body = Path(download.path()).read_bytes()

    assert download.suggested_filename == "factordb-2026.1.json"
    assert hashlib.sha256(body).hexdigest() == shown

    # The downloads page marks it as the latest (one seed per test: these steps only read it).
    page.goto(live_server.url + "/downloads/")

    assert "最新版本" in page.locator("h2").first.inner_text()
    assert page.locator('a[href="/api/v1/changes/"]').count() == 1
    screenshot(page, "downloads")


def test_a_visitor_follows_a_source_to_a_factor_then_browses_categories_and_regions(
        live_server, page, seeded, screenshot):
    source = Source.objects.get(title__startswith="关于发布2022年电力二氧化碳排放因子的公告")
    page.goto(live_server.url + "/sources/")
    screenshot(page, "sources")

    page.get_by_role("link", name=source.title).click()
    page.wait_for_url(live_server.url + f"/sources/{source.pk}/")
    assert page.locator("h1").inner_text() == source.title
    screenshot(page, "source")

    national = seed_public_id("MEE-GRID/2022/national_average/CN")
    link = page.locator(f'a[href="/factors/{national}/"]')
    assert "0.5366" in page.locator("table.citations tr", has=link).inner_text()
    link.click()
    page.wait_for_url(live_server.url + f"/factors/{national}/")

    # Then browses a category and a region (one seed per test: these steps only read it).
    page.goto(live_server.url + "/categories/")
    screenshot(page, "categories")

    page.get_by_role("link", name="电力平均二氧化碳排放因子", exact=True).click()
    page.wait_for_url(live_server.url + "/categories/energy.electricity.grid_average/")
    assert page.locator('a[href="/compare/?category=energy.electricity.grid_average&year=2022"]').count() == 1
    screenshot(page, "category")

    page.goto(live_server.url + "/regions/")
    screenshot(page, "regions")
    page.get_by_role("link", name="广东", exact=True).click()
    page.wait_for_url(live_server.url + "/regions/CN-GD/")
    assert "0.4403" in page.locator("main").inner_text()
    screenshot(page, "region")
