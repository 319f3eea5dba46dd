"""Two workers sending the same delivery at once (the queued task and the sweep's): one sends,
the other finds it claimed. PostgreSQL only: SQLite serialises whole-database writes."""

import pytest
from django.db import connection
from django.utils import timezone

from factordb.models import WebhookDelivery
from factordb.services import webhook_delivery
from tests.factordb.services.test_publication_lock import run_at_once
from tests.factordb.webhooks.conftest import endpoint_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks need PostgreSQL; SQLite serialises whole-database writes"),
]


def test_a_delivery_claimed_by_two_workers_at_once_is_sent_once(key, receiver):
    endpoint = endpoint_for(key[0], receiver.url)
    receiver.stall_seconds = 0.5  # the first send is still under way when the second looks
    results = []
    for round_ in range(5):
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_id=f"{round_:032x}", event_type="release.published",
            payload={"type": "release.published", "data": {}}, next_attempt_at=timezone.now())

        errors = run_at_once(*[lambda pk=delivery.pk: results.append(webhook_delivery.delivery_send(pk))] * 2)

        assert errors == []
    assert sorted(results) == ["delivered"] * 5 + ["skipped"] * 5
    assert len(receiver.received) == 5
