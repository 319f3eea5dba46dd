"""A draft is written whole or not at all, and bad values are named by field."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from factordb.constants import FactorStatus
from factordb.models import Factor, FactorVersion, GasAmount, GwpValue
from factordb.services.factors import SourceCitation, factor_create, factor_version_create_draft
from tests.factories import (
    CategoryFactory,
    DatasetFactory,
    FactorFactory,
    GasFactory,
    GwpSetFactory,
    RegionFactory,
    SourceFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

QUALITY = {"dq_reliability": 2, "dq_completeness": 2, "dq_temporal": 1,
           "dq_geographical": 1, "dq_technological": 2}


@pytest.fixture
def ar5():
    gwp_set = GwpSetFactory(code="AR5")
    GwpValue.objects.create(gwp_set=gwp_set, gas=GasFactory(code="CH4_FOSSIL", formula="CH4"), value=28)
    GwpValue.objects.create(gwp_set=gwp_set, gas=GasFactory(code="N2O", formula="N2O"), value=265)
    return gwp_set


def create_draft(factor, author, gwp_set, **overrides):
    arguments = {"gas_amounts": {"CO2": Decimal("2624.61")}, **QUALITY, **overrides}
    return factor_version_create_draft(factor=factor, author=author, gwp_set=gwp_set, **arguments)


def test_it_computes_the_total_from_the_breakdown_when_none_is_stated(editor, ar5):
    amounts = {"CO2": Decimal("2624.61"), "CH4_FOSSIL": Decimal("0.0267"), "N2O": Decimal("0.04005")}

    version = create_draft(FactorFactory(), editor, ar5, gas_amounts=amounts)

    # 2624.61 + 0.0267×28 + 0.04005×265
    assert version.co2e_total == Decimal("2624.61") + Decimal("0.7476") + Decimal("10.61325")
    assert version.status == FactorStatus.DRAFT
    assert version.gas_amounts.count() == 3


def test_it_numbers_versions_of_a_factor_in_sequence(editor, ar5):
    factor = FactorFactory()
    first = create_draft(factor, editor, ar5)
    second = create_draft(factor, editor, ar5)
    assert (first.version, second.version) == (1, 2)


def test_it_keeps_the_sources_with_their_locators(editor, ar5):
    source = SourceFactory(title="2006 IPCC Guidelines, Vol. 2")
    version = create_draft(FactorFactory(), editor, ar5,
                           citations=[SourceCitation(source, "Table 1.4")])
    assert version.version_sources.get().locator == "Table 1.4"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"gas_amounts": {"CO2": Decimal("-1")}}, "gas_amounts.CO2"),
        ({"gas_amounts": {"CO2": Decimal(1), "XENON": Decimal(1)}}, "gas_amounts"),
        ({"dq_temporal": 7}, "dq_temporal"),
        ({"co2e_total": Decimal("-5")}, "co2e_total"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(editor, ar5, overrides, field):
    factor = FactorFactory()
    with pytest.raises(ValidationError) as excinfo:
        create_draft(factor, editor, ar5, **overrides)
    assert field in excinfo.value.message_dict
    assert not FactorVersion.objects.exists()
    assert not GasAmount.objects.exists()


def test_a_factor_with_the_identity_of_another_is_refused():
    existing = FactorFactory()
    with pytest.raises(ValidationError, match="相同类别"):
        factor_create(
            dataset=existing.dataset, category=existing.category, region=existing.region,
            unit=existing.unit, year=existing.year, boundary=existing.boundary,
            method=existing.method, name_zh="重复", name_en="duplicate",
        )
    assert Factor.objects.count() == 1


def test_a_unit_of_the_wrong_dimension_for_its_category_is_refused():
    electricity = CategoryFactory(code="energy.electricity", activity_dimension="energy")
    tonne = UnitFactory(code="t", symbol="t", pint_expression="t", dimension="mass")
    with pytest.raises(ValidationError) as excinfo:
        factor_create(
            dataset=DatasetFactory(), category=electricity, region=RegionFactory(), unit=tonne,
            year=2022, boundary="grid_consumption", method="MEE-GRID",
            name_zh="电网", name_en="grid",
        )
    assert "unit" in excinfo.value.message_dict
    assert not Factor.objects.exists()


def test_a_removal_is_drafted_with_its_negative_amounts(editor, ar5):
    version = create_draft(FactorFactory(), editor, ar5, is_removal=True,
                           gas_amounts={"CO2": Decimal("-1.5")})

    assert version.co2e_total == Decimal("-1.5")
    assert list(version.gas_amounts.values_list("amount", "is_removal")) == [(Decimal("-1.5"), True)]


def test_a_negative_amount_is_still_refused_for_an_emission(editor, ar5):
    with pytest.raises(ValidationError):
        create_draft(FactorFactory(), editor, ar5, gas_amounts={"CO2": Decimal("-1.5")})

    assert not FactorVersion.objects.exists()
