"""Resolution picks the best published factor per key, says which fallback applied, and
costs the same number of queries for one key as for a thousand; where the cache is shared,
what it read is kept for the data generation, and a publication is seen by the next batch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factordb.constants import LifecycleBoundary, Methodology, RegionKind
from factordb.generation import data_changed
from factordb.models import Release, Unit, UnitAlias
from factordb.services.resolution import MAX_KEYS, ResolveKey, resolve
from tests.factories import (
    CategoryFactory,
    DatasetFactory,
    FactorFactory,
    PublishedVersionFactory,
    RegionFactory,
    SupersededVersionFactory,
    UnitFactory,
    UserFactory,
    WithdrawnVersionFactory,
)

# The messages and reasons these tests read are the English ones.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GRID = "energy.electricity.grid_average"
FUEL = "energy.oil.fuel_oil"


def aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def publish(category, region, year, *, co2e="0.5", dataset="MEE-GRID", unit="kWh",
            boundary=LifecycleBoundary.GRID_CONSUMPTION, method=Methodology.MEE_GRID_FACTORS):
    factor = FactorFactory(
        category=CategoryFactory(code=category), region=RegionFactory(code=region), year=year,
        unit=UnitFactory(code=unit), dataset=DatasetFactory(code=dataset), boundary=boundary, method=method,
    )
    return PublishedVersionFactory(factor=factor, version=1, co2e_total=Decimal(co2e))


@pytest.fixture
def world(db):
    """GLOBAL > CN > CN-GRID-E > {CN-AH, CN-JS}, with grid factors at three levels."""
    RegionFactory(code="GLOBAL", kind=RegionKind.WORLD, name_en="Global")
    RegionFactory(code="CN", parent=RegionFactory(code="GLOBAL"))
    RegionFactory(code="CN-GRID-E", kind=RegionKind.GRID, parent=RegionFactory(code="CN"))
    for code in ("CN-AH", "CN-JS"):
        RegionFactory(code=code, kind=RegionKind.PROVINCE, parent=RegionFactory(code="CN-GRID-E"))
    UnitFactory(code="MWh", symbol="MWh", pint_expression="MWh")
    UnitFactory(code="t", symbol="t", pint_expression="t", dimension="mass")
    DatasetFactory(code="MEE-GRID", authority_rank=1)
    DatasetFactory(code="IPCC-2006", authority_rank=3)
    return {
        "cn_2021": publish(GRID, "CN", 2021, co2e="0.5568"),
        "cn_2022": publish(GRID, "CN", 2022, co2e="0.5366"),
        "east_2022": publish(GRID, "CN-GRID-E", 2022, co2e="0.5703"),
        "js_2022": publish(GRID, "CN-JS", 2022, co2e="0.5900"),
        "fuel_global": publish(FUEL, "GLOBAL", 2006, co2e="3.1", dataset="IPCC-2006", unit="t",
                               boundary=LifecycleBoundary.COMBUSTION, method=Methodology.IPCC_2006),
    }


def one(key: ResolveKey, **kwargs):
    (resolution,) = resolve([key], **kwargs)
    return resolution


def test_it_matches_the_exact_region_and_year(world):
    resolution = one(ResolveKey(GRID, "CN-JS", 2022, "kWh"))

    assert resolution.status == "matched"
    assert resolution.factor_public_id == world["js_2022"].factor.public_id
    assert resolution.version_number == 1
    assert resolution.version_id == world["js_2022"].pk
    assert (resolution.region_used, resolution.year_used, resolution.unit_used) == ("CN-JS", 2022, "kWh")
    assert resolution.fallback == {"region": ["CN-JS"], "year": "exact", "unit": "exact"}


def test_a_province_without_a_factor_falls_back_to_its_grid(world):
    resolution = one(ResolveKey(GRID, "CN-AH", 2022, "kWh"))

    assert resolution.status == "fallback"
    assert resolution.version_id == world["east_2022"].pk
    assert resolution.fallback["region"] == ["CN-AH", "CN-GRID-E"]
    assert "CN-AH → CN-GRID-E" in resolution.reason


def test_it_falls_back_to_national_when_the_grid_has_no_factor_that_early(world):
    resolution = one(ResolveKey(GRID, "CN-AH", 2021, "kWh"))

    assert resolution.version_id == world["cn_2021"].pk
    assert resolution.fallback["region"] == ["CN-AH", "CN-GRID-E", "CN"]
    assert resolution.fallback["year"] == "exact"


def test_it_falls_back_to_global_and_names_the_whole_chain(world):
    resolution = one(ResolveKey(FUEL, "CN-AH", 2024, "t"))

    assert resolution.version_id == world["fuel_global"].pk
    assert resolution.region_used == "GLOBAL"
    assert resolution.fallback == {
        "region": ["CN-AH", "CN-GRID-E", "CN", "GLOBAL"],
        "year": "nearest earlier (2006 for 2024)",
        "unit": "exact",
    }


def test_it_takes_the_nearest_earlier_year(world):
    resolution = one(ResolveKey(GRID, "CN", 2024, "kWh"))

    assert resolution.status == "fallback"
    assert resolution.version_id == world["cn_2022"].pk
    assert resolution.fallback["year"] == "nearest earlier (2022 for 2024)"


def test_it_never_takes_a_later_year(world):
    publish("materials.steel", "CN", 2023, unit="t", boundary=LifecycleBoundary.CRADLE_TO_GATE,
            method=Methodology.GBT_51366_2019)

    resolution = one(ResolveKey("materials.steel", "CN-AH", 2022, "t"))

    assert resolution.status == "not_found"
    assert resolution.version_id is None
    assert resolution.reason == (
        "no published factor for category 'materials.steel' in unit t or its dimension "
        "in region chain CN-AH → CN-GRID-E → CN → GLOBAL at or before 2022"
    )


def test_the_higher_ranked_dataset_wins(world):
    publish(GRID, "CN-SH", 2022, dataset="IPCC-2006", method=Methodology.IPCC_2006)
    official = publish(GRID, "CN-SH", 2022, dataset="MEE-GRID")

    assert one(ResolveKey(GRID, "CN-SH", 2022, "kWh")).version_id == official.pk


def test_the_higher_ranked_dataset_does_not_beat_a_later_year_in_the_same_region(world):
    # Within a region the year comes first: a 2023 default beats the 2022 official value.
    default = publish(GRID, "CN", 2023, dataset="IPCC-2006", method=Methodology.IPCC_2006)

    assert one(ResolveKey(GRID, "CN", 2023, "kWh")).version_id == default.pk


def test_a_given_method_is_a_filter(world):
    ipcc = publish(GRID, "CN", 2022, dataset="IPCC-2006", method=Methodology.IPCC_2006)

    assert one(ResolveKey(GRID, "CN", 2022, "kWh", method=Methodology.IPCC_2006)).version_id == ipcc.pk
    assert one(ResolveKey(GRID, "CN", 2022, "kWh", method=Methodology.MEE_GRID_FACTORS)).version_id \
        == world["cn_2022"].pk


def test_a_given_boundary_is_a_filter_not_a_preference(world):
    resolution = one(ResolveKey(GRID, "CN", 2022, "kWh", boundary=LifecycleBoundary.CRADLE_TO_GATE))

    assert resolution.status == "not_found"
    assert "boundary 'cradle_to_gate'" in resolution.reason


def test_a_unit_of_the_same_dimension_matches_and_is_reported(world):
    resolution = one(ResolveKey(GRID, "CN", 2022, "MWh"))

    assert resolution.version_id == world["cn_2022"].pk
    assert resolution.unit_used == "kWh"
    assert resolution.fallback["unit"] == "same dimension (kWh for MWh)"


def test_a_unit_of_another_dimension_does_not_match(world):
    assert one(ResolveKey(GRID, "CN", 2022, "t")).status == "not_found"


def test_the_category_is_matched_exactly_not_by_descendants(world):
    CategoryFactory(code="energy.electricity")

    assert one(ResolveKey("energy.electricity", "CN", 2022, "kWh")).status == "not_found"


def test_unknown_codes_fail_their_own_key_only(world):
    good = ResolveKey(GRID, "CN", 2022, "kWh")
    keys = [good, ResolveKey("nope", "CN", 2022, "kWh"), ResolveKey(GRID, "XX", 2022, "kWh"),
            ResolveKey(GRID, "CN", 2022, "furlong", boundary="sideways")]

    answers = resolve(keys)

    assert [a.status for a in answers] == ["matched", "invalid", "invalid", "invalid"]
    assert [a.key for a in answers] == keys
    assert answers[1].reason == "unknown category 'nope'"
    assert answers[2].errors == {"region": "unknown region 'XX'"}
    assert answers[3].errors == {
        "unit": "unknown unit 'furlong': give the code, symbol or an alias of a unit in units/",
        "boundary": "unknown boundary 'sideways'"}


def test_more_than_max_keys_fails_the_whole_request(world):
    keys = [ResolveKey(GRID, "CN", 2022, "kWh")] * (MAX_KEYS + 1)

    with pytest.raises(ValidationError) as raised:
        resolve(keys)

    assert raised.value.message_dict == {"keys": ["at most 5000 keys per request, got 5001"]}


def test_a_malformed_key_fails_the_whole_request_naming_it(world):
    keys = [ResolveKey(GRID, "CN", 2022, "kWh"), ResolveKey(GRID, "CN", "2022x", "kWh")]

    with pytest.raises(ValidationError) as raised:
        resolve(keys)

    assert raised.value.message_dict == {"keys[1].year": ["must be an integer year"]}


def test_an_empty_batch_answers_nothing_without_a_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert resolve([]) == []


class TestAsOf:
    @pytest.fixture
    def history(self, world):
        factor = FactorFactory(category=CategoryFactory(code=GRID), region=RegionFactory(code="CN-AH"),
                               year=2022, unit=UnitFactory(code="kWh"))
        old = SupersededVersionFactory(factor=factor, version=1)  # 2023-12-23 → 2024-12-23
        new = PublishedVersionFactory(factor=factor, version=2)  # from 2024-12-23
        return old, new

    def test_it_answers_with_the_version_in_force_then(self, history):
        old, new = history
        key = ResolveKey(GRID, "CN-AH", 2022, "kWh")

        assert one(key, as_of=aware(2024, 6, 1)).version_id == old.pk
        assert one(key, as_of=aware(2025, 1, 1)).version_id == new.pk
        assert one(key).version_id == new.pk

    def test_before_any_publication_it_falls_back_as_it_would_have_then(self, history):
        resolution = one(ResolveKey(GRID, "CN-AH", 2022, "kWh"), as_of=aware(2023, 1, 1))

        assert resolution.status == "not_found"  # the world's factors were published 2024-12-23

    def test_a_withdrawn_version_counts_only_for_its_period(self, world):
        factor = FactorFactory(category=CategoryFactory(code=GRID), region=RegionFactory(code="CN-JS"),
                               year=2023, unit=UnitFactory(code="kWh"))
        withdrawn = WithdrawnVersionFactory(factor=factor, version=1)  # 2023-12-23 → 2024-06-01
        key = ResolveKey(GRID, "CN-JS", 2023, "kWh")

        assert one(key, as_of=aware(2024, 3, 1)).version_id == withdrawn.pk
        assert one(key).version_id == world["js_2022"].pk


def test_a_release_pins_the_versions_it_named(world):
    factor = world["cn_2022"].factor
    old = SupersededVersionFactory(factor=factor, version=0)
    release = Release.objects.create(name="2024.1", published_at=aware(2024, 1, 1), created_by=UserFactory())
    release.versions.add(old)

    resolution = one(ResolveKey(GRID, "CN-AH", 2022, "kWh"), release="2024.1")

    assert resolution.version_id == old.pk
    assert resolution.fallback["region"] == ["CN-AH", "CN-GRID-E", "CN"]


def test_a_batch_costs_the_same_queries_as_one_key(world):
    regions = ["CN", "CN-AH", "CN-JS", "CN-GRID-E", "XX"]
    batch = [ResolveKey(GRID if n % 7 else FUEL, regions[n % 5], 2015 + n % 12, ("kWh", "MWh", "t")[n % 3])
             for n in range(1000)]

    found = next(key for key, answer in zip(batch, resolve(batch), strict=True) if answer.found)

    data_changed()  # each read afresh, as after a publication, where anything is kept
    with CaptureQueriesContext(connection) as single:
        resolve([found])
    data_changed()
    with CaptureQueriesContext(connection) as thousand:
        answers = resolve(batch)

    assert len(thousand) == len(single) == 4
    assert {a.status for a in answers} == {"matched", "fallback", "not_found", "invalid"}
    assert all(a.dataset for a in answers if a.found)


def test_a_unit_named_by_alias_or_symbol_is_matched_as_its_code(world):
    UnitAlias.objects.create(unit=Unit.objects.get(code="kWh"), alias="千瓦时")
    UnitAlias.objects.create(unit=Unit.objects.get(code="MWh"), alias="兆瓦时")
    by_alias, by_symbol, by_other = resolve([ResolveKey(GRID, "CN", 2022, "千瓦时"),
                                             ResolveKey(GRID, "CN", 2022, "MWh"),
                                             ResolveKey(GRID, "CN", 2022, "兆瓦时")])

    assert by_alias == one(ResolveKey(GRID, "CN", 2022, "kWh"))
    assert by_alias.key.unit == "kWh"
    assert by_alias.fallback["unit"] == "exact"
    # An exact unit is preferred among equals and named in codes, whichever name the key used.
    assert by_other.key.unit == "MWh"
    assert by_other.fallback["unit"] == by_symbol.fallback["unit"] == "same dimension (kWh for MWh)"


def test_names_other_than_codes_cost_a_batch_two_queries_once(world):
    UnitAlias.objects.create(unit=Unit.objects.get(code="kWh"), alias="千瓦时")
    batch = [ResolveKey(GRID, "CN", 2022, ("千瓦时", "度", "kWh", "MWh")[n % 4]) for n in range(1000)]

    data_changed()  # read afresh, where anything is kept
    with CaptureQueriesContext(connection) as queries:
        answers = resolve(batch)

    assert len(queries) == 4 + 2
    assert [a.status for a in answers[:4]] == ["matched", "invalid", "matched", "matched"]


def test_an_answer_reports_the_chosen_versions_number_dataset_and_total(world):
    (resolution,) = resolve([ResolveKey(GRID, "CN-AH", 2022, "kWh")])
    chosen = world["east_2022"]

    assert (resolution.version_id, resolution.version_number, resolution.dataset, resolution.co2e_total) == (
        chosen.pk, chosen.version, chosen.factor.dataset.code, chosen.co2e_total)


def test_a_shared_cache_keeps_what_a_batch_read_until_the_next_publication(world, shared_cache):
    batch = [ResolveKey(GRID, "CN-AH", 2023, "kWh"), ResolveKey(FUEL, "CN", 2020, "t")]
    first = resolve(batch)

    with CaptureQueriesContext(connection) as again:
        assert resolve(batch) == first
    newer = publish(GRID, "CN-AH", 2023, co2e="0.61")
    with CaptureQueriesContext(connection) as after:
        answer, fuel = resolve(batch)

    assert len(again) == 0
    assert len(after) > 0
    assert first[0].version_id == world["east_2022"].pk
    assert (answer.version_id, answer.status) == (newer.pk, "matched")
    assert fuel == first[1]


def test_a_category_first_asked_after_others_were_kept_is_read_then(world, shared_cache):
    resolve([ResolveKey(GRID, "CN-AH", 2022, "kWh")])

    (fuel,) = resolve([ResolveKey(FUEL, "CN", 2020, "t")])

    assert fuel.version_id == world["fuel_global"].pk
