"""Browsing by category and region: the trees are reference data, always public; the factors
they list are the published ones only, counted over a category's whole subtree."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factordb.constants import FactorStatus, RegionKind
from tests.factories import STATE_FACTORIES, CategoryFactory, PublishedVersionFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    energy = CategoryFactory(code="energy", name_zh="能源", name_en="Energy")
    electricity = CategoryFactory(code="energy.electricity", parent=energy, name_zh="电力",
                                  name_en="Electricity", description="Electricity consumed from the grid.")
    grid = CategoryFactory(code="energy.electricity.grid_average", parent=electricity, name_zh="电网平均",
                           name_en="Grid average")
    coal = CategoryFactory(code="energy.coal", parent=energy, name_zh="煤炭", name_en="Coal")
    world = RegionFactory(code="GLOBAL", kind=RegionKind.WORLD, name_zh="全球", name_en="Global")
    china = RegionFactory(code="CN", kind=RegionKind.COUNTRY, parent=world, name_zh="全国", name_en="China")
    south = RegionFactory(code="CN-GRID-S", kind=RegionKind.GRID, parent=china, name_zh="南方区域电网",
                          name_en="South China grid")
    guangdong = RegionFactory(code="CN-GD", kind=RegionKind.PROVINCE, parent=south, name_zh="广东",
                              name_en="Guangdong")
    return {"energy": energy, "electricity": electricity, "grid": grid, "coal": coal, "world": world,
            "china": china, "south": south, "guangdong": guangdong}


@pytest.fixture
def published(tree):
    national = PublishedVersionFactory(
        factor__category=tree["grid"], factor__region=tree["china"], factor__year=2022,
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average",
        co2e_total=Decimal("0.53660000"))
    guangdong = PublishedVersionFactory(
        factor__category=tree["grid"], factor__region=tree["guangdong"], factor__year=2022,
        factor__name_zh="广东电网平均排放因子", factor__name_en="Guangdong grid average",
        co2e_total=Decimal("0.4403"))
    older = PublishedVersionFactory(
        factor__category=tree["grid"], factor__region=tree["china"], factor__year=2021,
        factor__name_zh="2021全国电网因子", factor__name_en="2021 national grid")
    return {"national": national, "guangdong": guangdong, "older": older}


@pytest.fixture
def unpublished(tree):
    """One version in every state but published, each in the grid category and in China."""
    statuses = [status for status in STATE_FACTORIES if status != FactorStatus.PUBLISHED]
    return [STATE_FACTORIES[status](factor__category=tree["grid"], factor__region=tree["china"],
                                    factor__year=1990 + n, factor__name_zh=f"未发布的因子 {status}")
            for n, status in enumerate(statuses)]


def count_after(html: str, name: str) -> str:
    """The '(n 个因子)' that follows a node's name in a tree."""
    rest = html[html.index(f">{name}</a>"):]
    return rest[rest.index("(") + 1:rest.index(")")]


# --- Categories ---------------------------------------------------------------------------


def test_the_category_tree_counts_the_published_factors_of_each_subtree(client, published, unpublished):
    html = client.get("/categories/").content.decode()

    assert count_after(html, "能源") == "3 个因子"
    assert count_after(html, "电力") == "3 个因子"
    assert count_after(html, "电网平均") == "3 个因子"
    assert count_after(html, "煤炭") == "0 个因子"
    assert 'href="/categories/energy.electricity.grid_average/"' in html


def test_the_category_tree_in_english(client, published):
    html = client.get("/en/categories/").content.decode()

    assert count_after(html, "Energy") == "3 factors"
    assert count_after(html, "Coal") == "0 factors"


