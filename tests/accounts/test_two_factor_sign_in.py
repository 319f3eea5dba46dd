"""The second factor of staff (docs/adr/0038), through the pages, with real codes computed from
the device's key at a pinned time.

A session that passed the password only is made with Django's own force_login (the tests'
force_login also passes the second factor: tests/conftest.py)."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from tests.roles import user_with_roles
from tests.two_factor import NOON, VERIFY, code_at, confirmed_device, password_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_device(reviewer) -> TOTPDevice:
    return confirmed_device(reviewer)


def verified(client: Client) -> bool:
    return client.get("/review/").status_code == 200


@pytest.mark.parametrize("page", ["/admin/", "/review/", "/review/dashboard/", "/review/inbox/",
                                  "/en/review/change-sets/", "/accounts/two-factor/recovery-codes/"])
def test_every_staff_surface_waits_for_the_code(approver, page):
    confirmed_device(approver)
    response = password_only(approver).get(page)
    assert response.status_code == 302
    assert response["Location"].removeprefix("/en").startswith(f"{VERIFY}?next=")


def test_the_right_code_verifies_and_goes_to_the_page_asked_for(reviewer, reviewer_device, now):
    client = password_only(reviewer)
    response = client.post(VERIFY, {"code": code_at(reviewer_device, now), "next": "/review/inbox/"})
    assert response["Location"] == "/review/inbox/"
    assert verified(client)


def test_a_wrong_code_answers_the_form_again_and_verifies_nothing(reviewer, reviewer_device, now):
    client = password_only(reviewer)
    wrong = f"{(int(code_at(reviewer_device, now)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong, "next": "/review/"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert not verified(client)


def test_a_code_used_once_is_refused_the_second_time(reviewer, reviewer_device, now):
    code = code_at(reviewer_device, now)
    assert password_only(reviewer).post(VERIFY, {"code": code})["Location"]
    replay = password_only(reviewer)
    assert replay.post(VERIFY, {"code": code}).status_code == 400
    assert not verified(replay)


def test_repeated_failures_refuse_even_the_right_code_for_a_while(reviewer, reviewer_device, now,
                                                                 time_machine):
    client = password_only(reviewer)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": code_at(reviewer_device, now)})
    assert "错误次数过多" in response.content.decode()
    assert not verified(client)
    time_machine.shift(dt.timedelta(seconds=5))  # 1 × 2² seconds after the third failure
    assert client.post(VERIFY, {"code": code_at(reviewer_device, now + 5)}).status_code == 302
    assert verified(client)


def test_a_recovery_code_works_once(reviewer, reviewer_device):
    device = StaticDevice.objects.create(user=reviewer, name="recovery codes")
    StaticToken.objects.create(device=device, token="abcd2345")
    first = password_only(reviewer)
    assert first.post(VERIFY, {"code": "ABCD 2345"}).status_code == 302
    assert verified(first)
    second = password_only(reviewer)
    assert second.post(VERIFY, {"code": "abcd2345"}).status_code == 400
    assert not verified(second)


def test_a_next_page_on_another_site_is_not_followed(reviewer, reviewer_device, now):
    response = password_only(reviewer).post(VERIFY, {"code": code_at(reviewer_device, now),
                                                     "next": "https://evil.example/"})
    assert response["Location"] == "/review/"


def test_someone_else_s_device_verifies_nobody(reviewer, approver, now):
    others = confirmed_device(approver)
    confirmed_device(reviewer)
    client = password_only(reviewer)
    assert client.post(VERIFY, {"code": code_at(others, now)}).status_code == 400
    assert not verified(client)


def test_a_user_holding_two_roles_passes_once_for_the_admin_and_the_workspace(now):
    user = user_with_roles("both", Role.EDITOR, Role.REVIEWER)
    user.is_staff = True
    user.save()
    device = confirmed_device(user)
    client = password_only(user)
    client.post(VERIFY, {"code": code_at(device, now)})
    assert client.get("/admin/").status_code == 200
    assert verified(client)


def test_signing_out_needs_no_second_factor(reviewer, reviewer_device):
    client = password_only(reviewer)
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/review/")["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_is_not_asked(outsider):
    client = password_only(outsider)
    assert client.get(VERIFY).status_code == 403
    assert client.get("/").status_code == 200


def test_an_unverified_session_never_sees_its_work_in_the_header(reviewer, reviewer_device):
    page = password_only(reviewer).get(VERIFY).content.decode()
    assert 'data-testid="inbox-link"' not in page


def test_an_expired_session_is_sent_to_sign_in_and_no_decision_is_recorded(client, reviewer, now,
                                                                          time_machine):
    from tests.permission_matrix import BUILDERS, Scene, database_snapshot

    client.force_login(reviewer)
    call = BUILDERS["review:assignment:approve"](Scene(client=client, actor=reviewer, setup=client))
    time_machine.shift(dt.timedelta(weeks=3))  # past SESSION_COOKIE_AGE
    before = database_snapshot()
    response = call.send(client)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={call.url}")
    assert database_snapshot() == before
    assert not Session.objects.filter(expire_date__gt=NOON + dt.timedelta(weeks=3)).exists()
