"""resolve/ and calculate/ over HTTP, on the real seed."""

import pytest


@pytest.mark.django_db
def test_a_province_without_2024_data_falls_back_and_says_how(api, seeded):
    response = api.post("/api/v1/resolve/", {"keys": [
        {"category": "energy.electricity.grid_average", "region": "CN-AH", "year": 2024, "unit": "kWh"},
        {"category": "energy.electricity.grid_average", "region": "CN-XZ", "year": 2022, "unit": "kWh"},
    ]}, format="json")

    anhui, tibet = response.json()["results"]
    assert (anhui["status"], anhui["year_used"], anhui["region_used"]) == ("fallback", 2022, "CN-AH")
    assert tibet["region_used"] == "CN-GRID-SW"


@pytest.mark.django_db
def test_5001_keys_are_refused_naming_keys(api, seeded):
    key = {"category": "energy.electricity.grid_average", "region": "CN", "year": 2022, "unit": "kWh"}
    response = api.post("/api/v1/resolve/", {"keys": [key] * 5001}, format="json")
    assert response.status_code == 400
    assert "keys" in response.json()["error"]["details"]


@pytest.mark.django_db
def test_malformed_json_is_a_400(api, seeded):
    response = api.post("/api/v1/resolve/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.django_db
def test_one_mwh_of_2022_national_grid_electricity(api, seeded):
    response = api.post("/api/v1/calculate/", {"public_id": "EFSKYNSW61TZ", "amount": "1", "unit": "MWh"},
                        format="json")
    assert response.status_code == 200
    assert response.json()["kg_co2e"] == "536.6"


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field"), [
    ({"amount": "-1", "unit": "kWh"}, "amount"),
    ({"amount": "lots", "unit": "kWh"}, "amount"),
    ({"amount": "1", "unit": "t"}, "unit"),
])
def test_bad_calculation_input_is_a_400_naming_the_field(api, seeded, body, field):
    response = api.post("/api/v1/calculate/", {"public_id": "EFSKYNSW61TZ", **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


@pytest.mark.django_db
def test_a_malformed_key_is_named_by_its_place_in_the_batch(api, seeded):
    good = {"category": "energy.electricity.grid_average", "region": "CN", "year": 2022, "unit": "kWh"}
    response = api.post("/api/v1/resolve/", {"keys": [good, {**good, "year": "soon"}, {"region": "CN"}, 7]},
                        format="json")
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert set(details) == {"keys[1].year", "keys[2].category", "keys[2].year", "keys[2].unit", "keys[3]"}
    assert all(isinstance(message, str) for messages in details.values() for message in messages)


@pytest.mark.django_db
def test_a_malformed_calculation_key_is_named_key_dot_field(api, seeded):
    response = api.post("/api/v1/calculate/", {"key": {"category": "energy.electricity.grid_average",
                                                       "region": "CN", "year": "x", "unit": "kWh"},
                                               "amount": "1", "unit": "kWh"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"key.year"}


@pytest.mark.django_db
def test_each_answer_has_exactly_the_documented_fields(api, seeded):
    from api.serializers_resolve import ResolutionSerializer

    response = api.post("/api/v1/resolve/", {"keys": [
        {"category": "energy.electricity.grid_average", "region": "CN-AH", "year": 2024, "unit": "kWh"},
        {"category": "energy.electricity.grid_average", "region": "CN", "year": 1990, "unit": "kWh"},
        {"category": "no.such.category", "region": "CN", "year": 2022, "unit": "kWh"},
    ]}, format="json")
    documented = set(ResolutionSerializer().fields)
    assert [set(answer) for answer in response.json()["results"]] == [documented] * 3
    assert [answer["status"] for answer in response.json()["results"]] == ["fallback", "not_found", "invalid"]


FOOTPRINT = "energy.electricity_footprint.national_average"
GRID_CO2 = "energy.electricity.grid_average"


def resolve(api, *keys: dict) -> list[dict]:
    # The reasons these tests read are the English ones (tests/api/test_language.py: both).
    response = api.post("/api/v1/resolve/", {"keys": list(keys)}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.django_db
def test_the_national_electricity_footprint_of_2023_is_0_6205(api, seeded):
    (answer,) = resolve(api, {"category": FOOTPRINT, "region": "CN", "year": 2023, "unit": "kWh"})
    assert answer["status"] == "matched"
    assert answer["co2e_total"] == "0.6205"
    assert answer["dataset"] == "MEE-ELEC-FOOTPRINT"


@pytest.mark.django_db
def test_a_provinces_footprint_falls_back_to_the_national_footprint_not_its_grid_co2_factor(api, seeded):
    # Guangdong has provincial CO2 factors (2021, 2022): none of them may answer a footprint key.
    (answer,) = resolve(api, {"category": FOOTPRINT, "region": "CN-GD", "year": 2023, "unit": "kWh"},
                        )
    assert answer["status"] == "fallback"
    assert (answer["region_used"], answer["co2e_total"]) == ("CN", "0.6205")
    assert answer["fallback"]["region"] == ["CN-GD", "CN-GRID-S", "CN"]
    assert answer["dataset"] == "MEE-ELEC-FOOTPRINT"


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2030])
@pytest.mark.parametrize("region", ["CN", "CN-GD"])
def test_a_grid_co2_key_never_gets_a_footprint_factor(api, seeded, year, region):
    (answer,) = resolve(api, {"category": GRID_CO2, "region": region, "year": year, "unit": "kWh"})
    assert answer["dataset"] == "MEE-GRID"
    assert answer["co2e_total"] not in {"0.6205", "0.0336", "0.0545", "0.0457"}


@pytest.mark.django_db
def test_a_footprint_key_before_2023_is_not_found_rather_than_a_co2_factor(api, seeded):
    (answer,) = resolve(api, {"category": FOOTPRINT, "region": "CN", "year": 2022, "unit": "kWh"})
    assert answer["status"] == "not_found"
    assert answer["factor_public_id"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(("category", "boundary", "existing"), [
    (GRID_CO2, "life_cycle", "'grid_consumption'"),
    (FOOTPRINT, "combustion", "'life_cycle'"),
    (FOOTPRINT, "grid_consumption", "'life_cycle'"),
])
def test_a_boundary_its_category_does_not_have_is_not_found_and_says_so(api, seeded, category, boundary,
                                                                         existing):
    (answer,) = resolve(api, {"category": category, "region": "CN", "year": 2023, "unit": "kWh",
                              "boundary": boundary})
    assert answer["status"] == "not_found"
    assert answer["reason"] == (
        f"no published factor with boundary '{boundary}' exists for category '{category}' "
        f"in any region or year; its factors have boundary {existing}"
    )


@pytest.mark.django_db
def test_a_boundary_the_category_has_but_not_in_time_keeps_the_region_chain_reason(api, seeded):
    (answer,) = resolve(api, {"category": FOOTPRINT, "region": "CN-GD", "year": 2022, "unit": "kWh",
                              "boundary": "life_cycle"})
    assert answer["status"] == "not_found"
    assert "region chain CN-GD → CN-GRID-S → CN → GLOBAL at or before 2022" in answer["reason"]


@pytest.mark.django_db
def test_a_footprint_factor_calculates_in_co2e(api, seeded):
    (answer,) = resolve(api, {"category": FOOTPRINT, "region": "CN", "year": 2023, "unit": "kWh"})
    response = api.post("/api/v1/calculate/", {"public_id": answer["factor_public_id"], "amount": "1",
                                               "unit": "MWh"}, format="json")
    assert response.status_code == 200
    assert response.json()["kg_co2e"] == "620.5"
