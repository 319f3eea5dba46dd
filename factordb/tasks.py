"""Celery tasks: thin wrappers that call services, so a worker never holds a rule of its own."""

import os

from celery import shared_task
from django_guid import get_guid

from factordb.models import FactorImport
from factordb.services import (
    change_set_review,
    factor_imports,
    health,
    notifications,
    review,
    set_notifications,
    webhook_delivery,
)


@shared_task(name="factordb.platform_health")
def platform_health() -> dict[str, bool | int | str | None]:
    # The pid tells a caller which process answered: a worker's, or its own when run eagerly;
    # the request id, under which id the task logged (that of the request that queued it).
    return {**health.platform_health(), "pid": os.getpid(), "request_id": get_guid()}


@shared_task(name="factordb.publish_due_versions")
def publish_due_versions() -> list[str]:
    # Change sets first: a set's rows are published together, never one by one.
    sets = [str(change_set) for change_set in change_set_review.publish_due_change_sets()]
    return sets + [str(version) for version in review.publish_due_versions()]


@shared_task(name="factordb.send_notification", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(event: str, version_id: int, assignment_id: int | None = None,
                      actor_id: int | None = None, comment: str = "") -> int:
    # actor_id and comment come last, with defaults: messages queued before they existed still run.
    return notifications.send(event, version_id=version_id, assignment_id=assignment_id, actor_id=actor_id,
                              comment=comment)


@shared_task(name="factordb.send_change_set_notification", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_change_set_notification(event: str, change_set_id: int, actor_id: int | None, comment: str = "",
                                 recipient_ids: list[int] | None = None) -> int:
    return set_notifications.send(event, change_set_id=change_set_id, actor_id=actor_id, comment=comment,
                                  recipient_ids=recipient_ids)


# acks_late: a worker lost mid-import gets the task again; applying writes once per confirmation.
@shared_task(name="factordb.preview_import", acks_late=True)
def preview_import(factor_import_id: int) -> str:
    factor_import = FactorImport.objects.defer("content").get(pk=factor_import_id)
    return factor_imports.import_preview(factor_import).status


@shared_task(name="factordb.apply_import", acks_late=True)
def apply_import(factor_import_id: int) -> str:
    return factor_imports.import_apply(factor_import_id).status


# acks_late: a worker lost mid-send gets the task again; the delivery's lease keeps two sends apart.
@shared_task(name="factordb.deliver_webhook", acks_late=True)
def deliver_webhook(delivery_id: int) -> str:
    return webhook_delivery.delivery_send(delivery_id)


@shared_task(name="factordb.deliver_due_webhooks")
def deliver_due_webhooks() -> int:
    return webhook_delivery.deliveries_due_send()
