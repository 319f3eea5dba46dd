"""resolve/ and calculate/ over HTTP, on the real seed."""

import pytest
from django.db import transaction

from factordb.services.seed import seed_load


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_load()
        transaction.set_rollback(True)


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
    assert response.json()["kg_co2e"] == "536.600000"


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
