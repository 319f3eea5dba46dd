"""Guessing API keys: after API_KEY_FAILURE_LIMIT refused keys from one address within
API_KEY_FAILURE_WINDOW seconds, that address's key attempts answer 429 until the window
ends — even with a valid key, or the one key accepted among refusals would tell the guesser
it found one."""

import datetime as dt

import pytest
import time_machine

from accounts.models import ApiKey
from accounts.services import api_key_issue

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/"
GUESSER, CALCULATOR = "203.0.113.66", "198.51.100.10"


@pytest.fixture
def clock():
    # 100 s into a 10-minute window, with the clock stopped.
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 31, 40, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _three_failures_per_ten_minutes(settings):
    settings.API_KEY_FAILURE_LIMIT = 3
    settings.API_KEY_FAILURE_WINDOW = 600


@pytest.fixture
def valid_key(staff) -> str:
    _, plain = api_key_issue(name="LCA Tool", organisation="Example Co.", contact_email="it@example.org",
                             tier="standard", actor=staff, reason="contract signed")
    return plain


def present(api, key: str, address: str = GUESSER):
    return api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {key}", REMOTE_ADDR=address)


def guess(api, n: int, address: str = GUESSER) -> list[int]:
    return [present(api, f"cfk_{n:08x}_wrong{i}", address).status_code for i in range(n)]


def test_after_the_limit_of_refused_keys_an_address_is_answered_429(api, clock):
    assert guess(api, 5) == [401, 401, 401, 429, 429]


def test_the_429_has_retry_after_and_the_api_error_shape(api, clock):
    guess(api, 3)

    api.credentials(HTTP_ACCEPT_LANGUAGE="en")  # the message read below is the English one
    response = present(api, "cfk_00000000_again")

    assert response.status_code == 429
    assert response["Retry-After"] == "500"  # the rest of the 10-minute window
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert set(error) == {"code", "message", "details"}
    assert error["message"].startswith("Too many refused API keys from this address.")


def test_a_valid_key_from_a_guessing_address_is_refused_too(api, clock, valid_key):
    guess(api, 3)

    assert present(api, valid_key).status_code == 429


def test_another_address_with_a_valid_key_is_not_affected(api, clock, valid_key):
    guess(api, 3)

    assert present(api, valid_key, CALCULATOR).status_code == 200


def test_the_address_may_try_again_when_the_window_ends(api, clock, valid_key):
    guess(api, 3)
    clock.shift(dt.timedelta(seconds=500))

    assert present(api, valid_key).status_code == 200


def test_malformed_unknown_and_revoked_keys_all_count_as_failures(api, clock, valid_key, staff):
    from accounts.services import api_key_revoke

    api_key_revoke(key=ApiKey.objects.get(), actor=staff, reason="contract ended")

    codes = [present(api, presented).status_code for presented in ("garbage", "cfk_nothing_here", valid_key)]

    assert codes == [401, 401, 401]
    assert present(api, "cfk_00000000_more").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_the_one_counted(api, clock, settings, valid_key):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for i in range(3):
        api.get(URL, HTTP_AUTHORIZATION=f"Api-Key cfk_{i:08x}_wrong",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, {GUESSER}", **proxy)

    honest = api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {valid_key}", HTTP_X_FORWARDED_FOR=CALCULATOR, **proxy)
    guesser = api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {valid_key}", HTTP_X_FORWARDED_FOR=GUESSER, **proxy)

    assert (honest.status_code, guesser.status_code) == (200, 429)


def test_a_refused_key_changes_nothing_in_the_database(api, clock, valid_key):
    before = list(ApiKey.objects.values())

    guess(api, 5)

    assert list(ApiKey.objects.values()) == before


def test_the_failures_are_counted_in_redis_when_it_is_configured(api, clock, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: counters live in the local-memory cache")
    import redis

    guess(api, 1)

    keys = redis.Redis.from_url(settings.REDIS_URL).keys(f"*{settings.THROTTLE_NAMESPACE}api_key_failures:*")
    assert keys
