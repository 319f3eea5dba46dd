"""Hostile and extreme input to the public API is a 400 naming what was wrong, never a 500.

Each case here answered 500 once (issue 10, point 13). The read API writes nothing, so a
refusal leaves the database as it was by construction; the tests still compare the rows a
calculation could touch.
"""

import datetime as dt
import json

import pytest

from api.params import moment_from_text
from factordb.models import Factor, FactorVersion, Unit

GRID_2022 = "EFSKYNSW61TZ"
GOOD_KEY = {"category": "energy.electricity.grid_average", "region": "CN", "year": 2022, "unit": "kWh"}


def snapshot() -> dict:
    return {"units": list(Unit.objects.order_by("pk").values()),
            "factors": Factor.objects.count(),
            "versions": list(FactorVersion.objects.order_by("pk").values("pk", "status", "revision"))}


def calculate(api, **body):
    return api.post("/api/v1/calculate/", {"public_id": GRID_2022, "amount": "1", "unit": "kWh", **body},
                    format="json")


def assert_refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["details"], response.json()


# --- Units come from the unit registry only --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("unit", [
    "(kWh", "kWh)", "kWh[", "kWh/0", "1/0", "10**999999*kWh", "__import__('os').system('id')",
    "MJ", "kWh*kWh/kWh", "0*kWh", "",
])
def test_a_unit_outside_the_registry_is_refused_naming_unit(api, seeded, unit):
    before = snapshot()
    assert_refused(calculate(api, unit=unit), "unit")
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("unit", "kg"), [("MWh", "536.6"), ("GJ", "149.055556")])
def test_a_registry_unit_is_converted(api, seeded, unit, kg):
    response = calculate(api, unit=unit)
    assert response.status_code == 200
    assert response.json()["kg_co2e"] == kg


@pytest.mark.django_db
def test_a_unit_is_found_by_its_symbol_too(api, seeded):
    # m³ is the symbol of the unit coded m3; natural gas factors are per 10^4 Nm3, so compare
    # with a volume factor's own unit instead: the symbol kWh is the code kWh.
    assert calculate(api, unit="kWh").status_code == 200


@pytest.mark.django_db
def test_a_symbol_two_units_share_is_refused_as_ambiguous(api, seeded):
    """Two units may be written alike (the registry does not forbid it): a symbol that names
    more than one is refused, never converted with whichever comes first."""
    twin = Unit.objects.create(code="kWh-twin", symbol="kWh·", name_zh="千瓦时（副本）", name_en="kWh twin",
                               pint_expression="kilowatt_hour", dimension="energy")
    Unit.objects.create(code="MWh-twin", symbol=twin.symbol, name_zh="兆瓦时（副本）", name_en="MWh twin",
                        pint_expression="megawatt_hour", dimension="energy")
    assert_refused(calculate(api, unit="kWh·"), "unit")


# --- Amounts have documented bounds ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1e30", "1e308", "1e16", "1000000000000001", "1e-13",
                                    "0.0000000000001", "1e-999999", "1e999999"])
def test_an_amount_outside_the_bounds_is_refused_naming_amount(api, seeded, amount):
    assert_refused(calculate(api, amount=amount), "amount")


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1e15", "1000000000000000", "0.000000000001", "0"])
def test_an_amount_at_the_bounds_is_calculated(api, seeded, amount):
    assert calculate(api, amount=amount).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [1e30, 1e308, 10**30])
def test_a_json_number_amount_outside_the_bounds_is_refused(api, seeded, amount):
    assert_refused(calculate(api, amount=amount), "amount")


# --- Years have documented bounds ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2**63, 2**63 - 1, -(2**63), 10**30, 1899, 2101, 0, -1])
def test_a_year_outside_the_bounds_is_refused_in_a_resolve_key(api, seeded, year):
    response = api.post("/api/v1/resolve/", {"keys": [{**GOOD_KEY, "year": year}]}, format="json")
    assert_refused(response, "keys[0].year")


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2**63, 10**30, 1899])
def test_a_year_outside_the_bounds_is_refused_in_a_calculation_key(api, seeded, year):
    response = api.post("/api/v1/calculate/", {"key": {**GOOD_KEY, "year": year}, "amount": "1",
                                               "unit": "kWh"}, format="json")
    assert_refused(response, "key.year")


@pytest.mark.django_db
@pytest.mark.parametrize("year", [str(2**63), str(10**30), "1899", "1e400"])
def test_a_year_outside_the_bounds_is_refused_in_the_factor_list(api, seeded, year):
    assert_refused(api.get("/api/v1/factors/", {"year": year}), "year")


# --- The JSON parser refuses excessive nesting -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [100_000, 1_000, 33])
def test_deeply_nested_json_is_refused_naming_the_body(api, seeded, depth):
    response = api.post("/api/v1/resolve/", "[" * depth + "]" * depth, content_type="application/json")
    assert_refused_body(response)


@pytest.mark.django_db
def test_deep_nesting_in_an_unclosed_body_is_refused_too(api, seeded):
    assert_refused_body(api.post("/api/v1/resolve/", "[" * 100_000, content_type="application/json"))


def assert_refused_body(response) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert "body" in error["details"]


@pytest.mark.django_db
def test_nesting_within_the_limit_is_parsed(api, seeded):
    nested = {"keys": [GOOD_KEY], "extra": json.loads("[" * 20 + "]" * 20)}
    assert api.post("/api/v1/resolve/", nested, format="json").status_code == 200


# --- Moments: naive ones are read in TIME_ZONE, extreme ones refused -------------------


EXTREME_MOMENTS = ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59",
                   "9999-12-31T23:59:59-14:00", "1899-12-31T23:59:59Z", "2101-01-01T00:00:00Z"]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_an_extreme_as_of_is_refused_in_the_factor_list(api, seeded, moment):
    assert_refused(api.get("/api/v1/factors/", {"as_of": moment}), "as_of")


@pytest.mark.django_db
@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_an_extreme_as_of_is_refused_by_resolve_and_calculate(api, seeded, moment):
    assert_refused(api.post("/api/v1/resolve/", {"keys": [GOOD_KEY], "as_of": moment}, format="json"),
                   "as_of")
    assert_refused(calculate(api, as_of=moment), "as_of")


@pytest.mark.django_db
@pytest.mark.parametrize(("parameter", "path"), [("updated_since", "/api/v1/factors/"),
                                                 ("since", "/api/v1/changes/")])
@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_an_extreme_moment_is_refused_naming_its_parameter(api, seeded, parameter, path, moment):
    assert_refused(api.get(path, {parameter: moment}), parameter)


@pytest.mark.parametrize(("raw", "utc"), [
    ("2024-01-01T08:00:00", dt.datetime(2024, 1, 1, 0, 0, tzinfo=dt.UTC)),
    ("2024-01-01T08:00:00+08:00", dt.datetime(2024, 1, 1, 0, 0, tzinfo=dt.UTC)),
    ("2024-01-01T08:00:00Z", dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)),
])
def test_a_naive_moment_is_read_in_the_documented_time_zone(settings, raw, utc):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert moment_from_text(raw) == utc


@pytest.mark.django_db
def test_a_naive_as_of_in_a_body_is_read_in_the_documented_time_zone(api, seeded, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    naive = calculate(api, as_of="2025-06-01T08:00:00")
    aware = calculate(api, as_of="2025-06-01T00:00:00Z")
    assert naive.status_code == aware.status_code == 200
    assert naive.json() == aware.json()
