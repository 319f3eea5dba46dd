"""The fallback policy a request states decides which region or year may stand in for a
missing value; every answer says which policy chose it, and no policy costs a query."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factordb.generation import data_changed
from factordb.services.fallback_policy import MAX_YEARS_BACK, FallbackPolicy, fallback_policy
from factordb.services.resolution import ResolveKey, resolve
from tests.factordb.services.test_resolution import FUEL, GRID, one, publish, world  # noqa: F401

# The messages and reasons these tests read are the English ones.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

YEAR_FIRST = FallbackPolicy(order="year_first")
EXACT_ONLY = FallbackPolicy(allow=frozenset())


@pytest.fixture
def grid_2023(world):  # noqa: F811
    """East China's grid has a 2023 value; Jiangsu, one of its provinces, has only 2022."""
    return publish(GRID, "CN-GRID-E", 2023, co2e="0.55")


def test_by_default_a_province_keeps_its_own_earlier_year_over_its_grids_year(world, grid_2023):  # noqa: F811
    resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"))

    assert resolution.version_id == world["js_2022"].pk
    assert resolution.fallback_policy == {"order": "region_first", "allow": ["region", "year"],
                                          "max_years_back": None}


def test_year_first_takes_the_grids_value_of_the_keys_year(world, grid_2023):  # noqa: F811
    resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"), policy=YEAR_FIRST)

    assert resolution.version_id == grid_2023.pk
    assert (resolution.status, resolution.region_used, resolution.year_used) == \
        ("fallback", "CN-GRID-E", 2023)
    assert resolution.fallback == {"region": ["CN-JS", "CN-GRID-E"], "year": "exact", "unit": "exact"}
    assert resolution.reason == ("year first: no factor for CN-JS in 2023; used CN-GRID-E "
                                 "(region chain CN-JS → CN-GRID-E)")
    assert resolution.fallback_policy["order"] == "year_first"


def test_year_first_keeps_the_nearest_region_among_those_with_the_latest_year(world):  # noqa: F811
    # CN-JS, CN-GRID-E and CN all have 2022: the province's own wins.
    resolution = one(ResolveKey(GRID, "CN-JS", 2024, "kWh"), policy=YEAR_FIRST)

    assert resolution.version_id == world["js_2022"].pk
    assert resolution.reason == "no 2024 factor in the region chain; used 2022, the nearest earlier year"


def test_year_first_never_takes_a_later_year(world, grid_2023):  # noqa: F811
    resolution = one(ResolveKey(GRID, "CN-AH", 2022, "kWh"), policy=YEAR_FIRST)

    assert resolution.version_id == world["east_2022"].pk


def test_without_region_fallback_a_key_keeps_to_its_region(world, grid_2023):  # noqa: F811
    policy = fallback_policy(allow=["year"])

    assert one(ResolveKey(GRID, "CN-JS", 2024, "kWh"), policy=policy).version_id == world["js_2022"].pk
    resolution = one(ResolveKey(GRID, "CN-AH", 2023, "kWh"), policy=policy)
    assert resolution.status == "not_found"
    assert resolution.fallback == {"region": ["CN-AH"]}
    assert resolution.reason == (
        "no published factor for category 'energy.electricity.grid_average' in unit kWh or its dimension "
        "in region CN-AH (region fallback not allowed) at or before 2023")


def test_without_year_fallback_a_key_keeps_to_its_year(world, grid_2023):  # noqa: F811
    policy = fallback_policy(allow=["region"])

    assert one(ResolveKey(GRID, "CN-JS", 2023, "kWh"), policy=policy).version_id == grid_2023.pk
    resolution = one(ResolveKey(GRID, "CN-JS", 2024, "kWh"), policy=policy)
    assert resolution.status == "not_found"
    assert resolution.reason.endswith("in region chain CN-JS → CN-GRID-E → CN → GLOBAL in 2024 "
                                      "(year fallback not allowed)")


def test_with_no_fallback_only_the_keys_own_region_and_year_answer(world):  # noqa: F811
    assert one(ResolveKey(GRID, "CN-JS", 2022, "kWh"), policy=EXACT_ONLY).status == "matched"
    assert one(ResolveKey(GRID, "CN-AH", 2022, "kWh"), policy=EXACT_ONLY).status == "not_found"
    assert one(ResolveKey(GRID, "CN-JS", 2023, "kWh"), policy=EXACT_ONLY).status == "not_found"


