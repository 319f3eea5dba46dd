"""Calculators' API keys: issued and revoked by staff, stored hashed, with a higher quota."""

import hashlib
import logging

import pytest
from django.core.exceptions import ValidationError

from accounts.models import ApiKey
from accounts.roles import ForbiddenAction
from accounts.services import api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/"


@pytest.fixture
def issued(staff):
    return api_key_issue(name="LCA Tool", organisation="Example Co.", contact_email="it@example.org",
                         tier="standard", actor=staff, reason="contract signed")


def test_only_the_hash_of_the_secret_is_stored(issued):
    key, plain = issued
    secret = plain.split("_", 2)[2]
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().get())


def test_someone_who_is_not_staff_cannot_issue(editor):
    with pytest.raises(ForbiddenAction):
        api_key_issue(name="x", organisation="x", contact_email="x@example.org", tier="standard",
                      actor=editor, reason="contract signed")


def test_issuing_records_the_reason_in_the_keys_history(issued, staff):
    key, _ = issued
    record = key.history.get()
    assert (record.history_type, record.history_change_reason) == ("+", "issued: contract signed")


def test_issuing_needs_a_reason(staff):
    with pytest.raises(ValidationError) as excinfo:
        api_key_issue(name="x", organisation="x", contact_email="x@example.org", tier="standard",
                      actor=staff, reason=" ")
    assert "reason" in excinfo.value.message_dict
    assert not ApiKey.objects.exists()


def test_a_valid_key_is_accepted(api, issued):
    _, plain = issued
    assert api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {plain}").status_code == 200


@pytest.mark.parametrize("presented", ["cfk_nothing_here", "garbage"])
def test_an_unknown_key_is_a_401(api, presented):
    response = api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {presented}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_revoked_key_is_a_401_saying_so_and_logs_no_server_error(api, issued, staff, caplog):
    key, plain = issued
    api_key_revoke(key=key, actor=staff, reason="contract ended")

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {plain}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_revoking_needs_a_reason(issued, staff):
    key, _ = issued
    with pytest.raises(ValidationError) as excinfo:
        api_key_revoke(key=key, actor=staff, reason=" ")
    assert "reason" in excinfo.value.message_dict


@pytest.fixture
def in_a_minute_at(request):
    """Freeze the clock 20 s into a minute: the quota's window, so the test cannot straddle two."""
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, 20, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def test_anonymous_clients_are_throttled_with_retry_after(api, settings, in_a_minute_at):
    settings.API_ANON_RATE = "3/min"

    answers = [api.get(URL) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1]["Retry-After"] == "40"  # when the minute's window ends
    assert answers[-1].json()["error"]["code"] == "throttled"


def test_the_quota_opens_again_in_the_next_window(api, settings, in_a_minute_at):
    import datetime as dt

    settings.API_ANON_RATE = "2/min"
    assert [api.get(URL).status_code for _ in range(3)] == [200, 200, 429]

    in_a_minute_at.shift(dt.timedelta(seconds=40))

    assert api.get(URL).status_code == 200


def test_concurrent_requests_are_all_counted(settings, in_a_minute_at):
    """Eight threads at once against a quota of 20: exactly 20 pass, whatever the interleaving."""
    import threading

    from rest_framework.test import APIClient

    settings.API_ANON_RATE = "20/min"
    barrier, codes = threading.Barrier(8), []

    def ask() -> None:
        from django.db import connection

        client = APIClient()
        try:
            barrier.wait(timeout=10)
            codes.extend(client.get(URL).status_code for _ in range(5))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(codes) == [200] * 20 + [429] * 20


def test_a_key_gets_its_own_higher_quota(api, issued, settings, in_a_minute_at):
    _, plain = issued
    settings.API_ANON_RATE = "2/min"
    settings.API_KEY_RATES = {"standard": "6/min", "partner": "60/min"}

    with_key = [api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {plain}").status_code for _ in range(7)]

    assert with_key == [200] * 6 + [429]


def test_throttle_counters_live_in_redis_when_it_is_configured(api, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: counters live in the local-memory cache")
    import redis

    api.get(URL)
    keys = redis.Redis.from_url(settings.REDIS_URL).keys("*throttle_anon*")
    assert keys