def test_a_category_page_shows_its_place_subcategories_and_published_factors(client, published, unpublished):
    html = client.get("/categories/energy.electricity/").content.decode()

    assert "<h1>电力</h1>" in html
    assert 'href="/categories/energy/"' in html  # breadcrumb
    assert "Electricity consumed from the grid." in html
    assert count_after(html, "电网平均") == "3 个因子"
    for version in published.values():
        assert f'href="/factors/{version.factor.public_id}/"' in html
    assert "0.5366" in html
    assert "0.53660000" not in html
    assert "未发布的因子" not in html
    assert html.index("2022 年") < html.index("2021 年")
    assert 'href="/factors/?category=energy.electricity"' in html


def test_a_category_whose_factors_span_regions_in_a_year_links_to_their_comparison(client, published):
    html = client.get("/categories/energy.electricity.grid_average/").content.decode()

    assert 'href="/compare/?category=energy.electricity.grid_average&amp;year=2022"' in html
    assert "year=2021" not in html  # one region that year: nothing to compare


def test_a_category_with_nothing_published_still_shows(client, tree, unpublished):
    response = client.get("/categories/energy.coal/")

    assert response.status_code == 200
    assert "此类别下尚无已发布的因子。" in response.content.decode()


@pytest.mark.parametrize("path", ["/categories/unknown/", "/categories/%20/", "/categories/energy%2Fx/",
                                  "/regions/XX/", "/regions/..%2F/"])
def test_an_unknown_code_is_not_found(client, tree, path):
    assert client.get(path).status_code == 404


# --- Regions ------------------------------------------------------------------------------


def test_the_region_tree_shows_every_kind_with_its_published_factors(client, published, unpublished):
    html = client.get("/regions/").content.decode()

    for name in ("全球", "全国", "南方区域电网", "广东"):
        assert f">{name}</a>" in html
    for kind in ("国家", "区域电网", "省级"):
        assert f'<span class="kind">{kind}</span>' in html
    assert count_after(html, "全国") == "2 个因子"
    assert count_after(html, "广东") == "1 个因子"
    # A tree: Guangdong sits inside the South China grid's list.
    south = html[html.index(">南方区域电网</a>"):]
    assert south.index(">广东</a>") < south.index("</ul>")


def test_a_region_page_shows_its_place_and_its_published_factors_by_category(client, published, unpublished):
    html = client.get("/regions/CN/").content.decode()

    assert "<h1>全国</h1>" in html
    assert 'href="/regions/GLOBAL/"' in html
    assert 'href="/regions/CN-GRID-S/"' in html
    assert 'href="/categories/energy.electricity.grid_average/"' in html
    assert f'href="/factors/{published["national"].factor.public_id}/"' in html
    assert f'href="/factors/{published["older"].factor.public_id}/"' in html
    assert "广东电网平均排放因子" not in html
    assert "未发布的因子" not in html
    assert 'href="/factors/?region=CN"' in html


def test_a_region_page_in_english(client, published):
    html = client.get("/en/regions/CN-GD/").content.decode()

    assert "<h1>Guangdong</h1>" in html
    assert "Guangdong grid average" in html
    assert "South China grid" in html
    assert "Provincial" in html


def test_a_region_with_nothing_published_still_shows(client, tree):
    response = client.get("/regions/GLOBAL/")

    assert response.status_code == 200
    assert "此地区尚无已发布的因子。" in response.content.decode()


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


PATHS = ("/categories/", "/categories/energy/", "/categories/energy.electricity.grid_average/", "/regions/",
         "/regions/CN/")


def test_the_query_count_does_not_grow_with_the_number_of_factors_or_nodes(client, tree, published):
    few = {path: queries_of(client, path) for path in PATHS}

    for n in range(6):
        region = RegionFactory(code=f"CN-P{n}", kind=RegionKind.PROVINCE, parent=tree["south"])
        category = CategoryFactory(code=f"energy.electricity.grid_average.c{n}", parent=tree["grid"])
        PublishedVersionFactory(factor__category=category, factor__region=region, factor__year=2020 + n)
        PublishedVersionFactory(factor__category=tree["grid"], factor__region=tree["china"],
                                factor__year=2000 + n)
    many = {path: queries_of(client, path) for path in PATHS}

    assert many == few
    assert max(many.values()) <= 6
