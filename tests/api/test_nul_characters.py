"""A NUL character can be typed into any address or JSON body, and PostgreSQL refuses to store or
compare text holding one ("text fields cannot contain NUL"): it must be a 400 naming where it
was, never a 500, before any query runs. (SQLite takes NUL; the rule is the same on both.)"""

import pytest

from tests.factories import SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def published():
    return SourcedPublishedVersionFactory()


@pytest.mark.parametrize(("url", "where"), [
    ("/api/v1/factors/?release=2025%001", "release"),
    ("/api/v1/factors/?q=%00", "q"),
    ("/api/v1/factors/?category=energy%00", "category"),
    ("/api/v1/factors/EF%00X/", "path"),
    ("/api/v1/factors/EF%00X/versions/", "path"),
    ("/api/v1/releases/20%0025.1/", "path"),
    ("/api/v1/regions/?x%00=1", "x\x00"),
])
def test_a_nul_in_an_api_address_is_a_400_naming_it(api, url, where):
    response = api.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert where in response.json()["error"]["details"]


@pytest.mark.parametrize("body", [
    {"keys": [{"category": "energy\x00", "region": "CN", "year": 2022, "unit": "kWh"}]},
    {"keys": [{"category": "energy", "region": "CN", "year": 2022, "unit": "kWh", "boundary\x00": "x"}]},
    {"release": "2025\x001", "keys": [{"category": "energy", "region": "CN", "year": 2022, "unit": "kWh"}]},
])
def test_a_nul_in_a_json_body_is_a_400_naming_the_body(api, body):
    response = api.post("/api/v1/resolve/", body, format="json")
    assert response.status_code == 400
    assert "body" in response.json()["error"]["details"]


def test_a_nul_in_a_page_address_is_a_400_not_a_500(admin_client):
    response = admin_client.get("/admin/factordb/factor/?q=%00")
    assert response.status_code == 400


@pytest.mark.parametrize("header", [
    {"HTTP_COOKIE": 'sessionid="abcdefgh\\000ijklmnop"'},
    {"HTTP_X_API_KEY": "cfk_abcd\x00_secret"},
    {"HTTP_AUTHORIZATION": "Api-Key cfk_ab\x00cd_secret"},
])
def test_a_nul_in_a_cookie_or_key_header_is_a_400_not_a_500(api, header):
    # The session middleware and the key lookup query the database with these values.
    assert api.get("/api/v1/units/", **header).status_code == 400


def test_a_nul_in_a_cookie_on_a_page_is_a_400_not_a_500(client):
    assert client.get("/", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"').status_code == 400
