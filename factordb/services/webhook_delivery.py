"""Sending webhook deliveries: signed, retried with exponential backoff, never lost.

The rules:
- Every POST is signed: `X-Factordb-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
  f"{t}.{body}" under the endpoint's secret>`; `X-Factordb-Delivery` is the delivery's id,
  the same on every attempt and replay, for the receiver to drop duplicates.
- A delivery is sent by whoever claims it first: the task queued after the step committed,
  or the sweep (Celery beat) that sends what is due and not in flight. Claiming leases it
  for a while (a worker that dies mid-send lets it go when the lease ends), so two workers
  never send it at once, and a delivered one is never sent again by them.
- A 2xx answer delivers it. Anything else (another status, no answer, an address now refused)
  is a failed attempt: it is tried again after WEBHOOK_RETRY_BASE_SECONDS, doubled each time,
  until WEBHOOK_MAX_ATTEMPTS; then it has failed, and staff may replay it.
- An endpoint whose attempts failed WEBHOOK_DISABLE_AFTER_FAILURES times in a row, over at
  least WEBHOOK_DISABLE_AFTER_SECONDS, is disabled and its key's contact told.
"""

import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from factordb.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from factordb.services import webhooks

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Factordb-Signature"
DELIVERY_HEADER = "X-Factordb-Delivery"
EVENT_HEADER = "X-Factordb-Event"
SWEEP_BATCH = 500
# Longer than a send can take (connect and read timeouts), so a live send keeps its claim.
LEASE_MARGIN = timedelta(seconds=30)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class SendFailed(Exception):
    """An attempt that did not deliver: no answer, a refused address, or a status not 2xx."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


def _post(url: str, secret: str, payload: dict, delivery_id: str) -> int:
    """POST the signed payload; its status if 2xx, else SendFailed."""
    body = body_of(payload)
    headers = {"Content-Type": "application/json", "User-Agent": "factordb-webhooks/1",
               SIGNATURE_HEADER: signature(secret, int(time.time()), body),
               DELIVERY_HEADER: delivery_id, EVENT_HEADER: payload["type"]}
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        # No redirects: a redirect could lead anywhere, a private address included.
        response = requests.post(url, data=body, headers=headers, timeout=(timeout, timeout),
                                 allow_redirects=False)
    except requests.RequestException as exc:
        raise SendFailed(f"no answer: {exc.__class__.__name__}") from exc
    if not 200 <= response.status_code < 300:
        raise SendFailed(f"answered {response.status_code}", response.status_code)
    return response.status_code


def ping(*, url: str, secret: str) -> None:
    """The registration's proof that the receiver answers and holds the secret's first copy."""
    event = {"id": str(uuid.uuid4()), "type": "ping", "created_at": timezone.now().isoformat(),
             "data": {"url": url}}
    try:
        _post(url, secret, event, str(uuid.uuid4()))
    except SendFailed as exc:
        raise ValidationError({"url": [_ping_failure(exc)]}) from exc


def _ping_failure(failure: SendFailed) -> str:
    if failure.status_code is not None:
        return _("该 URL 对签名的 ping 没有以 2xx 应答（应答了 %(status)d）。") % {
            "status": failure.status_code}
    return _("该 URL 对签名的 ping 没有以 2xx 应答（无应答：%(error)s）。") % {
        "error": failure.__cause__.__class__.__name__}


# --- Queueing and claiming -------------------------------------------------------------------


def deliveries_queue(pks: list[int]) -> None:
    from factordb.tasks import deliver_webhook

    for pk in pks:
        deliver_webhook.delay(pk)


def _due(now: datetime) -> Q:
    return (Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
              endpoint__removed_at__isnull=True, endpoint__disabled_at__isnull=True)
            & (Q(leased_until__isnull=True) | Q(leased_until__lt=now)))


@transaction.atomic
def _claim(pk: int) -> WebhookDelivery | None:
    now = timezone.now()
    # skip_locked: another worker claiming it now has it; this one has nothing to do.
    delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("endpoint").filter(_due(now), pk=pk).first())
    if delivery is not None:
        delivery.leased_until = now + timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS) + LEASE_MARGIN
        delivery.save(update_fields=["leased_until"])
    return delivery


def delivery_send(pk: int) -> str:
    """Send one delivery if it is due and nobody else is sending it; its status after."""
    delivery = _claim(pk)
    if delivery is None:
        return "skipped"
    endpoint = delivery.endpoint
    try:
        webhooks.receiver_url_check(endpoint.url)
        status_code = _post(endpoint.url, endpoint.secret, delivery.payload, str(delivery.uuid))
    except ValidationError as exc:
        return _failed(delivery, SendFailed("; ".join(exc.message_dict.get("url", exc.messages))))
    except SendFailed as exc:
        return _failed(delivery, exc)
    return _delivered(delivery, status_code)


def deliveries_due_send() -> int:
    """The sweep: queue every delivery that is due and not in flight (retries, lost tasks)."""
    pks = list(WebhookDelivery.objects.filter(_due(timezone.now())).order_by("next_attempt_at")
               .values_list("pk", flat=True)[:SWEEP_BATCH])
    deliveries_queue(pks)
    return len(pks)


# --- Outcomes --------------------------------------------------------------------------------


def _locked_endpoint(delivery: WebhookDelivery) -> WebhookEndpoint:
    return WebhookEndpoint.objects.select_for_update().select_related("api_key").get(pk=delivery.endpoint_id)


@transaction.atomic
def _delivered(delivery: WebhookDelivery, status_code: int) -> str:
    now = timezone.now()
    endpoint = _locked_endpoint(delivery)
    endpoint.consecutive_failures, endpoint.failing_since = 0, None
    endpoint.save(update_fields=["consecutive_failures", "failing_since"])
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED, attempts=delivery.attempts + 1, last_attempt_at=now,
        last_status_code=status_code, last_error="", delivered_at=now, leased_until=None)
    return DeliveryStatus.DELIVERED


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


@transaction.atomic
def _failed(delivery: WebhookDelivery, failure: SendFailed) -> str:
    now = timezone.now()
    attempts = delivery.attempts + 1
    status = DeliveryStatus.FAILED if attempts >= settings.WEBHOOK_MAX_ATTEMPTS else DeliveryStatus.PENDING
    endpoint = _locked_endpoint(delivery)
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    endpoint.save(update_fields=["consecutive_failures", "failing_since"])
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status, attempts=attempts, last_attempt_at=now, last_status_code=failure.status_code,
        last_error=str(failure)[:2000], next_attempt_at=now + backoff(attempts), leased_until=None)
    logger.info("webhook delivery %s to endpoint %s failed (%s), attempt %d",
                delivery.uuid, endpoint.pk, failure, attempts)
    if _sustained(endpoint, now):
        webhooks.webhook_endpoint_disable(endpoint=endpoint, reason=(
            f"{endpoint.consecutive_failures} failed attempts in a row since "
            f"{endpoint.failing_since.isoformat(timespec='seconds')}; the last: {failure}"))
    return status


def _sustained(endpoint: WebhookEndpoint, now: datetime) -> bool:
    return (endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES
            and now - endpoint.failing_since >= timedelta(seconds=settings.WEBHOOK_DISABLE_AFTER_SECONDS))


# --- Staff: replay -----------------------------------------------------------------------------


class NotReplayable(ValidationError):
    pass


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a failed delivery again, under the same delivery id, with a fresh round of attempts."""
    delivery = WebhookDelivery.objects.select_for_update(of=("self",)).select_related("endpoint").get(
        pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise NotReplayable(_("只能重发失败的投递。"))
    if delivery.endpoint.removed_at is not None:
        raise NotReplayable(_("端点已被其密钥持有人删除，不再发送。"))
    now = timezone.now()
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, now
    delivery.leased_until, delivery.replayed_at, delivery.replayed_by = None, now, actor
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "leased_until", "replayed_at",
                                 "replayed_by"])
    pk = delivery.pk
    transaction.on_commit(lambda: deliveries_queue([pk]), robust=True)
    return delivery
