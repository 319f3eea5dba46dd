"""Celery tasks: thin wrappers that call services, so a worker never holds a rule of its own."""

import os

from celery import shared_task

from factordb.services import health


@shared_task(name="factordb.platform_health")
def platform_health() -> dict[str, bool | int]:
    # The pid tells a caller which process answered: a worker's, or its own when run eagerly.
    return {**health.platform_health(), "pid": os.getpid()}
