"""Calculation converts the activity into the factor's unit, totals CO2e under the chosen
GWP set, and names the factor, version and release it used."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from factordb.constants import FactorStatus, LifecycleBoundary, Methodology
from factordb.models import Gas, GasAmount, Release
from factordb.services.calculation import calculate
from factordb.services.resolution import ResolveKey
from factordb.services.seed import seed_public_id
from tests.factories import (
    DraftVersionFactory,
    FactorFactory,
    GwpSetFactory,
    PublishedVersionFactory,
    SupersededVersionFactory,
    UnitFactory,
    UserFactory,
)

# The messages and reasons these tests read are the English ones.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

UNKNOWN_UNIT = "unknown unit '{}': give the code, symbol or an alias of a unit in units/"


@pytest.fixture
def grid(db):
    """A 0.5366 kg CO2/kWh factor (CO2 only, stated under AR5), ±5 %/+10 % at 95 %."""
    UnitFactory(code="GJ", symbol="GJ", pint_expression="GJ")
    UnitFactory(code="MWh", symbol="MWh", pint_expression="MWh")
    UnitFactory(code="t", symbol="t", pint_expression="t", dimension="mass")
    GwpSetFactory(code="AR6")
    factor = FactorFactory(year=2022)
    return PublishedVersionFactory(factor=factor, version=1, co2e_total=Decimal("0.5366"),
                                   uncertainty_distribution="normal",
                                   uncertainty_low_pct=Decimal("5"), uncertainty_high_pct=Decimal("10"))


def by_id(version, **kwargs):
    return calculate(public_id=version.factor.public_id, **kwargs)


def field_errors(raised) -> dict:
    return raised.value.message_dict


def test_it_multiplies_the_amount_by_the_factor(grid):
    result = by_id(grid, amount=Decimal("1000"), unit="kWh")

    assert result.kg_co2e == Decimal("536.6")
    assert (result.factor_public_id, result.version_number, result.version) == (
        grid.factor.public_id, 1, grid)
    assert result.gwp_basis == "breakdown"
    assert [(g.gas, g.kg, g.gwp, g.kg_co2e) for g in result.gases] == [
        ("CO2", Decimal("536.6"), Decimal(1), Decimal("536.6"))]


def test_it_converts_gigajoules_into_the_factors_kilowatt_hours(grid):
    result = by_id(grid, amount="3.6", unit="GJ")

    assert result.converted_amount == Decimal(1000)
    assert result.factor_unit == "kWh"
    assert result.kg_co2e == Decimal("536.6")


def test_a_unit_is_named_by_its_symbol_too(grid):
    UnitFactory(code="m3", symbol="m³", pint_expression="meter**3", dimension="volume")
    with pytest.raises(ValidationError) as raised:
        by_id(grid, amount="1", unit="m³")

    assert "cannot convert 'm³' (volume)" in field_errors(raised)["unit"][0]


@pytest.mark.parametrize("unit", ["MJ", "kWh/0", "10**999999*kWh", "__import__('os').system('id')"])
def test_a_pint_expression_outside_the_unit_registry_is_refused(grid, unit):
    with pytest.raises(ValidationError) as raised:
        by_id(grid, amount="3600", unit=unit)

    assert field_errors(raised) == {"unit": [UNKNOWN_UNIT.format(unit)]}


def test_a_unit_of_another_dimension_is_an_error_naming_both_units(grid):
    with pytest.raises(ValidationError) as raised:
        by_id(grid, amount="1", unit="t")

    assert field_errors(raised) == {"unit": [
        "cannot convert 't' (mass) to 'kWh' (energy), the factor's activity unit: "
        "different physical dimensions"
    ]}


def test_an_unknown_unit_is_an_error_naming_it(grid):
    with pytest.raises(ValidationError) as raised:
        by_id(grid, amount="1", unit="blorp")

    assert field_errors(raised) == {"unit": [UNKNOWN_UNIT.format("blorp")]}


@pytest.mark.parametrize(("amount", "message"), [
    ("-1", "must not be negative, got -1"),
    (Decimal("-0.001"), "must not be negative, got -0.001"),
    ("abc", "'abc' is not a number"),
    ("NaN", "'NaN' is not a finite number"),
    ("1e30", "must be at most 1E+15 with at most 12 decimal places, got 1e30"),
    ("0.0000000000001", "must be at most 1E+15 with at most 12 decimal places, got 0.0000000000001"),
    (True, "must be a number"),
    (None, "must be a number"),
])
def test_a_negative_or_non_numeric_amount_is_an_error_naming_amount(grid, amount, message):
    with pytest.raises(ValidationError) as raised:
        by_id(grid, amount=amount, unit="kWh")

    assert field_errors(raised) == {"amount": [message]}


def test_zero_is_a_valid_amount(grid):
    assert by_id(grid, amount=0, unit="kWh").kg_co2e == 0


def test_an_unknown_gwp_set_is_an_error_naming_it(grid):
    with pytest.raises(ValidationError) as raised:
        by_id(grid, amount="1", unit="kWh", gwp_set="AR9")

    assert list(field_errors(raised)) == ["gwp_set"]
    assert "unknown GWP set 'AR9'" in field_errors(raised)["gwp_set"][0]


def test_the_uncertainty_interval_is_in_kilograms(grid):
    interval = by_id(grid, amount="1000", unit="kWh").uncertainty

    assert (interval.low_kg_co2e, interval.high_kg_co2e) == (Decimal("509.77"), Decimal("590.26"))
    assert (interval.low_pct, interval.high_pct, interval.confidence) == (5, 10, "95%")
    assert interval.distribution == "normal"


def test_without_a_stated_interval_there_is_none(db):
    version = PublishedVersionFactory(factor=FactorFactory(year=2022))

    assert by_id(version, amount="1", unit="kWh", gwp_set="AR5").uncertainty is None


def test_results_are_rounded_to_the_milligram(grid):
    assert by_id(grid, amount="0.0000017", unit="kWh").kg_co2e == Decimal("0.000001")


def test_a_factor_stated_only_as_co2e_answers_its_stated_total_and_says_so(db):
    GwpSetFactory(code="AR6")
    unit = UnitFactory(code="t", symbol="t", pint_expression="t", dimension="mass")
    version = DraftVersionFactory(factor=FactorFactory(unit=unit, year=2019), co2e_total=Decimal("2.5"),
                                  biogenic_co2=Decimal("0.1"))
    version.gas_amounts.all().delete()
    version.status, version.published_at = FactorStatus.PUBLISHED, timezone.now()
    version.save()

    result = by_id(version, amount="2", unit="t", gwp_set="AR6")

    assert (result.kg_co2e, result.gwp_set, result.gwp_basis) == (Decimal(5), "AR5", "stated")
    assert result.gases == []
    assert result.biogenic_co2_kg == Decimal("0.2")
    assert result.notes == ["the factor has no per-gas breakdown; the total is its stated CO2e, "
                            "as stated under AR5 (it cannot be recomputed under AR6)"]


def test_biogenic_co2_in_the_breakdown_is_reported_apart_from_the_total(grid):
    gas = Gas.objects.create(code="CO2_BIO", formula="CO2", name_zh="生物源", name_en="biogenic",
                             counts_in_co2e=False)
    version = DraftVersionFactory(factor=FactorFactory(year=2020))
    GasAmount.objects.create(version=version, gas=gas, amount=Decimal("0.2"))
    version.status, version.published_at = FactorStatus.PUBLISHED, timezone.now()
    version.save()

    result = by_id(version, amount="10", unit="kWh", gwp_set="AR6")

    assert result.kg_co2e == Decimal("5.366")
    assert result.biogenic_co2_kg == Decimal("2")
    assert [(g.gas, g.kg_co2e) for g in result.gases] == [("CO2", Decimal("5.366")), ("CO2_BIO", None)]


def test_a_key_is_resolved_and_its_resolution_returned(grid):
    result = calculate(key=ResolveKey(grid.factor.category.code, "CN", 2024, "MWh"), amount="1", unit="MWh")

    assert result.kg_co2e == Decimal("536.6")
    assert result.resolution.fallback["year"] == "nearest earlier (2022 for 2024)"


def test_a_key_with_an_unknown_code_is_an_error_naming_it(grid):
    with pytest.raises(ValidationError) as raised:
        calculate(key=ResolveKey(grid.factor.category.code, "XX", 2022, "kWh"), amount="1", unit="kWh")

    assert field_errors(raised) == {"key.region": ["unknown region 'XX'"]}


def test_a_key_that_finds_nothing_is_an_error_saying_why(grid):
    with pytest.raises(ValidationError) as raised:
        calculate(key=ResolveKey(grid.factor.category.code, "CN", 2010, "kWh"), amount="1", unit="kWh")

    assert field_errors(raised)["key"][0].startswith("no published factor for category")


def test_an_unknown_public_id_is_an_error_naming_it(grid):
    with pytest.raises(ValidationError) as raised:
        calculate(public_id="EFNOPE", amount="1", unit="kWh")

    assert field_errors(raised) == {"public_id": ["no published version of factor 'EFNOPE'"]}


def test_it_needs_exactly_one_of_public_id_and_key(grid):
    with pytest.raises(ValidationError) as raised:
        calculate(amount="1", unit="kWh")

    assert list(field_errors(raised)) == ["public_id"]


def test_as_of_uses_the_version_in_force_then(grid):
    old = SupersededVersionFactory(factor=grid.factor, version=0, co2e_total=Decimal("0.6"))

    then = by_id(grid, amount="1", unit="kWh", as_of=timezone.make_aware(dt.datetime(2024, 6, 1)))

    assert (then.version, then.kg_co2e) == (old, Decimal("0.6"))


def test_it_names_the_release_that_pins_the_version(grid):
    old = SupersededVersionFactory(factor=grid.factor, version=0, co2e_total=Decimal("0.6"))
    for name, version in (("2024.1", old), ("2025.1", grid)):
        release = Release.objects.create(name=name, created_by=UserFactory(),
                                         published_at=timezone.make_aware(dt.datetime(int(name[:4]), 1, 1)))
        release.versions.add(version)

    assert by_id(grid, amount="1", unit="kWh").release == "2025.1"
    pinned = by_id(grid, amount="1", unit="kWh", release="2024.1")
    assert (pinned.version, pinned.release) == (old, "2024.1")


def test_an_unknown_release_is_an_error_naming_it(grid):
    with pytest.raises(ValidationError) as raised:
        by_id(grid, amount="1", unit="kWh", release="2099.1")

    assert field_errors(raised) == {"release": ["unknown release '2099.1'"]}


class TestWithTheSeed:
    def test_one_mwh_of_2022_national_grid_electricity_is_536_6_kg(self, seeded_class):
        key = ResolveKey("energy.electricity.grid_average", "CN", 2022, "MWh",
                         boundary=LifecycleBoundary.GRID_CONSUMPTION, method=Methodology.MEE_GRID_FACTORS)

        result = calculate(key=key, amount="1", unit="MWh")

        assert result.kg_co2e == Decimal("536.6")
        assert result.factor_public_id == seed_public_id("MEE-GRID/2022/national_average/CN")
        assert result.resolution.status == "matched"

    def test_a_tonne_of_fuel_against_a_kwh_factor_is_an_error_naming_both_units(self, seeded_class):
        with pytest.raises(ValidationError) as raised:
            calculate(public_id=seed_public_id("MEE-GRID/2022/national_average/CN"), amount="1", unit="t")

        assert "'t' (mass)" in raised.value.message_dict["unit"][0]
        assert "'kWh' (energy)" in raised.value.message_dict["unit"][0]

    @pytest.mark.parametrize(("gwp_set", "expected"), [
        # 1 TJ of other bituminous coal: 94,600 kg CO2 + 1 kg CH4 + 1.5 kg N2O (IPCC 2006).
        ("AR4", Decimal("95072")),  # 94600 + 1 × 25 + 1.5 × 298
        ("AR5", Decimal("95025.5")),  # 94600 + 1 × 28 + 1.5 × 265
        ("AR6", Decimal("95039.3")),  # 94600 + 1 × 29.8 (fossil) + 1.5 × 273
    ])
    def test_an_ipcc_fuel_totals_under_each_gwp_set_as_hand_computed(self, seeded_class, gwp_set, expected):
        public_id = seed_public_id("IPCC2006/other_bituminous/TJ")

        result = calculate(public_id=public_id, amount="1000", unit="GJ", gwp_set=gwp_set)

        assert (result.kg_co2e, result.gwp_set, result.gwp_basis) == (expected, gwp_set, "breakdown")
        assert {g.gas: g.kg for g in result.gases} == {
            "CO2": Decimal(94600), "CH4_FOSSIL": Decimal(1), "N2O": Decimal("1.5")}
