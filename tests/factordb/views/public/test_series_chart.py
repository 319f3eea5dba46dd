"""A factor page's series chart: the same figure's published values across the years,
and nothing the API would not serve."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from factordb.selectors_series import factor_series
from factordb.services.resolution import visible_versions
from tests.factories import (
    CategoryFactory,
    DatasetFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    RegionFactory,
    SupersededVersionFactory,
    UnitFactory,
    WithdrawnVersionFactory,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def grid():
    return CategoryFactory(code="energy.electricity.grid_average", name_zh="电网平均", name_en="Grid average")


@pytest.fixture
def guangdong():
    return RegionFactory(code="CN-GD", kind="province", name_zh="广东", name_en="Guangdong")


def published(grid, region, year: int, value: str, **factor):
    return PublishedVersionFactory(factor__category=grid, factor__region=region, factor__year=year,
                                   co2e_total=Decimal(value),
                                   **{f"factor__{name}": given for name, given in factor.items()})


@pytest.fixture
def guangdong_series(grid, guangdong):
    return [published(grid, guangdong, 2021, "0.4715"), published(grid, guangdong, 2022, "0.4403")]


def render(version) -> str:
    return Template("{% load charts %}{% series_chart version %}").render(Context({"version": version}))


def series_svg(html: str) -> ET.Element:
    return ET.fromstring(html[html.index("<svg"):html.index("</svg>") + len("</svg>")])


def test_the_series_holds_the_published_values_of_every_year_oldest_first(guangdong_series):
    series = factor_series(guangdong_series[1].factor)

    assert [(entry.year, entry.value) for entry in series] == [(2021, Decimal("0.4715")),
                                                               (2022, Decimal("0.4403"))]
    assert [entry.public_id for entry in series] == [v.factor.public_id for v in guangdong_series]


def test_drafts_and_withdrawn_versions_stay_out_of_the_series(grid, guangdong, guangdong_series):
    DraftVersionFactory(factor__category=grid, factor__region=guangdong, factor__year=2023,
                        co2e_total=Decimal("0.4"))
    WithdrawnVersionFactory(factor__category=grid, factor__region=guangdong, factor__year=2020,
                            co2e_total=Decimal("0.5"))

    assert [entry.year for entry in factor_series(guangdong_series[0].factor)] == [2021, 2022]


def test_a_superseded_value_gives_way_to_the_version_in_force(grid, guangdong, guangdong_series):
    corrected = SupersededVersionFactory(factor__category=grid, factor__region=guangdong, factor__year=2020,
                                         co2e_total=Decimal("0.51"), version=1)
    PublishedVersionFactory(factor=corrected.factor, version=2, co2e_total=Decimal("0.5271"))

    values = {entry.year: entry.value for entry in factor_series(guangdong_series[0].factor)}
    assert values[2020] == Decimal("0.5271")


def test_other_regions_units_datasets_boundaries_and_categories_are_other_series(grid, guangdong,
                                                                                 guangdong_series):
    published(grid, RegionFactory(code="CN-YN", kind="province", name_zh="云南"), 2020, "0.1")
    mwh = UnitFactory(code="MWh", symbol="MWh", pint_expression="MWh")
    published(grid, guangdong, 2020, "440.3", unit=mwh)
    published(grid, guangdong, 2020, "0.45", dataset=DatasetFactory(code="OTHER", authority_rank=2))
    published(grid, guangdong, 2020, "0.46", boundary="cradle_to_gate")
    published(CategoryFactory(code="energy.electricity.fossil"), guangdong, 2020, "0.8")

    assert [entry.year for entry in factor_series(guangdong_series[0].factor)] == [2021, 2022]


def test_the_series_costs_one_query(guangdong_series, django_assert_num_queries):
    factor = guangdong_series[0].factor
    for year in range(2010, 2020):
        published(factor.category, factor.region, year, "0.5")

    with django_assert_num_queries(1):
        series = factor_series(factor)
    assert len(series) == 12


def test_the_tag_draws_the_chart_with_its_table_beside_it(guangdong_series):
    html = render(guangdong_series[1])

    assert '<figure class="chart">' in html
    assert "<figcaption>" in html
    svg = series_svg(html)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}desc").text == "从 2021 年的 0.4715 到 2022 年的 0.4403（kg CO2e/kWh），共 2 年。"
    table = html[html.index("<table"):html.index("</table>")]
    assert "0.4715" in table
    assert "0.4403" in table


def test_the_table_links_each_other_year_and_marks_the_year_shown(guangdong_series):
    earlier, shown = guangdong_series
    html = render(shown)

    assert f'href="/factors/{earlier.factor.public_id}/"' in html
    assert f'href="/factors/{shown.factor.public_id}/"' not in html
    current = html[html.index('aria-current="true"'):]
    assert current.index("2022") < current.index("</tr>")
    assert "（本页）" in current[:current.index("</tr>")]


def test_one_year_alone_gets_a_sentence_and_its_table_not_a_chart(grid, guangdong):
    only = published(grid, guangdong, 2022, "0.4403")

    html = render(only)
    assert "<svg" not in html
    assert "只有 2022 年的数值已发布" in html
    assert "0.4403" in html


def test_a_version_not_yet_published_shows_no_values(grid, guangdong):
    html = render(DraftVersionFactory(factor__category=grid, factor__region=guangdong, factor__year=2022,
                                      co2e_total=Decimal("0.4")))

    assert "<svg" not in html
    assert "<table" not in html
    assert "尚无已发布的数值" in html


def test_the_tag_speaks_english_on_english_pages(guangdong_series):
    with translation.override("en"):
        html = render(guangdong_series[1])

    assert "Values over the years" in html
    assert "From 0.4715 in 2021 to 0.4403 in 2022 (kg CO2e/kWh), 2 years." in html
    assert "Grid average, Guangdong: values by year (kg CO2e/kWh)" in html


def test_drawing_the_tag_for_a_version_read_as_the_api_reads_it_costs_one_query(guangdong_series,
                                                                               django_assert_num_queries):
    version = visible_versions().get(pk=guangdong_series[1].pk)

    with django_assert_num_queries(1):
        html = render(version)
    assert "0.4715" in html
