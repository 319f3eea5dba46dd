"""Guessing passwords: after SIGN_IN_FAILURE_LIMIT failed sign-ins for one user name from one
client address, that pair is locked out for SIGN_IN_COOL_OFF_MINUTES — the right password
included — on the platform's sign-in page and the admin's alike."""

import datetime as dt

import pytest
import time_machine

from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ATTACKER, COLLEAGUE = "203.0.113.66", "198.51.100.10"
SIGN_IN_PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture(autouse=True)
def _three_failures_then_fifteen_minutes(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def member():
    # Staff, so that the admin's sign-in accepts the right password too.
    user = StaffUserFactory(username="member")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, page: str, password: str, address: str = ATTACKER, username: str = "member", **extra):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, page: str, times: int = 3, **kwargs) -> list[int]:
    return [sign_in(client, page, f"wrong-{n}", **kwargs).status_code for n in range(times)]


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_the_right_password_is_refused_while_locked_out_and_works_after_the_cool_off(
        client, member, clock, page):
    fail(client, page)

    locked = sign_in(client, page, PASSWORD)

    assert locked.status_code == 429
    assert not is_signed_in(client)
    member.refresh_from_db()
    assert member.last_login is None

    clock.shift(dt.timedelta(minutes=15, seconds=1))
    assert sign_in(client, page, PASSWORD).status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_failures_below_the_limit_do_not_lock(client, member, clock, page):
    assert fail(client, page, times=2) == [200, 200]

    assert sign_in(client, page, PASSWORD).status_code == 302


def test_the_lockout_page_says_what_happened_in_chinese(client, member, clock):
    fail(client, "/accounts/login/")

    page = sign_in(client, "/accounts/login/", PASSWORD)

    text = page.content.decode()
    assert "登录失败次数过多" in text
    assert "15" in text  # the cool-off, in minutes


def test_the_lockout_page_says_what_happened_in_english(client, member, clock):
    fail(client, "/en/accounts/login/")

    page = sign_in(client, "/en/accounts/login/", PASSWORD)

    assert page.status_code == 429
    text = page.content.decode()
    assert "Too many failed sign-ins" in text
    assert "登录失败次数过多" not in text


def test_the_same_user_from_another_address_is_not_locked_out(client, member, clock):
    fail(client, "/accounts/login/")

    assert sign_in(client, "/accounts/login/", PASSWORD, address=COLLEAGUE).status_code == 302


def test_forging_forwarded_for_does_not_escape_the_lockout(client, member, clock):
    for n in range(3):
        sign_in(client, "/accounts/login/", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    forged = sign_in(client, "/accounts/login/", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert forged.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_the_one_locked_out(client, member, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    fail(client, "/accounts/login/", address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)

    attacker = sign_in(client, "/accounts/login/", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    colleague = sign_in(client, "/accounts/login/", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=COLLEAGUE)

    assert (attacker.status_code, colleague.status_code) == (429, 302)


def test_an_attempt_during_the_lockout_restarts_the_wait(client, member, clock):
    fail(client, "/accounts/login/")
    clock.shift(dt.timedelta(minutes=10))
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 429

    clock.shift(dt.timedelta(minutes=10))

    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(client, member, clock):
    fail(client, "/accounts/login/", times=2)
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
    client.logout()

    assert fail(client, "/accounts/login/", times=2) == [200, 200]


def test_a_locked_out_sign_in_changes_no_user_and_opens_no_session(client, member, clock):
    from django.contrib.sessions.models import Session

    from accounts.models import User

    def state() -> tuple:
        return list(User.objects.order_by("pk").values()), User.history.count(), Session.objects.count()

    fail(client, "/accounts/login/")
    before = state()

    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 429

    assert state() == before
