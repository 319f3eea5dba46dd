"""Deliveries travel through Redis to a real Celery worker; one recorded while no worker runs,
or whose task is lost, is still delivered once a worker runs (PostgreSQL and Redis runs)."""

import os
import time

import pytest
from django.conf import settings

from factordb import tasks
from factordb.celery import app
from factordb.models import DeliveryStatus, WebhookDelivery
from factordb.services import review
from tests.factordb.webhooks.conftest import documented_verify, endpoint_for
from tests.factories import ApprovedVersionFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def delivered(delivery: WebhookDelivery, seconds: float = 30) -> WebhookDelivery:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status == DeliveryStatus.DELIVERED:
            break
        time.sleep(0.1)
    return delivery


@pytest.fixture
def no_worker_yet():
    """Tasks go to Redis, on the queue the test worker will listen on, and nobody takes them yet."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: there is no broker to leave a task on")
    queue = f"factordb-test-{os.getpid()}"  # the queue of tests/celery_fixtures.py's worker
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    yield queue
    app.conf.task_always_eager, app.conf.task_default_queue = previous


def test_a_real_worker_delivers_a_publication_signed(redis_celery_worker, key, receiver, approver):
    endpoint = endpoint_for(key[0], receiver.url)

    review.factor_version_publish(version=ApprovedVersionFactory(), actor=approver)  # commits

    [received] = receiver.wait_for(1)
    assert documented_verify()(endpoint.secret, received.headers["X-Factordb-Signature"], received.body)
    delivery = delivered(WebhookDelivery.objects.get())
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


def test_a_delivery_recorded_while_no_worker_runs_is_delivered_once_one_starts(
        request, no_worker_yet, key, receiver, approver):
    endpoint_for(key[0], receiver.url)
    review.factor_version_publish(version=ApprovedVersionFactory(), actor=approver)
    time.sleep(1)
    delivery = WebhookDelivery.objects.get()
    assert (receiver.received, delivery.status, delivery.attempts) == ([], DeliveryStatus.PENDING, 0)

    request.getfixturevalue("redis_celery_worker")  # the worker (re)starts

    assert [r.delivery_id for r in receiver.wait_for(1)] == [str(delivery.uuid)]
    assert delivered(delivery).status == DeliveryStatus.DELIVERED


def test_a_delivery_whose_task_was_lost_is_sent_by_the_sweep(request, no_worker_yet, key, receiver, approver):
    endpoint_for(key[0], receiver.url)
    review.factor_version_publish(version=ApprovedVersionFactory(), actor=approver)
    with app.connection_for_write() as connection:  # the task is lost with the broker's queue
        connection.default_channel.queue_purge(no_worker_yet)
    request.getfixturevalue("redis_celery_worker")
    time.sleep(1)
    assert receiver.received == []

    assert tasks.deliver_due_webhooks.delay().get(timeout=30) == 1  # what beat runs every 30 s

    delivery = WebhookDelivery.objects.get()
    assert [r.delivery_id for r in receiver.wait_for(1)] == [str(delivery.uuid)]
    assert delivered(delivery).status == DeliveryStatus.DELIVERED
