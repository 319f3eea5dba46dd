"""A reader on the factor page, with the real seed: the value, another GWP set, the history."""

import re

import pytest

from factordb.services.seed import seed_public_id

pytestmark = pytest.mark.django_db(transaction=True)

NATIONAL_GRID_2022 = "MEE-GRID/2022/national_average/CN"
# A fuel whose breakdown has CH4 and N2O besides CO2: its total moves with the GWP set (the
# seed's grid factors are CO2 only, which every set weighs 1).
ANTHRACITE_PER_TONNE = "IPCC2006/anthracite/t"


def test_a_reader_sees_the_national_grid_factor_and_its_history(live_server, page, seeded, screenshot):
    page.goto(f"{live_server.url}/factors/{seed_public_id(NATIONAL_GRID_2022)}/")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "全国" in page.locator("h1").inner_text()
    assert page.locator(".value-big").inner_text().startswith("0.5366 kg CO2e / kWh")
    assert "2026.1" in page.locator("#cite-text").input_value()

    page.locator(".factor-jumps").get_by_role("link", name="版本历史").click()

    page.wait_for_url(re.compile(r"#history$"))
    history = page.locator("#history")
    assert history.inner_text() == "版本历史"
    assert history.is_visible()
    # Scrolled to: the heading is on screen, not below it (the page is longer than the screen).
    assert 0 <= page.evaluate("document.getElementById('history').getBoundingClientRect().top") < 900
    assert page.evaluate("window.scrollY") > 0
    assert "0.5366" in page.locator("table.history").inner_text()
    screenshot(page, "factor")


def test_a_reader_switches_the_gwp_set_of_a_fuel_and_sees_the_value_recomputed(live_server, page, seeded):
    page.goto(f"{live_server.url}/factors/{seed_public_id(ANTHRACITE_PER_TONNE)}/")
    switch = page.get_by_role("navigation", name="GWP 值集")
    assert switch.locator("[aria-current]").inner_text().startswith("AR5")
    stated = page.locator(".factor-value").inner_text()

    switch.get_by_role("link", name="AR6").click()

    page.wait_for_url(re.compile(r"\?gwp=AR6#gases$"))
    assert switch.locator("[aria-current]").inner_text() == "AR6"
    recomputed = page.locator(".recomputed-value").inner_text()
    assert recomputed != stated
    # 2624.61 kg CO2 + 0.0267 kg fossil CH4 × 29.8 + 0.04005 kg N2O × 273 (AR6).
    assert recomputed == "2636.33931"
    assert page.locator(".stated-value").inner_text() == stated


def test_the_citation_is_selectable_without_javascript_and_the_copy_button_needs_it(live_server, browser,
                                                                                   page, seeded):
    from playwright.sync_api import expect  # only where the browser tests run (tests/browser/availability.py)

    address = f"{live_server.url}/factors/{seed_public_id(NATIONAL_GRID_2022)}/"
    without = browser.new_context(locale="zh-CN", java_script_enabled=False)
    plain = without.new_page()
    plain.goto(address)
    assert plain.locator("button[data-copy]").is_hidden()
    assert seed_public_id(NATIONAL_GRID_2022) in plain.locator("#cite-text").input_value()
    without.close()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(address)
    button = page.locator("button[data-copy]")
    assert button.inner_text() == "复制引用"
    button.click()
    expect(button).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#cite-text").input_value()
