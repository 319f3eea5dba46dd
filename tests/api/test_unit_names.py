"""Units as people write them (千瓦时, 度, 吨, 立方米 …) are accepted wherever the API takes a
unit, each naming exactly the unit the seed lists it for, and nothing else is ever evaluated."""

import pytest

from factordb.constants import FactorStatus
from factordb.models import Factor, Unit, UnitAlias
from tests.factories import UnitFactory

# Every name issue 12 asks for, with the unit it must name.
ISSUE_NAMES = [
    ("千瓦时", "kWh"), ("度", "kWh"), ("kWh", "kWh"),
    ("兆瓦时", "MWh"), ("MWh", "MWh"),
    ("万千瓦时", "10^4kWh"),
    ("吨", "t"), ("t", "t"),
    ("千克", "kg"), ("kg", "kg"),
    ("立方米", "m3"), ("m3", "m3"), ("m³", "m3"),
    ("万立方米", "10^4m3"),
    ("吉焦", "GJ"), ("GJ", "GJ"),
]
ACCEPTED = "give the code, symbol or an alias of a unit in units/"


def a_factor_per(code: str) -> Factor:
    """A published seed factor whose activity unit has the dimension of `code`'s unit."""
    dimension = Unit.objects.get(code=code).dimension
    return (Factor.objects.filter(unit__dimension=dimension, versions__status=FactorStatus.PUBLISHED)
            .select_related("category", "region").order_by("public_id").first())


# The messages these tests read are the English ones (tests/api/test_language.py: both languages).
def calculate(api, **body):
    return api.post("/api/v1/calculate/", {"amount": "2.5", **body}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def resolve(api, *keys):
    return api.post("/api/v1/resolve/", {"keys": list(keys)}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def key_for(factor: Factor, unit: str) -> dict:
    return {"category": factor.category.code, "region": factor.region.code, "year": factor.year, "unit": unit}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "code"), ISSUE_NAMES)
def test_calculate_takes_each_name_as_its_unit(api, seeded, name, code):
    factor = a_factor_per(code)
    by_name = calculate(api, public_id=factor.public_id, unit=name)
    by_code = calculate(api, public_id=factor.public_id, unit=code)

    assert by_name.status_code == 200, by_name.json()
    assert by_name.json() == by_code.json()
    assert by_name.json()["unit"] == code  # the answer names the unit by its code


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "code"), ISSUE_NAMES)
def test_resolve_takes_each_name_as_its_unit_and_echoes_the_code(api, seeded, name, code):
    factor = a_factor_per(code)
    by_name = resolve(api, key_for(factor, name)).json()["results"][0]
    by_code = resolve(api, key_for(factor, code)).json()["results"][0]

    assert by_name["status"] in ("matched", "fallback"), by_name
    assert by_name == by_code
    assert by_name["key"]["unit"] == code


@pytest.mark.django_db
def test_a_key_in_another_unit_of_the_dimension_says_so_in_codes(api, seeded):
    factor = a_factor_per("kWh")
    answer = resolve(api, key_for(factor, "兆瓦时")).json()["results"][0]
    assert answer["fallback"]["unit"] == f"same dimension ({factor.unit.code} for MWh)"


@pytest.mark.django_db
def test_a_calculation_by_key_takes_a_name_in_the_key_and_the_amount(api, seeded):
    factor = a_factor_per("t")
    by_name = calculate(api, key=key_for(factor, "吨"), unit="千克")
    by_code = calculate(api, key=key_for(factor, "t"), unit="kg")
    assert by_name.status_code == 200, by_name.json()
    assert by_name.json() == by_code.json()


@pytest.mark.django_db
def test_ten_thousand_kilowatt_hours_are_ten_thousand_times_one(api, seeded):
    factor = a_factor_per("kWh")
    one = calculate(api, public_id=factor.public_id, unit="度", amount="10000").json()
    ten_thousand = calculate(api, public_id=factor.public_id, unit="万千瓦时", amount="1").json()
    assert ten_thousand["kg_co2e"] == one["kg_co2e"]


