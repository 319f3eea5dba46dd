"""The webhook registration's refusals in the client's language (Accept-Language: en or zh-hans),
as every other API error (tests/api/test_language_of_errors.py)."""

import pytest
from rest_framework.test import APIClient

from tests.factordb.webhooks.conftest import endpoint_for
from tests.factordb.webhooks.receiver import closed_port_url
from tests.factories import StaffUserFactory
from tests.languages import assert_error_in

pytestmark = pytest.mark.django_db

LIST = "/api/v1/webhooks/"


@pytest.fixture(params=["en", "zh-hans"])
def language(request) -> str:
    return request.param


@pytest.fixture
def holder(key, language) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key[1]}", HTTP_ACCEPT_LANGUAGE=language)
    return client


@pytest.mark.parametrize("url", [
    "http://192.0.2.10/hooks",            # not https
    "https://user:pw@192.0.2.10/hooks",   # credentials
    "https://127.0.0.1/hooks",            # loopback, where it is not allowed
    "https://192.0.2.10:99999/hooks",     # a port no URL has
    "https://no-such-host.invalid/hooks",  # a host that does not resolve
])
def test_an_address_it_refuses(holder, language, settings, url):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert_error_in(language, holder.post(LIST, {"url": url}, format="json"), 400, {"url"})


@pytest.mark.parametrize("answer", ["500", "nothing listens"])
def test_a_receiver_that_does_not_answer_the_ping(holder, language, receiver, answer):
    url = receiver.url
    if answer == "nothing listens":
        url = closed_port_url()
    else:
        receiver.status = 500
    assert_error_in(language, holder.post(LIST, {"url": url}, format="json"), 400, {"url"})


def test_one_endpoint_too_many(holder, language, key, receiver):
    for _ in range(10):
        endpoint_for(key[0], receiver.url)
    assert_error_in(language, holder.post(LIST, {"url": receiver.url}, format="json"), 400, {"url"})


def test_an_endpoint_of_another_key_or_none(holder, language):
    assert_error_in(language, holder.get(f"{LIST}12345/"), 404)


def test_signed_in_without_a_key(language):
    staff = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    staff.force_login(StaffUserFactory(is_superuser=True))
    assert_error_in(language, staff.get(LIST), 403)
