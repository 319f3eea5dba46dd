from decimal import Decimal

import pytest

from factordb.services.releases import release_cut
from tests.factories import (
    CategoryFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    RegionFactory,
    SourcedPublishedVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_factors():
    energy = CategoryFactory(code="energy", name_zh="能源", name_en="Energy")
    electricity = CategoryFactory(code="energy.electricity", parent=energy,
                                  name_zh="电力", name_en="Electricity")
    grid = CategoryFactory(code="energy.electricity.grid", parent=electricity,
                           name_zh="电网平均", name_en="Grid average")
    PublishedVersionFactory(factor__category=grid, factor__year=2022, co2e_total=Decimal("0.5366"),
                            factor__name_zh="全国电网平均排放因子",
                            factor__name_en="National grid average factor")
    PublishedVersionFactory(factor__category=grid, factor__year=2021)
    DraftVersionFactory(factor__category=grid, factor__year=2023)
    return energy


def test_it_counts_published_factors_in_each_category_subtree(client, grid_factors):
    response = client.get("/")
    roots = response.context["category_counts"]
    assert [(row["category"].code, row["published"]) for row in roots] == [("energy", 2)]
    assert [(c["category"].code, c["published"]) for c in roots[0]["children"]] == [
        ("energy.electricity", 2)]


def test_it_lists_the_latest_published_factors_but_no_drafts(client, grid_factors):
    response = client.get("/")
    years = [version.factor.year for version in response.context["latest_versions"]]
    assert sorted(years) == [2021, 2022]
    assert "0.5366" in response.content.decode()


def test_it_speaks_chinese_by_default_and_english_on_request(client, grid_factors):
    chinese = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert "全国电网平均排放因子" in chinese
    assert "National grid average factor" in english
    assert 'lang="en"' in english


def test_its_queries_do_not_grow_with_the_number_of_factors(client, grid_factors, approver,
                                                            django_assert_max_num_queries):
    # Categories (2), latest publications, totals, national grid factors, latest release.
    with django_assert_max_num_queries(6):
        client.get("/")

    # Many more factors, regions, sources and releases: still the same bound.
    for n in range(15):
        SourcedPublishedVersionFactory(factor__category__code=f"energy.more{n}",
                                       factor__region=RegionFactory(code=f"CN-{n}", name_en=f"R{n}"))
    release_cut(name="2025.1", actor=approver)
    release_cut(name="2025.2", actor=approver)
    with django_assert_max_num_queries(6):
        client.get("/")
