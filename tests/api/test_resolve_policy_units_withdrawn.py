"""resolve/ and calculate/ over HTTP, on the real seed: a fallback policy the client chooses,
values per the unit asked for, and a withdrawn exact match said so."""

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from factordb.models import FactorVersion
from factordb.services.review import factor_version_withdraw

pytestmark = pytest.mark.django_db

GRID_CO2 = "energy.electricity.grid_average"
ANHUI_2023 = {"category": GRID_CO2, "region": "CN-AH", "year": 2023, "unit": "kWh"}
NATIONAL_2022 = "EFSKYNSW61TZ"  # 0.5366 kg CO2/kWh


def post(api, url: str, body: dict):
    # The reasons and errors these tests read are the English ones (tests/api/test_language.py: both).
    return api.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def resolve(api, *keys: dict, **body) -> list[dict]:
    response = post(api, "/api/v1/resolve/", {"keys": list(keys), **body})
    assert response.status_code == 200, response.content
    return response.json()["results"]


class TestPolicy:
    def test_by_default_anhui_2023_gets_its_own_2022_value_and_says_under_which_policy(self, api, seeded):
        (answer,) = resolve(api, ANHUI_2023)

        assert (answer["region_used"], answer["year_used"], answer["co2e_total"]) == ("CN-AH", 2022, "0.6782")
        assert answer["fallback_policy"] == {"order": "region_first", "allow": ["region", "year"],
                                             "max_years_back": None}

    def test_year_first_gets_the_east_china_grids_2023_value(self, api, seeded):
        (answer,) = resolve(api, ANHUI_2023, fallback_policy={"order": "year_first"})

        assert (answer["region_used"], answer["year_used"]) == ("CN-GRID-E", 2023)
        assert answer["co2e_total"] == "0.55"
        assert answer["fallback_policy"]["order"] == "year_first"
        assert answer["reason"].startswith("year first: no factor for CN-AH in 2023; used CN-GRID-E")

    def test_no_fallback_answers_not_found_rather_than_another_region_or_year(self, api, seeded):
        (answer,) = resolve(api, ANHUI_2023, fallback_policy={"allow": []})

        assert (answer["status"], answer["factor_public_id"]) == ("not_found", None)
        assert answer["fallback_policy"] == {"order": "region_first", "allow": [], "max_years_back": None}

    def test_a_null_policy_is_the_default(self, api, seeded):
        assert resolve(api, ANHUI_2023, fallback_policy=None) == resolve(api, ANHUI_2023)

    def test_calculate_with_a_key_uses_the_policy_and_reports_it(self, api, seeded):
        response = post(api, "/api/v1/calculate/", {"key": ANHUI_2023, "amount": "1", "unit": "MWh",
                                                    "fallback_policy": {"order": "year_first"}})

        assert response.status_code == 200, response.content
        assert response.json()["kg_co2e"] == "550"
        assert response.json()["resolution"]["fallback_policy"]["order"] == "year_first"

    def test_calculate_by_public_id_refuses_a_policy_it_could_not_apply(self, api, seeded):
        response = post(api, "/api/v1/calculate/", {"public_id": NATIONAL_2022, "amount": "1", "unit": "kWh",
                                                    "fallback_policy": {"order": "year_first"}})

        assert response.status_code == 400
        assert set(response.json()["error"]["details"]) == {"fallback_policy"}

    def test_two_policies_for_the_same_keys_are_two_answers_even_when_kept(self, api, seeded, shared_cache):
        region_first = resolve(api, ANHUI_2023)
        year_first = resolve(api, ANHUI_2023, fallback_policy={"order": "year_first"})

        assert (region_first[0]["region_used"], year_first[0]["region_used"]) == ("CN-AH", "CN-GRID-E")
        assert resolve(api, ANHUI_2023) == region_first


BAD_POLICIES = [
    ({"order": "newest"}, "fallback_policy.order"),
    ({"order": ["year_first"]}, "fallback_policy.order"),
    ({"allow": "region"}, "fallback_policy.allow"),
    ({"allow": ["province"]}, "fallback_policy.allow[0]"),
    ({"allow": ["region", "year", "region"]}, "fallback_policy.allow"),
    ({"max_years_back": -1}, "fallback_policy.max_years_back"),
    ({"max_years_back": 10**30}, "fallback_policy.max_years_back"),
    ({"max_years_back": "two"}, "fallback_policy.max_years_back"),
    ({"max_years_back": 2.5}, "fallback_policy.max_years_back"),
    ({"allow": ["region"], "max_years_back": 3}, "fallback_policy.max_years_back"),
    ({"max_year_back": 3}, "fallback_policy.max_year_back"),
    ("year_first", "fallback_policy"),
    ([{"order": "year_first"}], "fallback_policy"),
    (7, "fallback_policy"),
]


