"""Sending: a real receiver on 127.0.0.1 gets signed POSTs after commit; failures are retried with
exponential backoff under the same delivery id; sustained failure disables the endpoint and
tells its owner; staff replay a failed delivery. Celery runs the tasks in-process here
(tests/factordb/webhooks/test_worker.py runs them on a real worker)."""

import datetime as dt
import json

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factordb import tasks
from factordb.models import DeliveryStatus, WebhookDelivery
from factordb.services import review, webhook_delivery, webhooks
from tests.factordb.webhooks.conftest import documented_verify, endpoint_for
from tests.factories import ApprovedVersionFactory, StaffUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def endpoint(key, receiver):
    return endpoint_for(key[0], receiver.url)


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """A block whose writes count as committed: what waits for the commit runs at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def publish(approver, committing):
    """Publish a new version and commit."""
    def publish_one():
        with committing():
            return review.factor_version_publish(version=ApprovedVersionFactory(), actor=approver)
    return publish_one


@pytest.fixture
def sweep(committing):
    """Celery beat's sweep, once: how many deliveries it sent."""
    def sweep_once() -> int:
        with committing():
            return tasks.deliver_due_webhooks.delay().get()
    return sweep_once


@pytest.fixture
def staff(committing):
    """A platform administrator's admin client, whose requests commit."""
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))
    post = client.post

    def post_and_commit(*args, **kwargs):
        with committing():
            return post(*args, **kwargs)
    client.post = post_and_commit
    return client


def notices_to(endpoint) -> list:
    """What was mailed to the endpoint's key's contact (the publications mail others too)."""
    return [message for message in mail.outbox if message.to == [endpoint.api_key.contact_email]]


def later(**elapsed) -> time_machine.travel:
    return time_machine.travel(timezone.now() + dt.timedelta(**elapsed), tick=True)


def test_a_publication_is_posted_signed_once_it_commits(endpoint, receiver, publish):
    version = publish()

    [received] = receiver.received
    delivery = WebhookDelivery.objects.get()
    assert documented_verify()(endpoint.secret, received.headers["X-Factordb-Signature"], received.body)
    assert received.headers["X-Factordb-Delivery"] == str(delivery.uuid)
    assert received.headers["X-Factordb-Event"] == "factor.published"
    assert received.headers["Content-Type"] == "application/json"
    body = json.loads(received.body)
    assert (body["type"], body["data"]["public_id"]) == ("factor.published", version.factor.public_id)
    assert body == delivery.payload
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED, 1, 200)


