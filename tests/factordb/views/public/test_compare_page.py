"""The region comparison page: one category and year, every region's published value,
chosen from the data, and a message (never an error page) for a choice that cannot be made."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from tests.factories import (
    CategoryFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    RegionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

GRID = "energy.electricity.grid_average"


@pytest.fixture
def grid():
    return CategoryFactory(code=GRID, name_zh="电力平均二氧化碳排放因子",
                           name_en="Average grid electricity CO2 factor")


@pytest.fixture
def regions():
    nation = RegionFactory(code="CN", kind="country", name_zh="全国", name_en="China (national)")
    south = RegionFactory(code="CN-GRID-S", kind="grid", parent=nation, name_zh="南方区域电网",
                          name_en="China Southern grid")
    return {
        "CN": nation, "CN-GRID-S": south,
        "CN-GD": RegionFactory(code="CN-GD", kind="province", parent=south, name_zh="广东",
                               name_en="Guangdong"),
        "CN-YN": RegionFactory(code="CN-YN", kind="province", parent=south, name_zh="云南",
                               name_en="Yunnan"),
    }


def publish(category, region, year: int, value: str, **factor):
    return PublishedVersionFactory(factor__category=category, factor__region=region, factor__year=year,
                                   co2e_total=Decimal(value),
                                   **{f"factor__{name}": given for name, given in factor.items()})


@pytest.fixture
def grid_2022(grid, regions):
    values = {"CN": "0.5366", "CN-GRID-S": "0.3869", "CN-GD": "0.4403", "CN-YN": "0.1073"}
    return {code: publish(grid, regions[code], 2022, value) for code, value in values.items()}


@pytest.fixture
def grid_2021(grid, regions):
    return [publish(grid, regions["CN"], 2021, "0.5568"), publish(grid, regions["CN-GD"], 2021, "0.4715")]


def table(response) -> str:
    html = response.content.decode()
    return html[html.index("<table"):html.index("</table>")]


def table_rows(response) -> list[tuple[str, str]]:
    """(region, value) of each row of the table, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td>[^<]*</td>\s*'
                      r'<td class="number">([^<]+)</td>', table(response))


def chart(response) -> ET.Element:
    html = response.content.decode()
    return ET.fromstring(html[html.index("<svg"):html.index("</svg>") + len("</svg>")])


def year_options(html: str) -> list[str]:
    start = html.index('<select name="year"')
    return re.findall(r'<option value="(\d+)"', html[start:html.index("</select>", start)])


def alert(response) -> str:
    html = response.content.decode()
    return html[html.index('role="alert"'):html.index("</div>", html.index('role="alert"'))]


def test_every_regions_published_value_for_the_category_and_year(client, grid_2022, grid_2021):
    response = client.get("/compare/", {"category": GRID, "year": 2022})

    assert response.status_code == 200
    assert table_rows(response) == [("全国", "0.5366"), ("南方区域电网", "0.3869"), ("广东", "0.4403"),
                                    ("云南", "0.1073")]
    assert f'href="/factors/{grid_2022["CN-GD"].factor.public_id}/"' in table(response)
    svg = chart(response)
    assert svg.get("role") == "img"
    assert svg.find("{http://www.w3.org/2000/svg}title").text == \
        "电力平均二氧化碳排放因子，2022 年，各地区数值（kg CO2e/kWh）"


def test_a_draft_or_another_years_value_is_not_compared(client, grid, regions, grid_2022, grid_2021):
    DraftVersionFactory(factor__category=grid, factor__region=RegionFactory(code="CN-SC", kind="province"),
                        factor__year=2022, co2e_total=Decimal("0.1404"))

    rows = table_rows(client.get("/compare/", {"category": GRID, "year": 2022}))
    assert "0.1404" not in dict(rows).values()
    assert "0.4715" not in dict(rows).values()
    assert len(rows) == 4


