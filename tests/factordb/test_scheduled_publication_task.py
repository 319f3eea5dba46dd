"""Celery beat publishes what is due, through the same service as everything else."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from factordb.constants import FactorStatus
from factordb.services import review
from factordb.tasks import publish_due_versions
from tests.factories import ApprovedVersionFactory

pytestmark = pytest.mark.django_db


def test_beat_runs_the_publication_task_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-due-versions"]
    assert entry["task"] == publish_due_versions.name
    assert entry["schedule"] == 60


def test_the_task_publishes_a_version_once_its_time_has_come(eager_celery, editor, approver):
    version = ApprovedVersionFactory(author=editor)
    at = timezone.now() + dt.timedelta(days=1)
    review.factor_version_schedule_publication(version=version, actor=approver, at=at)

    assert publish_due_versions.delay().get() == []
    with time_machine.travel(at + dt.timedelta(minutes=1)):
        assert len(publish_due_versions.delay().get()) == 1
        assert publish_due_versions.delay().get() == []

    version.refresh_from_db()
    assert version.status == FactorStatus.PUBLISHED
