"""Celery tasks: thin wrappers that call services, so a worker never holds a rule of its own."""

import os

from celery import shared_task

from factordb.services import health, notifications, review


@shared_task(name="factordb.platform_health")
def platform_health() -> dict[str, bool | int]:
    # The pid tells a caller which process answered: a worker's, or its own when run eagerly.
    return {**health.platform_health(), "pid": os.getpid()}


@shared_task(name="factordb.publish_due_versions")
def publish_due_versions() -> list[str]:
    return [str(version) for version in review.publish_due_versions()]


@shared_task(name="factordb.send_notification", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(event: str, version_id: int, assignment_id: int | None = None) -> int:
    return notifications.send(event, version_id=version_id, assignment_id=assignment_id)
