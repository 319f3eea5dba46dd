"""The factor search in a real browser, on the real seed: by text, with the form, by keyboard
alone, in English, and on a phone."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def results(page) -> str:
    return page.locator("table.search-table tbody").inner_text()


def test_a_visitor_finds_the_2022_national_grid_factor_by_typing_chinese(
        live_server, page, seeded, screenshot):
    page.goto(live_server.url + "/factors/")

    page.get_by_label("关键词").fill("全国 2022")
    page.get_by_role("button", name="检索", exact=True).click()

    page.wait_for_url(re.compile(r"/factors/\?q="))
    assert "找到 3 个因子" in page.locator(".result-count").inner_text()
    assert "0.5366" in results(page)
    assert "电力平均二氧化碳排放因子（全国，2022，每千瓦时）" in results(page)

    # And a full page of results on a phone (one seed per test: the later steps only read it).
    page.goto(live_server.url + "/factors/?category=energy.electricity&sort=value&direction=desc")
    assert page.locator("table.search-table tbody tr").count() == 25
    screenshot(page, "search")


def test_a_visitor_filters_by_region_and_year_then_switches_to_english_and_keeps_them(
        live_server, page, seeded):
    page.goto(live_server.url + "/factors/")

    page.get_by_text("筛选、排序与每页条数").click()
    region = page.get_by_label("地区", exact=True)
    guangdong = region.locator("option", has_text="广东").get_attribute("value")
    region.select_option(guangdong)
    page.get_by_label("年份", exact=True).fill("2022")
    page.get_by_role("button", name="应用条件").click()

    page.wait_for_url(re.compile(r"region=CN-GD"))
    assert "找到 1 个因子" in page.locator(".result-count").inner_text()
    assert "0.4403" in results(page)
    assert "广东" in results(page)

    # Switching to English keeps the page and its filters.
    query = page.url.split("?", 1)[1]
    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()

    page.wait_for_url(f"{live_server.url}/en/factors/?{query}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Find factors"
    assert page.locator("#id_region").input_value() == "CN-GD"
    assert page.locator("#id_year").input_value() == "2022"
    assert "Average grid electricity CO2 factor (Guangdong, 2022, per kWh)" in results(page)
    assert "Factors found: 1" in page.locator(".result-count").inner_text()


def test_a_visitor_searches_with_the_keyboard_alone(live_server, page, seeded):
    page.goto(live_server.url + "/factors/")

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    assert page.evaluate("document.activeElement.id") == "id_q", "Tab never reached the search field"
    page.keyboard.type("广东 2022")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/factors/\?q="))
    assert "0.4403" in results(page)

