"""DRF's own content negotiation: JSON unless a browser asks for the browsable API, and 406 for
what the API cannot give."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/"


@pytest.mark.parametrize(("accept", "query"), [
    (None, ""), ("*/*", ""), ("application/json", ""), ("application/json; indent=4", ""),
    (None, "?format=json"), ("*/*", "?format=json"),
])
def test_calculators_get_json(api, accept, query):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}

    response = api.get(f"{URL}{query}", **headers)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(("accept", "query"), [
    ("text/html", ""), ("text/html,application/xhtml+xml,*/*;q=0.8", ""), ("*/*", "?format=api"),
])
def test_browsers_get_the_browsable_api(api, accept, query):
    response = api.get(f"{URL}{query}", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_an_unacceptable_accept_is_still_a_406(api):
    response = api.get(URL, HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"
