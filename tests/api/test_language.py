"""Errors in the client's language: `Accept-Language: en` or `zh-hans`, messages and field
details alike (ours, Django's and DRF's); without the header, the project's default, Chinese,
as the site's pages without a language prefix."""

import re

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from factordb.services.releases import release_cut
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
LANGUAGES = {"en": "en", "zh-hans": "zh-hans", None: "zh-hans"}  # asked → answered


@pytest.fixture(params=list(LANGUAGES), ids=["en", "zh-hans", "no Accept-Language"])
def asked(request) -> str | None:
    return request.param


@pytest.fixture
def client_asking(asked) -> APIClient:
    return APIClient(**({"HTTP_ACCEPT_LANGUAGE": asked} if asked else {}))


def assert_in_language(response, asked, status: int) -> dict:
    assert response.status_code == status, response.content
    language = LANGUAGES[asked]
    assert response["Content-Language"] == language
    error = response.json()["error"]
    texts = [error["message"], *(reason for reasons in error["details"].values() for reason in reasons)]
    for text in texts:
        assert bool(HAN.search(text)) == (language == "zh-hans"), (language, text)
    return error


def test_a_400_of_a_serializer_and_of_drf_s_own_rules(client_asking, asked):
    response = client_asking.post("/api/v1/calculate/", {"unit": "kWh"}, format="json")
    error = assert_in_language(response, asked, 400)
    assert set(error["details"]) == {"amount"}  # DRF's "required"


def test_calculate_without_a_factor_says_that_one_is_missing(client_asking, asked):
    response = client_asking.post("/api/v1/calculate/", {"amount": "1", "unit": "kWh"}, format="json")
    error = assert_in_language(response, asked, 400)
    (reason,) = error["details"]["public_id"]
    assert "missing" in reason if asked == "en" else "缺少" in reason
    assert "both" not in reason


def test_calculate_with_both_says_not_both(client_asking, asked):
    key = {"category": "c", "region": "CN", "year": 2022, "unit": "kWh"}
    body = {"public_id": "EFX", "key": key, "amount": "1", "unit": "kWh"}
    error = assert_in_language(client_asking.post("/api/v1/calculate/", body, format="json"), asked, 400)
    assert list(error["details"]) == ["public_id"]


def test_a_404_of_an_unknown_factor_and_of_an_unknown_address(client_asking, asked):
    assert_in_language(client_asking.get("/api/v1/factors/EFNOSUCHID/"), asked, 404)
    assert_in_language(client_asking.get("/api/v1/nowhere/"), asked, 404)


def test_a_405_and_a_415(client_asking, asked):
    assert_in_language(client_asking.get("/api/v1/resolve/"), asked, 405)
    response = client_asking.post("/api/v1/resolve/", "keys", content_type="text/plain")
    assert_in_language(response, asked, 415)


def test_a_429(client_asking, asked, settings):
    settings.API_ANON_RATE = "1/min"
    client_asking.get("/api/v1/gases/")
    assert_in_language(client_asking.get("/api/v1/gases/"), asked, 429)


def test_a_validation_detail_of_django_s_own_validators(client_asking, asked):
    error = assert_in_language(client_asking.get("/api/v1/factors/", {"year": "1800"}), asked, 400)
    assert list(error["details"]) == ["year"]


def test_a_validation_detail_of_our_model(client_asking, asked):
    with override_settings(ROOT_URLCONF="tests.api.urls_that_raise"):
        response = client_asking.get("/api/v1/refused-by-the-model/")
    error = assert_in_language(response, asked, 400)
    assert list(error["details"]) == ["valid_to"]


def test_a_parameter_of_ours(client_asking, asked):
    error = assert_in_language(client_asking.get("/api/v1/changes/", {"since": "last tuesday"}), asked, 400)
    assert list(error["details"]) == ["since"]


def test_an_unknown_release_to_compare_with(client_asking, asked, approver):
    PublishedVersionFactory()
    release_cut(name="2025.1", actor=approver)
    response = client_asking.get("/api/v1/releases/2025.1/diff/", {"from": "1999.9"})
    error = assert_in_language(response, asked, 400)
    assert list(error["details"]) == ["from"]


def test_answers_kept_in_the_cache_are_kept_per_language(shared_cache, settings):
    PublishedVersionFactory()
    answers = {}
    for language in ("en", "zh-hans", "en", "zh-hans"):
        response = APIClient(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/factors/")
        answers.setdefault(language, []).append(response["Content-Language"])
    assert answers == {"en": ["en", "en"], "zh-hans": ["zh-hans", "zh-hans"]}


def test_the_site_s_pages_keep_their_own_language_rule(client):
    # Pages without a prefix are Chinese whatever the header says; /en/ is English.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"
    assert client.get("/en/")["Content-Language"] == "en"