# --- What is not a name of a unit -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["千瓦", "kwH", "10*kWh", "kWh/0", "万", "1e4 kWh", "k" * 100])
def test_calculate_refuses_an_unknown_name_naming_unit_and_what_is_accepted(api, seeded, name):
    response = calculate(api, public_id=a_factor_per("kWh").public_id, unit=name)
    assert response.status_code == 400
    assert response.json()["error"]["details"]["unit"] == [f"unknown unit '{name}': {ACCEPTED}"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["k" * 101, "千" * 5000])
def test_calculate_refuses_a_name_longer_than_any_without_looking_it_up(api, seeded, name):
    response = calculate(api, public_id=a_factor_per("kWh").public_id, unit=name)
    assert response.status_code == 400
    assert "unit" in response.json()["error"]["details"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["千瓦时\x00", "\x00", "k\x00Wh"])
def test_a_nul_in_a_unit_name_is_refused(api, seeded, name):
    response = calculate(api, public_id=a_factor_per("kWh").public_id, unit=name)
    assert response.status_code == 400


@pytest.mark.django_db
def test_resolve_answers_an_unknown_name_as_that_keys_error(api, seeded):
    factor = a_factor_per("kWh")
    good, bad = resolve(api, key_for(factor, "度"), key_for(factor, "10*kWh")).json()["results"]
    assert good["status"] in ("matched", "fallback")
    assert bad["status"] == "invalid"
    assert bad["key"]["unit"] == "10*kWh"  # what was sent, since it names nothing
    assert bad["errors"] == {"unit": f"unknown unit '10*kWh': {ACCEPTED}"}


@pytest.mark.django_db
def test_resolve_refuses_a_unit_name_longer_than_any(api, seeded):
    response = resolve(api, key_for(a_factor_per("kWh"), "千" * 51))
    assert response.status_code == 400
    assert "keys[0].unit" in response.json()["error"]["details"]


# --- The factor list's unit filter ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "code"), [("千瓦时", "kWh"), ("吨", "t"), ("m³", "m3"), ("立方米", "m3")])
def test_the_factor_list_filters_by_any_name_of_a_unit(api, seeded, name, code):
    def listed(unit: str) -> list[str]:
        response = api.get("/api/v1/factors/", {"unit": unit, "page_size": 500})
        assert response.status_code == 200, response.json()
        return [row["public_id"] for row in response.json()["results"]]

    assert listed(name) == listed(code)
    assert listed(code)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["千瓦", "10*kWh", "k" * 51])
def test_the_factor_list_refuses_an_unknown_unit_naming_the_parameter(api, seeded, name):
    response = api.get("/api/v1/factors/", {"unit": name})
    assert response.status_code == 400
    assert "unit" in response.json()["error"]["details"]


# --- units/ lists each unit's names -----------------------------------------------------------


@pytest.mark.django_db
def test_units_lists_each_units_aliases(api, seeded):
    units = {row["code"]: row for row in api.get("/api/v1/units/").json()}
    assert {"千瓦时", "度"} <= set(units["kWh"]["aliases"])
    assert units["10^4m3"]["aliases"] == sorted(units["10^4m3"]["aliases"])
    assert "万立方米" in units["10^4m3"]["aliases"]
    assert units["m3"]["symbol"] == "m³"
    assert api.get("/api/v1/units/kWh/").json()["aliases"] == units["kWh"]["aliases"]


@pytest.mark.django_db
def test_units_costs_the_same_queries_for_few_or_many_aliases(api, django_assert_max_num_queries):
    for n in range(3):
        UnitAlias.objects.create(unit=UnitFactory(code=f"u{n}", symbol=f"u{n}"), alias=f"单位{n}")
    with django_assert_max_num_queries(3) as few:
        api.get("/api/v1/units/")
    for n in range(3, 30):
        unit = UnitFactory(code=f"u{n}", symbol=f"u{n}")
        UnitAlias.objects.bulk_create(UnitAlias(unit=unit, alias=f"单位{n}-{m}") for m in range(3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get("/api/v1/units/")
    assert len(response.json()) == Unit.objects.count()
