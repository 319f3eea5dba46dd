"""The second factor in tests: a user's confirmed device, its codes, and force_login that
passes it as the code page would (docs/adr/0038)."""

import datetime as dt
import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import second_factor_required, totp_device_confirmed

VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/enrol/"
RECOVERY = "/accounts/two-factor/recovery-codes/"
# The moment the flow's tests pin the clock at (tests/accounts/conftest.py, `now`).
NOON = dt.datetime(2026, 6, 1, 4, 0, 0, tzinfo=dt.UTC)

# Django's own force_login, kept before the tests' conftest wraps it: a session with the
# password step only, as the code page finds it.
password_only_login = Client.force_login


def password_only(user) -> Client:
    """A client signed in with the password step only, as the code page finds it."""
    client = Client()
    password_only_login(client, user)
    return client


def confirmed_device(user) -> TOTPDevice:
    return totp_device_confirmed(user) or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def code_at(device: TOTPDevice, when: float) -> str:
    """The code the device's app shows at that Unix time."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = when
    return str(totp.token()).zfill(device.digits)


def force_login_with_second_factor(client: Client, user, backend: str | None = None) -> None:
    """Client.force_login, then the session verified by the user's device, as django_otp.login
    keeps it, for a user who needs a second factor."""
    password_only_login(client, user, backend)
    if second_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()


def type_the_code(page, device: TOTPDevice) -> None:
    """On the code page a browser test has reached, type the device's code as a user would."""
    page.fill("#id_code", code_at(device, time.time()))
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state()