def test_the_table_is_grouped_by_region_kind_national_first_and_the_nation_is_the_charts_reference(
        client, grid_2022):
    response = client.get("/compare/", {"category": GRID, "year": 2022})

    groups = re.findall(r'<th scope="rowgroup" colspan="4">([^<]+)</th>', table(response))
    assert groups == ["国家", "区域电网", "省级"]
    bars = {g.find("{http://www.w3.org/2000/svg}title").text.split("：")[0]: g.find("{http://www.w3.org/2000/svg}rect")
            for g in chart(response).iter("{http://www.w3.org/2000/svg}g")}
    assert bars["全国"].get("fill") != bars["广东"].get("fill")
    assert "参考值：全国 0.5366" in chart(response).find("{http://www.w3.org/2000/svg}desc").text


def test_without_a_choice_the_page_shows_the_category_and_year_with_most_regions_latest_first(
        client, grid_2022, grid_2021):
    response = client.get("/compare/")

    assert 'value="2022" selected' in response.content.decode()
    assert len(table_rows(response)) == 4


def test_the_default_comes_from_the_data_not_from_a_fixed_code(client, grid_2022, regions):
    cement = CategoryFactory(code="materials.cement", name_zh="水泥", name_en="Cement")
    for code in ("CN", "CN-GRID-S", "CN-GD", "CN-YN"):
        publish(cement, regions[code], 2019, "0.8")
    RegionFactory(code="CN-SC", kind="province", name_zh="四川")
    publish(cement, RegionFactory(code="CN-SC"), 2019, "0.7")

    html = client.get("/compare/").content.decode()
    assert 'value="materials.cement" selected' in html
    assert 'value="2019" selected' in html


def test_with_only_a_category_its_year_with_most_regions_is_shown(client, grid_2022, grid_2021):
    html = client.get("/compare/", {"category": GRID}).content.decode()

    assert 'value="2022" selected' in html


def test_the_category_select_offers_only_categories_published_in_more_than_one_region(client, grid_2022,
                                                                                      regions):
    publish(CategoryFactory(code="energy.coal", name_zh="煤炭"), regions["CN"], 2022, "2.6")

    html = client.get("/compare/").content.decode()
    select = html[html.index('<select name="category"'):html.index("</select>")]
    assert GRID in select
    assert "energy.coal" not in select


def test_the_year_select_offers_the_categorys_years(client, grid_2022, grid_2021):
    html = client.get("/compare/", {"category": GRID}).content.decode()

    assert year_options(html) == ["2022", "2021"]


def test_provinces_alone_keep_the_national_value_as_reference(client, grid_2022):
    response = client.get("/compare/", {"category": GRID, "year": 2022, "kind": "province"})

    assert [region for region, _ in table_rows(response)] == ["全国", "广东", "云南"]


def test_the_provinces_are_one_click_away(client, grid_2022):
    html = client.get("/compare/").content.decode()

    assert f'href="/compare/?category={GRID}&amp;year=2022&amp;sort=value&amp;kind=province"' in html


def test_sorted_by_value_highest_first_or_by_name_within_each_group(client, grid, grid_2022):
    zhejiang = RegionFactory(code="CN-ZJ", kind="province", name_zh="浙江", name_en="Zhejiang")
    publish(grid, zhejiang, 2022, "0.5153")
    query = {"category": GRID, "year": 2022, "kind": "province"}

    by_value = table_rows(client.get("/en/compare/", query))
    by_name = table_rows(client.get("/en/compare/", query | {"sort": "name"}))

    assert by_value == [("China (national)", "0.5366"), ("Zhejiang", "0.5153"), ("Guangdong", "0.4403"),
                        ("Yunnan", "0.1073")]
    assert by_name == [("China (national)", "0.5366"), ("Guangdong", "0.4403"), ("Yunnan", "0.1073"),
                       ("Zhejiang", "0.5153")]


