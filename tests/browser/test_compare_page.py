"""A visitor compares the 2022 provincial grid factors, with the form, on a desktop and a phone."""

import re

import pytest

from tests.browser.conftest import assert_no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_compares_the_2022_provincial_grid_factors_in_both_languages(
        live_server, page, seeded, screenshot):
    page.goto(live_server.url + "/compare/?year=2021")

    page.get_by_label("类别", exact=True).select_option(label="电力平均二氧化碳排放因子")
    page.get_by_label("年份", exact=True).select_option("2022")
    page.get_by_label("地区类型", exact=True).select_option(label="省级")
    page.get_by_role("button", name="对比").click()
    page.wait_for_url("**/compare/?category=*")

    row_header = page.get_by_role("rowheader", name="广东", exact=True)
    guangdong = page.locator("table.comparison tr", has=row_header)
    assert guangdong.locator("td.number").inner_text() == "0.4403"
    national = page.locator("table.comparison tr.reference")
    assert "0.5366" in national.inner_text()
    chart = page.locator("figure.chart svg[role=img]")
    assert chart.count() == 1
    title_id = chart.get_attribute("aria-labelledby").split()[0]
    assert "2022" in page.locator(f"svg > title#{title_id}").text_content()
    assert "0.4403" in chart.locator("text").all_text_contents()
    assert guangdong.get_by_role("link").get_attribute("href").startswith("/factors/EF")

    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)
    box = chart.bounding_box()
    assert box["width"] <= 360
    screenshot(page, "compare")

    # In English, with nothing chosen, it opens on the latest full year (one seed per test).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/en/compare/")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Year", exact=True).input_value() == "2022"
    assert page.get_by_role("link", name="Provincial").count() == 1
    page.get_by_role("link", name="Provincial").click()
    # The click only starts the navigation: read the provincial page, not the one it leaves.
    page.wait_for_url(re.compile(r"/en/compare/\?.*kind=province"))
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="Guangdong").count() == 1
    assert page.get_by_role("rowheader", name="North China grid").count() == 0
