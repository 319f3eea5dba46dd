"""One rule says who the client is, for the API's quotas and the sign-in lockout alike."""

import pytest
from django.test import RequestFactory

from factordb.client_address import client_address


def request_from(remote: str | None, forwarded: str | None = None):
    request = RequestFactory().get("/")
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_with_no_trusted_proxy_the_socket_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(("trusted", "expected"), [
    (1, "198.51.100.3"), (2, "198.51.100.2"), (3, "198.51.100.1"),
    # Fewer entries than proxies: the leftmost is the nearest the site can know.
    (4, "198.51.100.1"),
])
def test_the_address_that_many_hops_from_the_right_counts(settings, trusted, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    forwarded = "198.51.100.1, 198.51.100.2,198.51.100.3"
    assert client_address(request_from("10.0.0.2", forwarded)) == expected


def test_a_trusted_proxy_that_forwarded_nothing_leaves_the_socket_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize("forwarded", ["", " , ", "garbage", "203.0.113.7:8080", "999.1.1.1"])
def test_a_forwarded_entry_that_is_not_an_address_leaves_the_socket_address(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


def test_ipv6_addresses_are_written_one_way(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2", "2001:DB8:0:0::1")) == "2001:db8::"


@pytest.mark.parametrize("trusted", [0, 1])
def test_an_ipv6_client_is_its_64_so_rotating_addresses_in_it_buys_nothing(settings, trusted):
    settings.TRUSTED_PROXY_COUNT = trusted
    addresses = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2:abcd::7"]
    seen = {client_address(request_from(a, a) if trusted else request_from(a)) for a in addresses}
    assert seen == {"2001:db8:1:2::"}
    assert client_address(request_from("2001:db8:1:3::1")) != "2001:db8:1:2::"


def test_a_request_without_any_address_is_still_answered(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from(None)) == ""
