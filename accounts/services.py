"""Issuing, revoking and checking calculators' API keys."""

import hashlib
import hmac
import math
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiKey
from accounts.roles import ForbiddenAction

KEY_PREFIX = "cfk"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiKeyRefused(Exception):
    """A key that is malformed, unknown or revoked; the message says which."""


class ApiKeyGuessing(Exception):
    """Too many refused keys from one address: no key from it is looked at for a while."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(_("此地址被拒绝的 API 密钥过多。"))
        self.retry_after = retry_after


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


ISSUE_PERMISSION = "accounts.add_apikey"
REVOKE_PERMISSION = "accounts.revoke_apikey"


def _may(actor, permission: str) -> bool:
    # Keys are managed by platform staff: a grant to an outside account is a mistake, not a right.
    return bool(actor and actor.is_active and actor.is_staff and actor.has_perm(permission))


def api_key_may_issue(actor) -> bool:
    return _may(actor, ISSUE_PERMISSION)


def api_key_may_revoke(*, actor, key: ApiKey | None) -> bool:
    """Whether `actor` may revoke this key (None: some key). Today the permission covers every
    key; callers ask about the key at hand all the same, so a rule on the key itself has one
    place to go."""
    return _may(actor, REVOKE_PERMISSION)


@transaction.atomic
def api_key_issue(
    *, name: str, organisation: str, contact_email: str, tier: str, actor, reason: str,
) -> tuple[ApiKey, str]:
    """A new key and its plain text, which is shown once and never stored."""
    if not api_key_may_issue(actor):
        raise ForbiddenAction(_("签发 API 密钥需要相应权限。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("签发须说明原因。")})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(name=name, organisation=organisation, contact_email=contact_email, tier=tier,
                 prefix=prefix, secret_hash=_digest(secret), created_by=actor)
    key.full_clean()
    key._change_reason = f"issued: {reason.strip()}"
    key.save()
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor, reason: str) -> ApiKey:
    if not api_key_may_revoke(actor=actor, key=key):
        raise ForbiddenAction(_("吊销 API 密钥需要相应权限。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("吊销须说明原因。")})
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ValidationError({"reason": _("此密钥已于 %(at)s 吊销。") % {"at": key.revoked_at}})
    key.revoked_at, key.revoked_by, key.revoke_reason = timezone.now(), actor, reason.strip()
    key._change_reason = f"revoked: {reason.strip()}"
    key.save()
    return key


def api_key_authenticate(raw: str, *, address: str) -> ApiKey:
    """The active key for a presented key text, or ApiKeyRefused saying why not.

    Every refusal counts against the presenting `address`; past API_KEY_FAILURE_LIMIT in one
    window of API_KEY_FAILURE_WINDOW seconds, that address is answered ApiKeyGuessing for the
    rest of the window without its key being looked at, valid or not: were a valid key let
    through, the one acceptance among the refusals would tell a guesser it found a key."""
    window = _FailureWindow(address)
    if window.is_exhausted():
        raise ApiKeyGuessing(window.seconds_left())
    try:
        return _active_key(raw)
    except ApiKeyRefused:
        window.count_failure()
        raise


def _active_key(raw: str) -> ApiKey:
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise ApiKeyRefused(_("API 密钥格式有误。"))
    key = ApiKey.objects.filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(parts[2])):
        raise ApiKeyRefused(_("未知的 API 密钥。"))
    if key.revoked_at is not None:
        raise ApiKeyRefused(_("此 API 密钥已被吊销。"))
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


class _FailureWindow:
    """The refused keys of one address in the current fixed window, counted in the cache
    (Redis in production, so every web process shares the count) under the throttles'
    namespace. The window's number is in the key: a new window starts from zero."""

    def __init__(self, address: str) -> None:
        self.length = settings.API_KEY_FAILURE_WINDOW
        self.now = time.time()
        number = int(self.now // self.length)
        self.ends = (number + 1) * self.length
        self.key = f"{settings.THROTTLE_NAMESPACE}api_key_failures:{address}:{number}"

    def is_exhausted(self) -> bool:
        return (cache.get(self.key) or 0) >= settings.API_KEY_FAILURE_LIMIT

    def count_failure(self) -> None:
        # add, then an atomic increment: two processes failing at once both count.
        if cache.add(self.key, 1, timeout=self.length + 1):
            return
        try:
            cache.incr(self.key)
        except ValueError:  # expired between the two calls: this failure opens it again
            cache.add(self.key, 1, timeout=self.length + 1)

    def seconds_left(self) -> int:
        return max(1, math.ceil(self.ends - self.now))
