"""Webhooks: calculators register endpoints; publications, withdrawals and releases are told
to the endpoints that follow them (docs/webhooks.md, docs/adr/0027).

The rules:
- A receiver's address is https, resolves to public addresses only, and answers a signed
  `ping` with a 2xx before it is registered. Loopback over plain http is allowed only where
  WEBHOOK_ALLOW_LOOPBACK is on (development, tests). The address is checked again at every
  send: a name may come to resolve elsewhere after registration.
- An endpoint follows the factors whose category and region are among (or below) those it
  chose, and whose dataset is among its datasets; a dimension left empty follows all.
  Releases go to every endpoint: a release is an edition of the whole database.
- The deliveries (one per endpoint per event) are written in the transaction of the step
  they tell of — an outbox: a step that commits has its deliveries, one rolled back has
  none — and queued for sending once it commits (factordb/services/webhook_delivery.py).
  Disabled or removed endpoints get no new deliveries; the change feed covers the gap.

Messages here are read by calculators through the API: Chinese msgids with English entries, in
the client's language like every API error.
"""

import ipaddress
import secrets
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from factordb.constants import FactorStatus
from factordb.models import (
    Category,
    Dataset,
    DeliveryStatus,
    FactorVersion,
    Region,
    Release,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

# One calculator's endpoints: enough for staging and production of a few products.
MAX_ENDPOINTS_PER_KEY = 10


# --- The receiver's address ----------------------------------------------------------------


def _refuse(message: str) -> ValidationError:
    return ValidationError({"url": [message]})


def _resolved(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise _refuse(_("无法解析主机 %(host)s。") % {"host": repr(host)}) from exc
    addresses = []
    for *_info, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        # An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 one.
        mapped = getattr(address, "ipv4_mapped", None)
        addresses.append(mapped or address)
    return addresses


def receiver_url_check(url: str) -> None:
    """Refuse an address the server must not send to (ValidationError on `url`)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refuse(_("不是有效的 URL。")) from exc
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _refuse(_("URL 须为 https:// 地址。"))
    if parts.username or parts.password:
        raise _refuse(_("URL 不得携带凭据；发送方由签名认证。"))
    addresses = _resolved(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    loopback_allowed = settings.WEBHOOK_ALLOW_LOOPBACK and all(a.is_loopback for a in addresses)
    if parts.scheme != "https" and not loopback_allowed:
        raise _refuse(_("URL 须为 https:// 地址。"))
    if not loopback_allowed and not all(a.is_global for a in addresses):
        raise _refuse(_("URL 指向私有、回环或其他非公开地址。"))


# --- Registration (the key holder, through the API) ------------------------------------------


@dataclass(frozen=True)
class EndpointFilter:
    categories: Sequence[Category] = ()
    regions: Sequence[Region] = ()
    datasets: Sequence[Dataset] = ()


def webhook_endpoint_register(*, api_key, url: str, follows: EndpointFilter) -> tuple[WebhookEndpoint, str]:
    """Check the address, ping it with a fresh secret, and only then save the endpoint.

    Returns the endpoint and its signing secret, which is shown to the key holder this once."""
    if own_endpoints(api_key).count() >= MAX_ENDPOINTS_PER_KEY:
        raise ValidationError({"url": [
            _("一个密钥至多可登记 %(max)d 个端点。") % {"max": MAX_ENDPOINTS_PER_KEY}]})
    receiver_url_check(url)
    secret = secrets.token_hex(32)
    from factordb.services.webhook_delivery import ping

    ping(url=url, secret=secret)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(api_key=api_key, url=url, secret=secret)
        endpoint.categories.set(follows.categories)
        endpoint.regions.set(follows.regions)
        endpoint.datasets.set(follows.datasets)
    return endpoint, secret


def own_endpoints(api_key):
    """The key's endpoints that are not removed (disabled ones included: their owner sees why)."""
    return (WebhookEndpoint.objects.filter(api_key=api_key, removed_at__isnull=True)
            .prefetch_related("categories", "regions", "datasets").order_by("pk"))


@transaction.atomic
def webhook_endpoint_remove(*, endpoint: WebhookEndpoint) -> None:
    """The key holder's removal: nothing more is sent; the delivery log stays for staff."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.removed_at = timezone.now()
    endpoint.save(update_fields=["removed_at"])


# --- Staff (the admin) -------------------------------------------------------------------------


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> WebhookEndpoint:
    """Stop sending to the endpoint and tell its key's contact why (after commit)."""
    endpoint = WebhookEndpoint.objects.select_for_update().select_related("api_key").get(pk=endpoint.pk)
    if endpoint.disabled_at is not None:
        return endpoint
    endpoint.disabled_at, endpoint.disabled_reason = timezone.now(), reason
    endpoint.save(update_fields=["disabled_at", "disabled_reason"])
    contact, url = endpoint.api_key.contact_email, endpoint.url
    transaction.on_commit(lambda: _tell_disabled(contact, url, reason), robust=True)
    return endpoint


def _tell_disabled(contact: str, url: str, reason: str) -> None:
    send_mail(
        subject="Webhook endpoint disabled — national carbon footprint factor database",
        message=(f"We stopped sending webhooks to {url}.\n\nReason: {reason}\n\n"
                 "Deliveries still owed are sent once platform staff enable the endpoint again; "
                 "events in between are in the change feed, /api/v1/changes/."),
        from_email=None, recipient_list=[contact],
    )


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send again: the deliveries still pending go out at the next sweep."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.disabled_at, endpoint.disabled_reason = None, ""
    endpoint.consecutive_failures, endpoint.failing_since = 0, None
    endpoint.save(update_fields=["disabled_at", "disabled_reason", "consecutive_failures", "failing_since"])
    owed = WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING)
    owed.update(next_attempt_at=timezone.now())
    return endpoint


# --- The outbox: called inside the publishing step's transaction ---------------------------


@dataclass(frozen=True)
class _Follows:
    endpoint_id: int
    category_paths: tuple[str, ...]
    region_paths: tuple[str, ...]
    dataset_ids: frozenset[int]

    def matches(self, version: FactorVersion) -> bool:
        factor = version.factor
        return ((not self.category_paths or factor.category.path.startswith(self.category_paths))
                and (not self.region_paths or factor.region.path.startswith(self.region_paths))
                and (not self.dataset_ids or factor.dataset_id in self.dataset_ids))


def _active_endpoints() -> list[_Follows]:
    endpoints = (WebhookEndpoint.objects.filter(removed_at__isnull=True, disabled_at__isnull=True)
                 .prefetch_related("categories", "regions", "datasets"))
    return [_Follows(e.pk, tuple(c.path for c in e.categories.all()), tuple(r.path for r in e.regions.all()),
                     frozenset(d.pk for d in e.datasets.all())) for e in endpoints]


def _api_url(name: str, key: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[key])


def _event(kind: WebhookEvent, data: dict) -> dict:
    return {"id": str(uuid.uuid4()), "type": kind.value, "created_at": timezone.now().isoformat(),
            "data": data}


def _factor_data(version: FactorVersion) -> dict:
    factor = version.factor
    withdrawn = version.status == FactorStatus.WITHDRAWN
    return {
        "public_id": factor.public_id, "version": version.version, "status": version.status,
        "category": factor.category.code, "region": factor.region.code, "dataset": factor.dataset.code,
        "year": factor.year,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "withdrawn_at": version.superseded_at.isoformat() if withdrawn else None,
        "url": _api_url("api:factor-detail", factor.public_id),
    }


def _record(events: list[tuple[dict, list[int]]]) -> int:
    """Write the deliveries of `events` (each with the endpoints it goes to); queue them after commit."""
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint_id=endpoint_id, event_id=event["id"], event_type=event["type"],
                        payload=event, next_attempt_at=now)
        for event, endpoint_ids in events for endpoint_id in endpoint_ids)
    if deliveries:
        from factordb.services.webhook_delivery import deliveries_queue

        pks = [delivery.pk for delivery in deliveries]
        # robust: the step has committed; a broker that is down must not turn it into an
        # error. The sweep sends what was not queued.
        transaction.on_commit(lambda: deliveries_queue(pks), robust=True)
    return len(deliveries)


def webhooks_record_factor_event(versions: Iterable[FactorVersion], kind: WebhookEvent) -> int:
    """Record `kind` of each (saved) version for the endpoints that follow it; the number recorded."""
    endpoints = _active_endpoints()
    if not endpoints:
        return 0
    rows = (FactorVersion.objects.filter(pk__in=[v.pk for v in versions])
            .select_related("factor__category", "factor__region", "factor__dataset").order_by("pk"))
    return _record([(_event(kind, _factor_data(version)), [e.endpoint_id for e in endpoints
                                                           if e.matches(version)]) for version in rows])


def webhooks_record_release(release: Release) -> int:
    endpoints = _active_endpoints()
    if not endpoints:
        return 0
    data = {"name": release.name, "published_at": release.published_at.isoformat(),
            "checksum_sha256": release.checksum_sha256, "url": _api_url("api:release-detail", release.name)}
    return _record([(_event(WebhookEvent.RELEASE_PUBLISHED, data), [e.endpoint_id for e in endpoints])])
