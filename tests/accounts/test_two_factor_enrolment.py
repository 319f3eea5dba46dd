"""Enrolling an authenticator app, and recovery codes (docs/adr/0038)."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.two_factor import ENROL, RECOVERY, VERIFY, code_at, password_only

pytestmark = pytest.mark.django_db


def test_a_staff_user_without_a_device_is_sent_to_enrol(editor):
    response = password_only(editor).get("/admin/")
    assert response["Location"] == f"{ENROL}?next=%2Fadmin%2F"


def test_the_page_shows_a_qr_code_and_the_secret_without_inline_style(editor):
    page = password_only(editor).get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert "<svg" in page
    assert two_factor.totp_secret(device) in page
    assert not re.search(r"style=|<style|<script(?! src)|data:|\son[a-z]+=", page)


def test_reloading_the_page_keeps_the_secret(editor):
    client = password_only(editor)
    client.get(ENROL)
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_a_wrong_first_code_confirms_nothing(editor, now):
    client = password_only(editor)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "12345"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


def test_the_first_code_confirms_shows_ten_recovery_codes_once_and_goes_on(editor, now):
    client = password_only(editor)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)
    response = client.post(ENROL, {"code": code_at(device, now), "next": "/admin/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    tokens = StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    assert sorted(tokens) == sorted(codes)
    assert client.get("/review/inbox/").status_code == 200  # verified by the first code
    assert client.get(ENROL)["Location"].startswith(VERIFY)  # enrolled: no second device


def test_a_user_enrols_only_their_own_device(editor, other_editor, now):
    client = password_only(editor)
    client.get(ENROL, {"user": other_editor.pk})
    client.post(ENROL, {"user": other_editor.pk, "code": "000000"})
    assert not TOTPDevice.objects.filter(user=other_editor).exists()


def test_new_recovery_codes_replace_the_old_ones(client, editor):
    client.force_login(editor)  # verified
    old = two_factor.recovery_codes_renew(user=editor)
    new = client.post(RECOVERY).context["codes"]
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert password_only(editor).post(VERIFY, {"code": old[0]}).status_code == 400


def test_an_unverified_session_makes_no_new_recovery_codes(editor):
    two_factor.totp_device_replace(user=editor, name="phone")
    old = two_factor.recovery_codes_renew(user=editor)
    response = password_only(editor).post(RECOVERY)
    assert response["Location"].startswith(VERIFY)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)


@pytest.mark.parametrize("address", ["/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"])
def test_the_admin_shows_nobody_s_devices(admin_client, address):
    # Not even a superuser's: a device is its owner's; a lost phone is two_factor_reset's.
    assert admin_client.get(address).status_code == 404
