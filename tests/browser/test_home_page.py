from decimal import Decimal

import pytest

from tests.factories import CategoryFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def national_grid_2022():
    grid = CategoryFactory(code="energy.electricity", name_zh="电力", name_en="Electricity")
    return PublishedVersionFactory(
        factor__category=grid, factor__year=2022, co2e_total=Decimal("0.5366"),
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average factor",
    )


def test_a_visitor_sees_the_latest_factor_and_switches_to_english(live_server, page, national_grid_2022):
    page.goto(live_server.url + "/")

    assert page.locator("h1").inner_text() == "国家产品碳足迹因子数据库"
    latest = page.locator("table.latest tbody tr").first
    assert "全国电网平均排放因子" in latest.inner_text()
    assert "0.5366" in latest.inner_text()

    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()

    page.wait_for_url(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "National Product Carbon Footprint Factor Database"
    assert "National grid average factor" in page.locator("table.latest").inner_text()
    assert "Electricity" in page.locator("table.counts").inner_text()

