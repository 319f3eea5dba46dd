"""The home page and the pages of explanation in a real browser, on the real seed."""

import re

import pytest

from factordb.services.seed import seed_public_id

pytestmark = pytest.mark.django_db(transaction=True)

NATIONAL_2022 = "MEE-GRID/2022/national_average/CN"


def test_the_home_page_shows_the_2022_national_grid_factor_as_a_link(live_server, page, seeded, screenshot):
    page.goto(live_server.url + "/")
    screenshot(page, "home")

    most_asked = page.locator("section", has=page.get_by_role("heading", name="常用：全国电网平均排放因子"))
    row = most_asked.get_by_role("row", name=re.compile("^2022"))
    assert "0.5366" in row.inner_text()
    link = row.get_by_role("link")
    assert link.get_attribute("href") == f"/factors/{seed_public_id(NATIONAL_2022)}/"


def test_the_home_search_box_asks_the_factor_search(live_server, page):
    # The box is the page's own: it asks the search whatever the data.
    page.goto(live_server.url + "/")

    page.get_by_label("检索因子").fill("2022 全国")
    page.get_by_role("button", name="检索", exact=True).click()

    page.wait_for_url(re.compile(r"/factors/\?q=2022"))
    assert page.url.endswith("/factors/?q=2022+%E5%85%A8%E5%9B%BD")


def test_the_english_home_page(live_server, page, seeded, screenshot):
    page.goto(live_server.url + "/en/")

    assert page.get_by_role("heading", level=2, name="Most asked: national average grid electricity factors")
    assert "0.5366" in page.locator("table.national-grid").inner_text()
    screenshot(page, "home-en")


EXPLANATIONS = [
    ("/methodology/", "methodology", "方法学"),
    ("/developers/", "developers", "给计算软件开发者"),
    ("/about/", "about", "关于本数据库"),
    ("/en/methodology/", "methodology-en", "Methodology"),
]


def test_the_pages_of_explanation_fit_a_phone(live_server, page, seeded, screenshot):
    # One seed for the four pages: they only read it.
    for path, name, heading in EXPLANATIONS:
        page.goto(live_server.url + path)

        assert page.locator("h1").inner_text() == heading
        screenshot(page, name)


def test_the_not_found_page_fits_a_phone(live_server, page, screenshot):
    response = page.goto(live_server.url + "/factors/NOPE/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "找不到此页面"
    screenshot(page, "not-found")
