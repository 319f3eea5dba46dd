"""Quotas count the client's address: the socket's, unless TRUSTED_PROXY_COUNT proxies stand
in front of the site and say in X-Forwarded-For whom they forwarded for."""

import datetime as dt

import pytest
import time_machine

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/"


@pytest.fixture(autouse=True)
def in_one_window():
    # 20 s into a minute with the clock stopped: every request falls in the same quota window.
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, 20, tzinfo=dt.UTC), tick=False):
        yield


def test_forged_forwarded_for_values_do_not_open_new_quotas(api, settings):
    settings.API_ANON_RATE = "5/min"

    codes = [api.get(URL, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
             for n in range(100)]

    assert codes == [200] * 5 + [429] * 95


def test_without_trusted_proxies_two_sockets_have_two_quotas(api, settings):
    settings.API_ANON_RATE = "1/min"

    assert api.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert api.get(URL, REMOTE_ADDR="203.0.113.8").status_code == 200
    assert api.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 429


def test_behind_one_trusted_proxy_the_rightmost_forwarded_address_counts(api, settings):
    settings.API_ANON_RATE = "2/min"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    # The proxy appends the address it saw; whatever the client put before it is forged.
    codes = [api.get(URL, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7").status_code
             for n in range(10)]
    another_client = api.get(URL, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert codes == [200, 200] + [429] * 8
    assert another_client.status_code == 200


@pytest.mark.parametrize("forwarded", [
    "", ",", " , ,", "not-an-address", "203.0.113.7, nonsense", "999.1.1.1", "[::1]:80",
    "203.0.113.7:8080", "\x00\x01", "é" * 50, "1.2.3.4, " * 500, "unknown",
])
@pytest.mark.parametrize("trusted", [0, 1, 2])
def test_a_malformed_forwarded_for_never_breaks_a_request(api, settings, forwarded, trusted):
    settings.TRUSTED_PROXY_COUNT = trusted

    response = api.get(URL, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert response.status_code == 200
