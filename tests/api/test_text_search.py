"""factors/?q=: every word must be found, in any order, whatever separates the words; and the
new dataset filter. The same rule serves the search page (factordb/selectors_search.py)."""

import pytest
from django.utils import timezone

from factordb.constants import FactorStatus
from factordb.models import FactorVersion
from factordb.selectors_search import MAX_TERMS, matching_text, search_terms
from tests.factories import DatasetFactory, DraftVersionFactory, GasFactory, PublishedVersionFactory
from tests.search_factories import grid_factors

pytestmark = pytest.mark.django_db

URL = "/api/v1/factors/"


def found(api, q: str) -> set[str]:
    response = api.get(URL, {"q": q})
    assert response.status_code == 200
    return {row["public_id"] for row in response.json()["results"]}


@pytest.fixture
def grid():
    return grid_factors()


@pytest.mark.parametrize("q", ["全国 2022", "2022 全国", "全国，2022", "全国、2022", "  全国；2022。 ",
                               "national 2022", "2022 National", "（全国）2022", "全国|2022", "全国/2022"])
def test_the_words_may_come_in_any_order_with_any_separator(api, grid, q):
    assert found(api, q) == grid.national_2022_all


def test_every_word_must_be_found(api, grid):
    assert found(api, "national grid 2022") == {grid.national_2022.factor.public_id}
    assert found(api, "广东 2021") == set()
    assert found(api, "全国 2022 煤炭") == set()


def test_a_year_of_four_digits_matches_the_factor_year_even_when_the_name_does_not_say_it(api, grid):
    unnamed_year = PublishedVersionFactory(factor__year=2022, factor__name_zh="某因子",
                                           factor__name_en="A factor")

    assert unnamed_year.factor.public_id in found(api, "2022")
    assert unnamed_year.factor.public_id not in found(api, "2021")


def test_a_word_is_found_in_the_region_and_category_names_and_the_region_code(api, grid):
    guangdong = grid.guangdong_2022.factor.public_id

    assert found(api, "CN-GD") == {guangdong}  # the hyphen belongs to the code
    assert found(api, "cn-gd 2022") == {guangdong}
    assert found(api, "南方区域电网") == set()  # a parent region's name is not the factor's region
    grid.guangdong_2022.factor.region.name_en = "Canton"  # not in the factor's name any more
    grid.guangdong_2022.factor.region.save()
    assert found(api, "canton") == {guangdong}
    assert found(api, "fossil-fuel power") == {grid.fossil_2022.factor.public_id}


def test_a_public_id_is_found_whole_in_any_case(api, grid):
    public_id = grid.guangdong_2022.factor.public_id

    assert found(api, public_id.lower()) == {public_id}
    assert found(api, public_id[:6]) == set()


def test_no_words_means_no_text_filter(api, grid):
    everything = found(api, "")

    assert len(everything) == 5
    assert found(api, "，、；。 ()") == everything


def test_unpublished_factors_are_never_found(api, grid):
    draft = DraftVersionFactory(factor__name_zh="电力平均二氧化碳排放因子（全国，2022，每千瓦时）草稿")

    assert draft.factor.public_id not in found(api, "全国 2022")


def test_only_the_first_words_are_searched_for(api, grid):
    ten_that_match = "全国 2022 电力 kWh 千瓦时 二氧化碳 grid CO2 national China"
    assert len(search_terms(ten_that_match)) == MAX_TERMS

    assert found(api, f"{ten_that_match} nowhere") == {grid.national_2022.factor.public_id}


def test_a_hostile_q_builds_no_bigger_query_than_ten_words():
    versions = FactorVersion.objects.all()
    ten = " ".join(f"w{n:03}" for n in range(MAX_TERMS))
    thousand = " ".join(f"w{n:03}" for n in range(1000))

    assert str(matching_text(versions, thousand).query) == str(matching_text(versions, ten).query)


def test_the_text_costs_no_extra_query(api, grid, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as plain:
        api.get(URL)
    with django_assert_max_num_queries(len(plain.captured_queries)):
        api.get(URL, {"q": "全国 2022 电力 national grid"})


@pytest.mark.parametrize(("text", "terms"), [
    ("全国，2022", ["全国", "2022"]),
    ("national grid 2022", ["national", "grid", "2022"]),
    ("CN-GD. energy.electricity", ["CN-GD", "energy.electricity"]),
    ("（全国）｜2022：每千瓦时", ["全国", "2022", "每千瓦时"]),
    ("Grid grid GRID", ["Grid"]),
    ("<script>alert(1)</script>", ["script", "alert", "1"]),
    ("", []),
    (None, []),
])
def test_search_terms_split_on_spaces_and_punctuation(text, terms):
    assert search_terms(text) == terms


# --- dataset ---------------------------------------------------------------------------------

def test_the_dataset_filter_lists_that_dataset_only(api):
    grid_dataset = PublishedVersionFactory(factor__dataset=DatasetFactory(code="MEE-GRID"))
    guideline = PublishedVersionFactory(factor__dataset=DatasetFactory(code="CN-GHG-GUIDELINES",
                                                                       authority_rank=2))

    listed = {row["public_id"] for row in api.get(URL, {"dataset": "CN-GHG-GUIDELINES"}).json()["results"]}

    assert listed == {guideline.factor.public_id}
    assert grid_dataset.factor.public_id not in listed


def test_an_unknown_dataset_is_a_400_naming_it(api):
    response = api.get(URL, {"dataset": "NO-SUCH-SET"})

    assert response.status_code == 400
    assert "dataset" in response.json()["error"]["details"]


def test_the_gas_filter_lists_the_versions_stating_that_gas_each_once(api):
    methane = GasFactory(code="CH4", formula="CH4", name_zh="甲烷", name_en="Methane")
    with_methane = DraftVersionFactory()
    with_methane.gas_amounts.create(gas=methane, amount="0.001")
    with_methane.status, with_methane.published_at = FactorStatus.PUBLISHED, timezone.now()
    with_methane.save()
    carbon_dioxide_only = PublishedVersionFactory()

    def listed(gas: str) -> list[str]:
        return sorted(row["public_id"] for row in api.get(URL, {"gas": gas}).json()["results"])

    assert listed("CH4") == [with_methane.factor.public_id]
    assert listed("CO2") == sorted([with_methane.factor.public_id, carbon_dioxide_only.factor.public_id])
