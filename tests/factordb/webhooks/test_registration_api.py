"""/api/v1/webhooks/: a key holder registers, reads and removes its own endpoints."""

import logging

import pytest
from rest_framework.test import APIClient

from factordb.models import WebhookDelivery, WebhookEndpoint
from tests.factordb.webhooks.conftest import documented_verify, endpoint_for, issued_key
from tests.factordb.webhooks.receiver import closed_port_url
from tests.factories import CategoryFactory, DatasetFactory, RegionFactory, StaffUserFactory
from tests.permission_matrix import database_snapshot

pytestmark = pytest.mark.django_db

LIST = "/api/v1/webhooks/"


def refused_with(response, status: int = 400) -> list[str]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    return error["details"].get("url", [])


def test_it_registers_an_endpoint_and_shows_its_secret_once(api, receiver):
    category, region, dataset = CategoryFactory(code="energy"), RegionFactory(code="CN"), DatasetFactory()

    response = api.post(LIST, {"url": receiver.url, "categories": ["energy"], "regions": ["CN"],
                               "datasets": [dataset.code]}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["secret"]) == 64
    assert (body["url"], body["categories"], body["regions"], body["datasets"], body["active"]) == (
        receiver.url, ["energy"], ["CN"], [dataset.code], True)
    endpoint = WebhookEndpoint.objects.get()
    assert (list(endpoint.categories.all()), list(endpoint.regions.all())) == ([category], [region])
    listed = api.get(LIST).json()
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"{LIST}{body['id']}/").json()


def test_the_registration_ping_is_signed_with_the_secret_it_returns(api, receiver):
    secret = api.post(LIST, {"url": receiver.url}, format="json").json()["secret"]

    [ping] = receiver.received
    verify = documented_verify()
    assert verify(secret, ping.headers["X-Factordb-Signature"], ping.body)
    assert not verify("another secret", ping.headers["X-Factordb-Signature"], ping.body)
    assert not verify(secret, ping.headers["X-Factordb-Signature"], ping.body + b" ")
    assert ping.headers["X-Factordb-Event"] == "ping"


@pytest.mark.parametrize("url", [
    "https://10.0.0.7/hooks",            # private
    "https://192.168.1.20/hooks",        # private
    "https://169.254.169.254/latest/",   # link-local: a cloud's metadata service
    "https://[::1]/hooks",               # loopback, where loopback is not allowed
    "https://127.0.0.1/hooks",
    "https://[::ffff:10.0.0.7]/hooks",   # a private IPv4 address written as IPv6
    "https://0.0.0.0/hooks",
])
def test_it_refuses_a_private_address_in_production(api, settings, url):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    before = database_snapshot()

    reasons = refused_with(api.post(LIST, {"url": url}, format="json"))

    assert any("private" in reason for reason in reasons), reasons
    assert database_snapshot() == before


@pytest.mark.parametrize("url", ["http://192.0.2.10/hooks", "ftp://192.0.2.10/hooks", "https:///nohost",
                                 "https://user:pw@192.0.2.10/hooks", "https://192.0.2.10:99999/", "no url"])
def test_it_refuses_what_is_not_an_https_url(api, url):
    before = database_snapshot()

    assert refused_with(api.post(LIST, {"url": url}, format="json"))
    assert database_snapshot() == before


def test_plain_http_to_loopback_is_for_development_only(api, settings, receiver):
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    reasons = refused_with(api.post(LIST, {"url": receiver.url}, format="json"))

    assert reasons == ["The URL must be an https:// address."]
    assert receiver.received == []
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("answer", ["nothing listens", "500", "redirect", "too slow"])
def test_a_url_that_does_not_answer_the_ping_is_refused_and_nothing_is_logged_as_an_error(
        api, receiver, settings, caplog, answer):
    url = receiver.url
    if answer == "nothing listens":
        url = closed_port_url()
    elif answer == "too slow":
        settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
        receiver.stall_seconds = 1
    else:
        receiver.status = {"500": 500, "redirect": 302}[answer]
    before = database_snapshot()

    with caplog.at_level(logging.WARNING):
        reasons = refused_with(api.post(LIST, {"url": url}, format="json"))

    assert "did not answer the signed ping" in reasons[0]
    assert database_snapshot() == before
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_an_unknown_category_is_refused_before_any_ping(api, receiver):
    response = api.post(LIST, {"url": receiver.url, "categories": ["no-such"]}, format="json")

    assert response.status_code == 400
    assert "categories" in response.json()["error"]["details"]
    assert receiver.received == []


def test_a_key_holds_a_bounded_number_of_endpoints(api, key, receiver):
    for _ in range(10):
        endpoint_for(key[0], receiver.url)

    assert refused_with(api.post(LIST, {"url": receiver.url}, format="json"))
    assert receiver.received == []


def test_without_a_key_it_answers_401_and_to_staff_without_a_key_403(client, receiver):
    assert APIClient().post(LIST, {"url": receiver.url}, format="json").status_code == 401
    assert APIClient().get(LIST).status_code == 401
    staff = APIClient()
    staff.force_login(StaffUserFactory(is_superuser=True))
    assert staff.get(LIST).status_code == 403
    assert staff.post(LIST, {"url": receiver.url}, format="json").status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_another_keys_endpoint_answers_404_and_stays(api, receiver):
    other, _ = issued_key("Other calculator")
    theirs = endpoint_for(other, receiver.url)

    assert api.get(f"{LIST}{theirs.pk}/").status_code == 404
    response = api.delete(f"{LIST}{theirs.pk}/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api.get(LIST).json() == []
    theirs.refresh_from_db()
    assert theirs.removed_at is None


def test_removing_an_endpoint_stops_its_deliveries_and_keeps_its_log(api, key, receiver):
    endpoint = endpoint_for(key[0], receiver.url)
    WebhookDelivery.objects.create(endpoint=endpoint, event_id="0" * 32, event_type="release.published",
                                   payload={}, next_attempt_at="2026-01-01T00:00:00Z")

    assert api.delete(f"{LIST}{endpoint.pk}/").status_code == 204

    assert api.get(f"{LIST}{endpoint.pk}/").status_code == 404
    assert api.get(LIST).json() == []
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1
    assert api.delete(f"{LIST}{endpoint.pk}/").status_code == 404


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0"])
def test_an_endpoint_id_out_of_range_is_not_found(api, pk):
    assert api.get(f"{LIST}{pk}/").status_code == 404
    assert api.delete(f"{LIST}{pk}/").status_code == 404