@pytest.mark.parametrize(("policy", "field"), BAD_POLICIES)
@pytest.mark.parametrize("url", ["/api/v1/resolve/", "/api/v1/calculate/"])
def test_a_bad_policy_is_a_400_naming_its_part(api, seeded, url, policy, field):
    body = {"keys": [ANHUI_2023]} if url.endswith("resolve/") else {"key": ANHUI_2023, "amount": "1",
                                                                      "unit": "kWh"}
    response = post(api, url, {**body, "fallback_policy": policy})

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["details"]) == [field]


class TestUnits:
    def test_a_key_in_mwh_gets_kg_per_mwh_with_the_factors_own_unit_and_value(self, api, seeded):
        (answer,) = resolve(api, {"category": GRID_CO2, "region": "CN", "year": 2022, "unit": "MWh"})

        assert answer["co2e_total"] == "536.6"
        assert (answer["factor_co2e_total"], answer["unit_used"]) == ("0.5366", "kWh")
        assert answer["unit_conversion"] == {"from_unit": "MWh", "to_unit": "kWh", "multiplier": "1000"}

    def test_a_key_named_by_alias_is_per_that_unit_too(self, api, seeded):
        (by_alias,) = resolve(api, {"category": GRID_CO2, "region": "CN", "year": 2022, "unit": "兆瓦时"})
        (by_code,) = resolve(api, {"category": GRID_CO2, "region": "CN", "year": 2022, "unit": "MWh"})

        assert by_alias["key"]["unit"] == "MWh"
        assert by_alias == by_code

    def test_a_key_in_the_factors_unit_has_no_conversion(self, api, seeded):
        (answer,) = resolve(api, {"category": GRID_CO2, "region": "CN", "year": 2022, "unit": "kWh"})

        assert answer["co2e_total"] == answer["factor_co2e_total"] == "0.5366"
        assert answer["unit_conversion"] is None

    @pytest.mark.parametrize("unit", ["kWh", "MWh", "10^4kWh", "GJ", "tce"])
    def test_the_value_per_key_unit_is_what_calculate_gives_for_one_of_it(self, api, seeded, unit):
        key = {"category": GRID_CO2, "region": "CN", "year": 2022, "unit": unit}
        (answer,) = resolve(api, key)
        calculated = post(api, "/api/v1/calculate/", {"key": key, "amount": "1", "unit": unit}).json()

        # calculate/ rounds to 1 mg; resolve/ keeps every digit.
        assert Decimal(answer["co2e_total"]).quantize(Decimal("0.000001"), ROUND_HALF_EVEN) == \
            Decimal(calculated["kg_co2e"])


class TestWithdrawn:
    @pytest.fixture
    def withdrawn_anhui_2022(self, seeded, approver):
        version = FactorVersion.objects.get(factor__category__code=GRID_CO2, factor__region__code="CN-AH",
                                            factor__year=2022, status="published")
        return factor_version_withdraw(version=version, actor=approver, reason="wrong province total")

    def test_a_fallback_past_a_withdrawn_value_names_it_and_its_withdrawal(self, api, withdrawn_anhui_2022):
        (answer,) = resolve(api, {**ANHUI_2023, "year": 2022})

        assert (answer["region_used"], answer["year_used"]) == ("CN-AH", 2021)
        withdrawn = answer["withdrawn"]
        assert withdrawn["factor_public_id"] == withdrawn_anhui_2022.factor.public_id
        assert (withdrawn["version"], withdrawn["region"], withdrawn["year"]) == (
            withdrawn_anhui_2022.version, "CN-AH", 2022)
        assert withdrawn["withdrawn_at"].endswith("Z")
        assert f"{withdrawn['factor_public_id']} v{withdrawn['version']} (CN-AH 2022)" in answer["reason"]

    def test_an_answer_the_withdrawal_did_not_change_says_nothing_of_it(self, api, withdrawn_anhui_2022):
        (answer,) = resolve(api, {**ANHUI_2023, "region": "CN-JS"})

        assert answer["withdrawn"] is None
