"""CO2e from a gas breakdown, checked against totals worked out by hand."""

from decimal import Decimal

import pytest

from factordb import gwp
from factordb.models import Gas, GwpValue
from tests.factories import GasFactory, GwpSetFactory

BREAKDOWN = {
    "CO2": Decimal("1000"),
    "CH4_FOSSIL": Decimal("2"),
    "CH4_NONFOSSIL": Decimal("1"),
    "N2O": Decimal("0.1"),
}

GWP_100 = {
    # IPCC AR4 WGI Table 2.14; AR5 WGI Table 8.A.1 (no feedbacks); AR6 WGI Table 7.15.
    "AR4": {"CO2": 1, "CH4_FOSSIL": 25, "CH4_NONFOSSIL": 25, "N2O": 298},
    "AR5": {"CO2": 1, "CH4_FOSSIL": 28, "CH4_NONFOSSIL": 28, "N2O": 265},
    "AR6": {"CO2": 1, "CH4_FOSSIL": Decimal("29.8"), "CH4_NONFOSSIL": Decimal("27.0"), "N2O": 273},
}


@pytest.mark.parametrize(
    ("gwp_set", "expected"),
    [
        ("AR4", "1104.8"),  # 1000 + 2×25 + 1×25 + 0.1×298
        ("AR5", "1110.5"),  # 1000 + 2×28 + 1×28 + 0.1×265
        ("AR6", "1113.9"),  # 1000 + 2×29.8 + 1×27.0 + 0.1×273
    ],
)
def test_co2e_of_a_breakdown_matches_the_hand_worked_total(gwp_set, expected):
    assert gwp.co2e_from_breakdown(BREAKDOWN, GWP_100[gwp_set]) == Decimal(expected)


def test_ar6_weighs_fossil_methane_more_than_non_fossil_methane():
    fossil = gwp.co2e_from_breakdown({"CH4_FOSSIL": Decimal(1)}, GWP_100["AR6"])
    non_fossil = gwp.co2e_from_breakdown({"CH4_NONFOSSIL": Decimal(1)}, GWP_100["AR6"])
    assert (fossil, non_fossil) == (Decimal("29.8"), Decimal("27.0"))


def test_a_gas_without_a_gwp_is_an_error_not_a_zero():
    with pytest.raises(gwp.GwpError, match="SF6"):
        gwp.co2e_from_breakdown({"CO2": Decimal(1), "SF6": Decimal("0.001")}, GWP_100["AR6"])


@pytest.mark.django_db
def test_biogenic_co2_is_reported_but_not_counted_in_the_total():
    ar6 = GwpSetFactory(code="AR6")
    GasFactory(code="CO2_BIO", formula="CO2", origin="biogenic", counts_in_co2e=False)
    n2o = GasFactory(code="N2O", formula="N2O", origin="")
    GwpValue.objects.create(gwp_set=ar6, gas=n2o, value=273)

    total = gwp.co2e_from_breakdown(
        {"CO2": Decimal(10), "CO2_BIO": Decimal(500), "N2O": Decimal(1)}, gwp.gwp_values(ar6),
    )

    assert total == Decimal(283)
    assert Gas.objects.get(code="CO2_BIO").counts_in_co2e is False
