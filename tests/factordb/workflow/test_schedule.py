"""An approver schedules an approved version's publication; Celery beat publishes it when due."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import FactorVersion, WorkflowEvent
from factordb.services import review
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory
from tests.roles import with_roles

from .helpers import actions_of, latest_history, others, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.APPROVED]
NOW = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=30)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def schedule(version, actor, at=LATER):
    return review.factor_version_schedule_publication(version=version, actor=actor, at=at)


@pytest.mark.parametrize("status", ALLOWED)
def test_it_schedules_from(status, editor, approver):
    version = version_in(status, author=editor)
    schedule(version, approver)
    version.refresh_from_db()
    assert (version.status, version.scheduled_publication_at, version.scheduled_by) == (
        status, LATER, approver)
    record = latest_history(version)
    assert record.history_change_reason.startswith("schedule: ")
    assert record.history_user == approver


def test_scheduling_is_on_the_record_without_moving_the_status(editor, approver):
    version = version_in(S.APPROVED, author=editor)
    schedule(version, approver)
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "schedule", S.APPROVED, S.APPROVED, approver)
    assert "2025-03-31T17:30+08:00" in event.comment  # LATER, in the platform's time zone


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_schedule_from(status, editor, approver):
    version = version_in(status, author=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        schedule(version, approver)
    assert snapshot(version) == before


@pytest.mark.parametrize("at", [NOW - dt.timedelta(days=1), NOW])
def test_a_publication_date_in_the_past_is_refused(at, editor, approver):
    version = version_in(S.APPROVED, author=editor)
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        schedule(version, approver, at=at)
    assert "at" in caught.value.message_dict
    assert snapshot(version) == before


def test_a_date_without_a_time_zone_is_refused(editor, approver):
    version = version_in(S.APPROVED, author=editor)
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        schedule(version, approver, at=dt.datetime(2030, 1, 1))
    assert "at" in caught.value.message_dict
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider"])
def test_only_an_approver_schedules(role, request, other_editor):
    version = version_in(S.APPROVED, author=other_editor)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        schedule(version, request.getfixturevalue(role))
    assert snapshot(version) == before


def test_the_author_cannot_schedule_their_own_version(editor):
    author = with_roles(editor, Role.APPROVER)
    version = version_in(S.APPROVED, author=author)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        schedule(version, author)
    assert snapshot(version) == before


def test_due_versions_are_published_at_their_time_and_supersede(editor, approver):
    old = SourcedPublishedVersionFactory()
    version = ApprovedVersionFactory(factor=old.factor, author=editor)
    not_yet = ApprovedVersionFactory(author=editor)
    schedule(version, approver)
    schedule(not_yet, approver, at=LATER + dt.timedelta(days=1))
    assert review.publish_due_versions(now=LATER - dt.timedelta(seconds=1)) == []
    published = review.publish_due_versions(now=LATER)
    assert [v.pk for v in published] == [version.pk]
    version.refresh_from_db()
    old.refresh_from_db()
    assert (version.status, version.published_at, version.scheduled_publication_at) == (
        S.PUBLISHED, LATER, None)
    assert (old.status, old.superseded_at) == (S.SUPERSEDED, LATER)
    assert WorkflowEvent.objects.get(version=version, action="publish").actor == approver
    assert status_of(not_yet) == S.APPROVED


def test_publishing_due_versions_is_idempotent(editor, approver):
    version = version_in(S.APPROVED, author=editor)
    schedule(version, approver)
    review.publish_due_versions(now=LATER)
    assert review.publish_due_versions(now=LATER + dt.timedelta(hours=1)) == []
    assert actions_of(version) == ["schedule", "publish"]


def test_a_due_version_that_may_no_longer_be_published_does_not_block_the_others(settings, editor, approver):
    short = ApprovedVersionFactory(author=editor, reviewers=None)
    fine = ApprovedVersionFactory(author=editor)
    schedule(short, approver)
    schedule(fine, approver)
    short.assignments.order_by("pk").first().delete()  # one approval fewer than required now
    published = review.publish_due_versions(now=LATER)
    assert [v.pk for v in published] == [fine.pk]
    assert status_of(short) == S.APPROVED


def forge_schedule(version, scheduled_by, at=LATER) -> None:
    # As an edit past the services would: no role check, no history reason.
    FactorVersion.objects.filter(pk=version.pk).update(scheduled_publication_at=at, scheduled_by=scheduled_by)


@pytest.mark.parametrize("scheduler", ["editor", "reviewer", "outsider", None])
def test_beat_refuses_a_schedule_set_by_anyone_but_an_approver(scheduler, request, other_editor, caplog):
    version = version_in(S.APPROVED, author=other_editor)
    forge_schedule(version, scheduler and request.getfixturevalue(scheduler))
    before = snapshot(version)
    assert review.publish_due_versions(now=LATER) == []
    assert snapshot(version) == before
    assert f"version {version.pk}" in caplog.text


def test_beat_refuses_a_schedule_whose_approver_has_since_lost_the_role(editor, approver):
    version = version_in(S.APPROVED, author=editor)
    schedule(version, approver)
    approver.groups.clear()
    assert review.publish_due_versions(now=LATER) == []
    assert status_of(version) == S.APPROVED


def test_beat_refuses_a_schedule_set_by_the_versions_author(editor):
    author = with_roles(editor, Role.APPROVER)
    version = version_in(S.APPROVED, author=author)
    forge_schedule(version, author)
    assert review.publish_due_versions(now=LATER) == []
    assert status_of(version) == S.APPROVED
