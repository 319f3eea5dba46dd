"""Notifications travel through Redis to a real Celery worker, which sends the mail."""

import time

import pytest
from django.core import mail

from factordb.models import VersionSource
from factordb.services import review
from tests.factories import DraftVersionFactory, SourceFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for_mail(count: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_real_worker_sends_the_assignment_mail(redis_celery_worker, editor, approver, reviewer):
    draft = DraftVersionFactory(author=editor)
    VersionSource.objects.create(version=draft, source=SourceFactory())
    review.factor_version_submit(version=draft, actor=editor)  # committed: tells the approver
    review.review_assign(version=draft, reviewer=reviewer, actor=approver)  # tells the reviewer

    wait_for_mail(2)

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [approver.email, reviewer.email])
