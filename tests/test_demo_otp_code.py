"""`manage.py demo_otp_code`: a demo user's code for the README's walk, and nobody else's."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import two_factor
from tests.two_factor import confirmed_device

pytestmark = pytest.mark.django_db


def code_of(username: str) -> str:
    out = io.StringIO()
    call_command("demo_otp_code", username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def demo_users(settings):
    settings.DEBUG = True
    call_command("ensure_demo_admin", stdout=io.StringIO())


def test_it_prints_a_code_the_device_accepts_and_then_the_next_one(demo_users, django_user_model):
    user = django_user_model.objects.get(username="demo-editor")
    first = code_of("demo-editor")
    assert two_factor.second_factor_verify(user=user, token=first) is not None
    # The same code again would be a replay: it prints the one the device takes next.
    assert two_factor.second_factor_verify(user=user, token=code_of("demo-editor")) is not None


def test_it_refuses_with_debug_off(demo_users, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        code_of("demo-editor")


def test_it_refuses_a_user_whose_device_it_did_not_make(demo_users, editor):
    confirmed_device(editor)
    with pytest.raises(CommandError, match="no demo user"):
        code_of("editor")


def test_a_run_of_ensure_demo_admin_gives_each_a_new_device(demo_users, django_user_model):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    keys = set(TOTPDevice.objects.values_list("key", flat=True))
    call_command("ensure_demo_admin", stdout=io.StringIO())
    assert TOTPDevice.objects.count() == 5
    assert keys.isdisjoint(TOTPDevice.objects.values_list("key", flat=True))


def test_two_factor_reset_removes_a_user_s_devices(editor):
    confirmed_device(editor)
    two_factor.recovery_codes_renew(user=editor)
    out = io.StringIO()
    call_command("two_factor_reset", "editor", stdout=out)
    assert "Removed 2 device(s)" in out.getvalue()
    assert two_factor.totp_device_confirmed(editor) is None