@pytest.mark.parametrize(("max_years_back", "answered_by"), [(0, None), (1, None), (2, "cn_2022"),
                                                             (None, "cn_2022")])
def test_max_years_back_bounds_the_year_fallback(world, max_years_back, answered_by):  # noqa: F811
    policy = fallback_policy(max_years_back=max_years_back)

    resolution = one(ResolveKey(GRID, "CN", 2024, "kWh"), policy=policy)

    assert resolution.version_id == (world[answered_by].pk if answered_by else None)


def test_a_bounded_key_that_finds_nothing_says_how_far_back_it_looked(world):  # noqa: F811
    resolution = one(ResolveKey(GRID, "CN", 2024, "kWh"), policy=fallback_policy(max_years_back=1))

    assert resolution.reason.endswith("in region chain CN → GLOBAL from 2023 to 2024 (at most 1 year back)")


def test_the_years_one_key_may_not_use_are_still_read_for_another(world):  # noqa: F811
    # One query serves the batch: its years must span every key's, from the earliest any
    # key may go back to (2021 - 1) to the latest (2024).
    recent, old = resolve([ResolveKey(GRID, "CN", 2024, "kWh"), ResolveKey(GRID, "CN", 2021, "kWh")],
                          policy=fallback_policy(max_years_back=2))

    assert recent.version_id == world["cn_2022"].pk
    assert old.version_id == world["cn_2021"].pk


def test_every_answer_reports_the_policy_that_chose_it(world):  # noqa: F811
    policy = fallback_policy(order="year_first", allow=["year"], max_years_back=3)
    answers = resolve([ResolveKey(GRID, "CN", 2022, "kWh"), ResolveKey(GRID, "CN-AH", 2022, "kWh"),
                       ResolveKey("nope", "CN", 2022, "kWh")], policy=policy)

    assert [a.status for a in answers] == ["matched", "not_found", "invalid"]
    assert all(a.fallback_policy == {"order": "year_first", "allow": ["year"], "max_years_back": 3}
               for a in answers)


@pytest.mark.parametrize("policy", [YEAR_FIRST, EXACT_ONLY, FallbackPolicy(max_years_back=2)])
def test_a_policy_costs_no_query(world, policy):  # noqa: F811
    regions = ["CN", "CN-AH", "CN-JS", "CN-GRID-E", "XX"]
    batch = [ResolveKey(GRID if n % 7 else FUEL, regions[n % 5], 2015 + n % 12, ("kWh", "MWh", "t")[n % 3])
             for n in range(1000)]

    data_changed()  # each read afresh, where anything is kept
    with CaptureQueriesContext(connection) as single:
        resolve(batch[:1], policy=policy)
    data_changed()
    with CaptureQueriesContext(connection) as thousand:
        resolve(batch, policy=policy)

    assert len(thousand) == len(single) == 4


@pytest.mark.parametrize(("parts", "field"), [
    ({"order": "newest"}, "order"),
    ({"order": None}, "order"),
    ({"allow": "region"}, "allow"),
    ({"allow": ["region", "province"]}, "allow"),
    ({"allow": None}, "allow"),
    ({"max_years_back": -1}, "max_years_back"),
    ({"max_years_back": MAX_YEARS_BACK + 1}, "max_years_back"),
    ({"max_years_back": 10**100}, "max_years_back"),
    ({"max_years_back": True}, "max_years_back"),
    ({"max_years_back": "3"}, "max_years_back"),
    ({"allow": ["region"], "max_years_back": 3}, "max_years_back"),
])
def test_a_bad_policy_is_refused_naming_its_part(parts, field):
    with pytest.raises(ValidationError) as raised:
        fallback_policy(**parts)

    assert set(raised.value.message_dict) == {field}


def test_a_limit_of_zero_years_back_is_consistent_with_no_year_fallback():
    assert fallback_policy(allow=["region"], max_years_back=0).earliest_year(2023) == 2023
