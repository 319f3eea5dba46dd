"""The second factor of staff sign-in (docs/adr/0038): who needs one, where, and its devices.

The rules, in one place:
- Anyone signed in who holds a workflow role (editor, reviewer, approver, admin), or is staff or
  a superuser, needs a second factor: a TOTP code from an authenticator app, or a recovery code.
- It guards the admin, the reviewers' workspace and the approvers' dashboard (the `admin` and
  `review` URL namespaces) and the page that makes new recovery codes; signing in and out do
  not need it.
- A user enrols their own device only: nothing here takes another user than the one signed in.
- A TOTP code is accepted once (django-otp refuses a time step not after the last one used),
  a recovery code once (it is deleted when used); repeated failures are throttled
  (OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR).

The middleware (accounts/middleware.py) only asks `second_factor_redirect`; the views call the
services below.
"""

import base64
import re
from dataclasses import dataclass

from django.db import transaction
from django.urls import ResolverMatch
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role

# Namespaces only staff can open, and the pages in them that signing in and out need.
STAFF_NAMESPACES = frozenset({"admin", "review"})
OPEN_IN_STAFF_NAMESPACES = frozenset({"admin:login", "admin:logout"})
# Outside those namespaces, but making new recovery codes asks for a verified session too.
STAFF_PAGES = frozenset({"two_factor_recovery_codes"})

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")
# Codes are typed by hand: spaces (as apps show "123 456") and case do not count.
_IGNORED = re.compile(r"\s+")


@dataclass(frozen=True)
class Enrolment:
    """A device just confirmed, with the recovery codes to show once."""

    device: TOTPDevice
    recovery_codes: list[str]


def second_factor_required(user) -> bool:
    """Whether this signed-in user must pass a second factor before any staff page."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=Role.values).exists()


def is_staff_page(match: ResolverMatch) -> bool:
    """Whether the page resolved is one only staff can open."""
    name = match.view_name
    if name in OPEN_IN_STAFF_NAMESPACES:
        return False
    return bool(STAFF_NAMESPACES.intersection(match.namespaces)) or name in STAFF_PAGES


def second_factor_redirect(user, match: ResolverMatch) -> str | None:
    """The URL name of the page this request must go to first, or None to let it through."""
    if not is_staff_page(match) or user.is_verified() or not second_factor_required(user):
        return None
    return "two_factor_verify" if totp_device_confirmed(user) is not None else "two_factor_enrol"


def totp_device_confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_device_pending(user) -> TOTPDevice:
    """The user's device waiting for its first code: the same secret on every visit, so that
    reloading the page does not invalidate what the app has scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, without padding."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def _cleaned(token: str) -> str:
    return _IGNORED.sub("", token or "").lower()


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> Enrolment | None:
    """Confirm the user's pending device with its first code and make the recovery codes; None
    if the code is wrong (or there is no pending device)."""
    device = (TOTPDevice.objects.devices_for_user(user, confirmed=False)
              .select_for_update().first())
    if device is None or not TOTP_CODE.fullmatch(_cleaned(token)) or not device.verify_token(_cleaned(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return Enrolment(device=device, recovery_codes=recovery_codes_renew(user=user))


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes for the user; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_throttled(user) -> bool:
    """Whether the user's devices refuse every code for now after repeated failures."""
    devices = [totp_device_confirmed(user), StaticDevice.objects.devices_for_user(user).first()]
    return any(device is not None and not device.verify_is_allowed()[0] for device in devices)


@transaction.atomic
def second_factor_verify(*, user, token: str):
    """The user's confirmed device that accepts the code (six digits: the app's; anything else:
    a recovery code, used up by this), or None. Locks the device, as django-otp's verify_token
    does, so that the same code sent twice at once passes only once."""
    code = _cleaned(token)
    model = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    device = model.objects.devices_for_user(user, confirmed=True).select_for_update().first()
    if device is None or not code or not device.verify_token(code):
        return None
    return device


@transaction.atomic
def second_factor_reset(*, user) -> int:
    """Remove every device of the user (a lost phone): their next sign-in enrols a new one.
    Returns how many devices were removed."""
    devices = [TOTPDevice.objects.filter(user=user), StaticDevice.objects.filter(user=user)]
    removed = sum(queryset.count() for queryset in devices)
    for queryset in devices:
        queryset.delete()
    return removed


@transaction.atomic
def totp_device_replace(*, user, name: str) -> TOTPDevice:
    """A new confirmed device in place of the user's devices (the demo users')."""
    second_factor_reset(user=user)
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def totp_code_now(device: TOTPDevice) -> str:
    """A code the device accepts now: the current time step's, or the next one's if the current
    one was used already (django-otp takes one step of tolerance either way)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    counter = max(totp.t(), device.last_t + 1)
    return str(hotp(device.bin_key, counter, digits=device.digits)).zfill(device.digits)