def test_nothing_is_sent_before_the_commit(endpoint, receiver, approver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        review.factor_version_publish(version=ApprovedVersionFactory(), actor=approver)

    assert receiver.received == []
    assert len(waiting) >= 1


def test_a_signature_too_old_or_tampered_with_is_refused_by_the_documented_check(endpoint, receiver, publish):
    publish()
    [received] = receiver.received
    verify = documented_verify()
    header = received.headers["X-Factordb-Signature"]

    assert verify(endpoint.secret, header, received.body)
    assert not verify(endpoint.secret, header, received.body.replace(b"published", b"withdrawn"))
    with later(minutes=6):
        assert not verify(endpoint.secret, header, received.body)


def test_a_failed_attempt_is_tried_again_later_and_later_under_the_same_id(
        endpoint, receiver, publish, sweep):
    receiver.status = 500
    publish()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "answered 500")
    assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(seconds=60)

    assert sweep() == 0  # not due yet
    with later(seconds=61):
        assert sweep() == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(seconds=120)

    receiver.status = 204
    with later(seconds=61):
        assert sweep() == 0  # backed off: still waiting
    with later(seconds=182):
        assert sweep() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 204)
    assert {r.delivery_id for r in receiver.received} == {str(delivery.uuid)}
    assert len(receiver.received) == 3


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(endpoint, receiver, publish, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.stall_seconds = 1

    publish()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error.startswith("no answer")


def test_an_address_no_longer_allowed_is_not_posted_to(endpoint, receiver, publish, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False  # as if its name now resolved to a loopback address

    publish()

    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    # Recorded for staff, in the project's language (the worker serves no client).
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "pending", 1, "URL 须为 https:// 地址。")


def test_a_delivery_sent_is_never_sent_again_by_a_redelivered_task(endpoint, receiver, publish, sweep):
    publish()
    delivery = WebhookDelivery.objects.get()

    assert tasks.deliver_webhook.delay(delivery.pk).get() == "skipped"
    with later(hours=1):
        assert sweep() == 0

    assert len(receiver.received) == 1


def test_the_sweep_leaves_a_delivery_in_flight_alone_until_its_lease_ends(
        endpoint, receiver, approver, sweep):
    # Not committed: recorded, never queued.
    review.factor_version_publish(version=ApprovedVersionFactory(), actor=approver)
    delivery = WebhookDelivery.objects.get()
    # A worker claimed it and died before sending.
    assert webhook_delivery._claim(delivery.pk) is not None

    assert sweep() == 0
    assert tasks.deliver_webhook.delay(delivery.pk).get() == "skipped"
    with later(minutes=2):
        assert sweep() == 1

    assert [r.delivery_id for r in receiver.received] == [str(delivery.uuid)]
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_after_the_last_attempt_it_has_failed_and_staff_replay_it(endpoint, receiver, publish, sweep, staff,
                                                                 settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.status = 503
    publish()
    with later(minutes=2):
        sweep()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    with later(days=2):
        assert sweep() == 0  # failed: no more attempts

    receiver.status = 200
    page = staff.get(reverse("admin:factordb_webhookdelivery_change", args=[delivery.pk]))
    assert "重发" in page.content.decode()
    response = staff.post(reverse("admin:factordb_webhookdelivery_replay", args=[delivery.pk]))

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert delivery.replayed_by == response.wsgi_request.user
    assert {r.delivery_id for r in receiver.received} == {str(delivery.uuid)}
    assert len(receiver.received) == 3


def test_only_a_failed_delivery_is_replayed(endpoint, receiver, publish, staff):
    publish()
    delivery = WebhookDelivery.objects.get()

    staff.post(reverse("admin:factordb_webhookdelivery_replay", args=[delivery.pk]))

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.replayed_at is None


def test_sustained_failure_disables_the_endpoint_and_tells_its_owner(
        endpoint, receiver, publish, sweep, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 3600
    receiver.status = 500
    publish()
    publish()
    publish()  # three failures in a row, within seconds: not yet sustained
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.disabled_at) == (3, None)
    assert notices_to(endpoint) == []

    with later(hours=2):
        sweep()  # three more failures, the first two hours ago

        endpoint.refresh_from_db()
        assert endpoint.disabled_at is not None
        assert "failed attempts in a row" in endpoint.disabled_reason
        [notice] = notices_to(endpoint)
        assert endpoint.url in notice.body
        sent = len(receiver.received)
        publish()  # a disabled endpoint gets nothing new, and its pending deliveries wait
        assert sweep() == 0
        assert len(receiver.received) == sent
        assert WebhookDelivery.objects.count() == 3


def test_a_success_resets_the_count_of_failures(endpoint, receiver, publish, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 0
    receiver.status = 500
    publish()
    receiver.status = 200
    publish()
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since) == (0, None)

    receiver.status = 500
    publish()

    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.disabled_at) == (1, None)


def test_staff_enable_a_disabled_endpoint_and_what_it_was_owed_is_sent(
        endpoint, receiver, publish, sweep, staff, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 0
    receiver.status = 500
    publish()
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None
    receiver.status = 200
    assert "已停用" in staff.get(reverse("admin:factordb_webhookendpoint_changelist")).content.decode()

    staff.post(reverse("admin:factordb_webhookendpoint_enable", args=[endpoint.pk]))
    sweep()

    endpoint.refresh_from_db()
    assert (endpoint.disabled_at, endpoint.consecutive_failures) == (None, 0)
    assert WebhookDelivery.objects.get().status == "delivered"


def test_staff_disable_an_endpoint_with_a_reason_its_owner_reads(endpoint, publish, staff):

    staff.post(reverse("admin:factordb_webhookendpoint_disable", args=[endpoint.pk]), {"reason": "合同到期"})

    endpoint.refresh_from_db()
    assert endpoint.disabled_reason == "合同到期"
    [notice] = notices_to(endpoint)
    assert "合同到期" in notice.body
    publish()
    assert not WebhookDelivery.objects.exists()


def test_a_delivery_of_a_removed_endpoint_is_not_replayed(endpoint, receiver, publish, staff, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.status = 500
    publish()
    delivery = WebhookDelivery.objects.get()
    webhooks.webhook_endpoint_remove(endpoint=endpoint)

    staff.post(reverse("admin:factordb_webhookdelivery_replay", args=[delivery.pk]))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.replayed_at) == ("failed", None)
    assert len(receiver.received) == 1
