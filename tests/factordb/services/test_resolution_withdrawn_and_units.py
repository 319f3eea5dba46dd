"""An answer is per the unit the key asked for, and says so when the factor that would have
answered was withdrawn."""

import datetime as dt
from decimal import Decimal

import pytest

from factordb.models import Release
from factordb.services.fallback_policy import FallbackPolicy
from factordb.services.resolution import ResolveKey, resolve
from tests.factordb.services.test_resolution import GRID, aware, one, publish, world  # noqa: F401
from tests.factories import (
    CategoryFactory,
    FactorFactory,
    PublishedVersionFactory,
    RegionFactory,
    UnitFactory,
    UserFactory,
    WithdrawnVersionFactory,
)

# The messages and reasons these tests read are the English ones.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# WithdrawnVersionFactory: published 2023-12-23, withdrawn 2024-06-01 (Beijing time).
WITHDRAWN_AT = dt.datetime(2024, 5, 31, 16, tzinfo=dt.UTC)


def withdrawn_factor(region: str, year: int, category: str = GRID):
    factor = FactorFactory(category=CategoryFactory(code=category), region=RegionFactory(code=region),
                           year=year, unit=UnitFactory(code="kWh"))
    return WithdrawnVersionFactory(factor=factor, version=1)


class TestWithdrawn:
    def test_a_fallback_past_a_withdrawn_exact_match_says_which_and_when(self, world):  # noqa: F811
        withdrawn = withdrawn_factor("CN-JS", 2023)

        resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"))

        assert resolution.version_id == world["js_2022"].pk
        assert resolution.withdrawn == {"factor_public_id": withdrawn.factor.public_id, "version": 1,
                                        "region": "CN-JS", "year": 2023, "withdrawn_at": WITHDRAWN_AT}
        assert resolution.reason == (
            f"no 2023 factor; used 2022, the nearest earlier year; factor {withdrawn.factor.public_id} v1 "
            f"(CN-JS 2023), which would have answered, was withdrawn at 2024-05-31T16:00:00Z")

    def test_before_its_withdrawal_the_version_answers_and_nothing_is_said(self, world):  # noqa: F811
        withdrawn = withdrawn_factor("CN-JS", 2023)

        resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"), as_of=aware(2024, 3, 1))

        assert (resolution.version_id, resolution.withdrawn) == (withdrawn.pk, None)

    def test_as_of_after_the_withdrawal_it_is_said(self, world):  # noqa: F811
        withdrawn = withdrawn_factor("CN-JS", 2023)

        resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"), as_of=aware(2025, 1, 1))

        assert resolution.withdrawn["factor_public_id"] == withdrawn.factor.public_id

    def test_a_factor_published_again_after_a_withdrawal_answers_without_a_word_of_it(self, world):  # noqa: F811
        withdrawn = withdrawn_factor("CN-JS", 2023)
        again = PublishedVersionFactory(factor=withdrawn.factor, version=2)

        resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"))

        assert (resolution.version_id, resolution.withdrawn) == (again.pk, None)

    def test_a_withdrawn_factor_that_would_not_have_answered_is_not_mentioned(self, world):  # noqa: F811
        # Region first: Jiangsu's own 2022 value comes before any national value.
        withdrawn_factor("CN", 2023)

        resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"))

        assert (resolution.version_id, resolution.withdrawn) == (world["js_2022"].pk, None)

    def test_the_policy_decides_whether_a_withdrawn_factor_would_have_answered(self, world):  # noqa: F811
        withdrawn = withdrawn_factor("CN", 2023)

        resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"), policy=FallbackPolicy(order="year_first"))

        assert resolution.version_id == world["js_2022"].pk
        assert resolution.withdrawn["factor_public_id"] == withdrawn.factor.public_id

    def test_a_key_only_a_withdrawn_factor_answered_is_not_found_and_says_why(self, world):  # noqa: F811
        withdrawn = withdrawn_factor("CN", 2020, category="energy.heat.steam")

        resolution = one(ResolveKey("energy.heat.steam", "CN-JS", 2023, "kWh"))

        assert resolution.status == "not_found"
        assert resolution.withdrawn["factor_public_id"] == withdrawn.factor.public_id
        assert resolution.reason.endswith(
            "(CN 2020), which would have answered, was withdrawn at 2024-05-31T16:00:00Z")

    def test_a_release_answers_with_its_pins_and_reports_no_withdrawal(self, world):  # noqa: F811
        withdrawn_factor("CN-JS", 2023)
        release = Release.objects.create(name="2025.1", published_at=aware(2025, 1, 1),
                                         created_by=UserFactory())
        release.versions.add(world["js_2022"])

        resolution = one(ResolveKey(GRID, "CN-JS", 2023, "kWh"), release="2025.1")

        assert (resolution.version_id, resolution.withdrawn) == (world["js_2022"].pk, None)


class TestUnits:
    def test_a_key_in_mwh_gets_the_value_per_mwh_and_the_factors_own(self, world):  # noqa: F811
        resolution = one(ResolveKey(GRID, "CN", 2022, "MWh"))

        assert resolution.co2e_total == Decimal("536.6")
        assert (resolution.factor_co2e_total, resolution.unit_used) == (Decimal("0.5366"), "kWh")
        assert resolution.unit_conversion == {"from": "MWh", "to": "kWh", "factor": Decimal("1000")}
        assert resolution.reason == ("factor is per kWh, same dimension as MWh; co2e_total is per MWh "
                                     "(1 MWh = 1000 kWh)")

    def test_a_key_in_the_factors_unit_gets_its_value_unconverted(self, world):  # noqa: F811
        resolution = one(ResolveKey(GRID, "CN", 2022, "kWh"))

        assert resolution.co2e_total == resolution.factor_co2e_total == Decimal("0.5366")
        assert resolution.unit_conversion is None

    def test_a_smaller_unit_than_the_factors_divides_exactly(self, world):  # noqa: F811
        publish("energy.heat.steam", "CN", 2022, co2e="110.12345678", unit="MWh")

        resolution = one(ResolveKey("energy.heat.steam", "CN", 2022, "kWh"))

        assert resolution.co2e_total == Decimal("0.11012345678")  # a float on the way would miss it

    def test_a_ratio_that_does_not_terminate_is_carried_to_28_digits(self, world):  # noqa: F811
        UnitFactory(code="GJ", symbol="GJ", pint_expression="GJ")
        UnitFactory(code="tce", symbol="tce", pint_expression="tce")
        publish("energy.coal.standard", "CN", 2022, co2e="2.66", unit="tce")

        resolution = one(ResolveKey("energy.coal.standard", "CN", 2022, "GJ"))

        assert resolution.unit_conversion["factor"] == Decimal("0.03412084237535656280282247608")
        # The product itself is exact: 2.66 × the ratio, every digit kept.
        assert resolution.co2e_total == Decimal("0.0907614407184484570555077863728")

    def test_a_batch_mixing_units_answers_each_key_in_its_own_unit(self, world):  # noqa: F811
        batch = [ResolveKey(GRID, "CN", 2022, ("MWh", "kWh")[n % 2]) for n in range(1000)]

        answers = resolve(batch)

        assert {a.co2e_total for a in answers} == {Decimal("536.6"), Decimal("0.5366")}