def test_values_in_another_unit_are_compared_on_their_own(client, grid, regions, grid_2022):
    mwh = UnitFactory(code="MWh", symbol="MWh", pint_expression="MWh", name_zh="兆瓦时",
                      name_en="megawatt-hour")
    publish(grid, regions["CN-GD"], 2022, "440.3", unit=mwh)

    default = client.get("/compare/", {"category": GRID, "year": 2022})
    assert "440.3" not in table(default)
    assert '<select name="unit"' in default.content.decode()
    in_mwh = client.get("/compare/", {"category": GRID, "year": 2022, "unit": "MWh"})
    assert table_rows(in_mwh) == [("广东", "440.3")]
    assert "kg CO2e/MWh" in table(in_mwh)


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"category": "no.such.category"}, "类别", "没有这个类别"),
    ({"category": GRID, "year": "abc"}, "年份", "年份须为四位数字"),
    ({"category": GRID, "year": "99999"}, "年份", "99999 年没有该类别的已发布数值；可选年份：2022, 2021"),
    ({"category": GRID, "year": "2020"}, "年份", "2020 年没有该类别的已发布数值"),
    ({"category": GRID, "year": "-1"}, "年份", "年份须为四位数字"),
    ({"category": GRID, "sort": "price"}, "排序", "排序方式须为按数值或按地区名称"),
    ({"category": GRID, "kind": "planet"}, "地区类型", "地区类型须为"),
    ({"category": GRID, "unit": "t"}, "单位", "该类别和年份没有以 t 表示的数值"),
])
def test_a_choice_that_cannot_be_made_re_renders_the_form_with_a_message(client, grid_2022, grid_2021, query,
                                                                         field, message):
    response = client.get("/compare/", query)

    assert response.status_code == 200
    assert field in alert(response)
    assert message in alert(response)
    html = response.content.decode()
    assert '<form method="get"' in html
    assert "<table" not in html
    assert "<svg" not in html


def test_the_form_keeps_the_category_asked_for_after_a_bad_year(client, grid_2022, grid_2021, regions):
    other = CategoryFactory(code="energy.other", name_zh="其他")
    publish(other, regions["CN"], 2018, "1")
    publish(other, regions["CN-GD"], 2018, "2")

    html = client.get("/compare/", {"category": "energy.other", "year": "2022"}).content.decode()
    assert 'value="energy.other" selected' in html
    assert year_options(html) == ["2018"]


def test_with_nothing_published_the_page_says_there_is_nothing_to_compare(client, db):
    response = client.get("/compare/")

    assert response.status_code == 200
    assert "暂无可对比的数据" in response.content.decode()


def test_the_english_page_speaks_english(client, grid_2022):
    html = client.get("/en/compare/", {"category": GRID, "year": 2022}).content.decode()

    assert '<html lang="en">' in html
    assert "<h1>Compare regions</h1>" in html
    assert "Average grid electricity CO2 factor, 2022" in html
    assert "Guangdong" in html
    assert "Provincial" in html
    assert not re.search(r"[\u4e00-\u9fff]", html[html.index("<main"):html.index("</main>")])


@pytest.mark.parametrize("count", [5, 40])
def test_the_page_costs_the_same_queries_for_5_or_40_regions(client, grid, regions, count,
                                                             django_assert_num_queries):
    for number in range(count):
        region = RegionFactory(code=f"P{number}", kind="province", parent=regions["CN"],
                               name_zh=f"省{number}")
        publish(grid, region, 2022, f"0.{number + 10}")

    with django_assert_num_queries(3):
        response = client.get("/compare/", {"category": GRID, "year": 2022})
    assert len(table_rows(response)) == count


def test_the_page_answers_reads_only(client, grid_2022):
    assert client.post("/compare/").status_code == 405


def test_of_two_years_with_as_many_regions_the_later_one_is_the_default(client, grid, regions):
    for year in (2020, 2021):
        publish(grid, regions["CN"], year, "0.55")
        publish(grid, regions["CN-GD"], year, "0.45")

    html = client.get("/compare/").content.decode()
    assert 'value="2021" selected' in html


def test_a_region_name_holding_markup_is_shown_not_run(client, grid, grid_2022):
    odd = RegionFactory(code="CN-XX", kind="province", name_zh="<script>alert(1)</script>")
    publish(grid, odd, 2022, "0.3")

    response = client.get("/compare/", {"category": GRID, "year": 2022})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table(response)
    assert "<script>alert(1)</script>：0.3 kg CO2e/kWh" in [
        title.text for title in chart(response).iter("{http://www.w3.org/2000/svg}title")]
