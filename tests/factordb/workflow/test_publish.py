"""An approver publishes an approved version; the factor's previous one is superseded with it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import FactorVersion, ReviewAssignment, ReviewDecision, WorkflowEvent
from factordb.services import review
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory, UserFactory
from tests.roles import with_roles

from .helpers import actions_of, latest_history, others, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.APPROVED]
NOW = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("status", ALLOWED)
def test_it_publishes_from(status, editor, approver):
    version = version_in(status, author=editor)
    with time_machine.travel(NOW, tick=False):
        review.factor_version_publish(version=version, actor=approver, comment="in force")
    version.refresh_from_db()
    assert (version.status, version.published_at) == (S.PUBLISHED, NOW)
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status, event.actor, event.at, event.comment) == (
        "publish", S.APPROVED, S.PUBLISHED, approver, NOW, "in force")


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_publish_from(status, editor, approver):
    version = version_in(status, author=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.factor_version_publish(version=version, actor=approver)
    assert snapshot(version) == before


def test_it_supersedes_the_previous_version_at_the_same_instant(editor, approver):
    old = SourcedPublishedVersionFactory()
    new = ApprovedVersionFactory(factor=old.factor, author=editor)
    with time_machine.travel(NOW, tick=False):
        review.factor_version_publish(version=new, actor=approver)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (S.SUPERSEDED, S.PUBLISHED)
    assert old.superseded_at == new.published_at == NOW
    assert FactorVersion.objects.filter(factor=old.factor, status=S.PUBLISHED).get() == new
    event = WorkflowEvent.objects.get(version=old)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "supersede", S.PUBLISHED, S.SUPERSEDED, approver)
    assert latest_history(old).history_change_reason.startswith("supersede")


def test_other_factors_are_left_alone(editor, approver):
    elsewhere = SourcedPublishedVersionFactory()
    review.factor_version_publish(version=ApprovedVersionFactory(author=editor), actor=approver)
    assert status_of(elsewhere) == S.PUBLISHED


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider"])
def test_only_an_approver_publishes(role, request, other_editor):
    version = version_in(S.APPROVED, author=other_editor)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.factor_version_publish(version=version, actor=request.getfixturevalue(role))
    assert snapshot(version) == before


def test_the_author_cannot_publish_their_own_version(editor):
    author = with_roles(editor, Role.APPROVER)
    version = version_in(S.APPROVED, author=author)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.factor_version_publish(version=version, actor=author)
    assert snapshot(version) == before


def test_too_few_approvals_are_refused(editor, approver):
    version = ApprovedVersionFactory(author=editor, reviewers=[UserFactory()])
    before = snapshot(version)
    with pytest.raises(InvalidTransition, match="2"):
        review.factor_version_publish(version=version, actor=approver)
    assert snapshot(version) == before


def test_a_raised_threshold_applies_at_publication(settings, editor, approver):
    version = ApprovedVersionFactory(author=editor)  # two approvals
    settings.REVIEW_REQUIRED_APPROVALS = 3
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.factor_version_publish(version=version, actor=approver)
    assert snapshot(version) == before


def test_approvals_by_the_author_or_of_an_old_round_do_not_count(editor, approver):
    version = ApprovedVersionFactory(author=editor, reviewers=[UserFactory()], review_round=2)
    ReviewAssignment.objects.create(version=version, review_round=2, reviewer=editor, assigned_by=approver,
                                    decision=ReviewDecision.APPROVED, conflict_of_interest=False)
    ReviewAssignment.objects.create(version=version, review_round=1, reviewer=UserFactory(),
                                    assigned_by=approver, decision=ReviewDecision.APPROVED,
                                    conflict_of_interest=False)
    with pytest.raises(InvalidTransition):
        review.factor_version_publish(version=version, actor=approver)
    assert status_of(version) == S.APPROVED


def test_publishing_twice_is_refused_the_second_time(editor, approver, other_approver):
    version = version_in(S.APPROVED, author=editor)
    stale = FactorVersion.objects.get(pk=version.pk)
    review.factor_version_publish(version=version, actor=approver)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.factor_version_publish(version=stale, actor=other_approver)
    assert snapshot(version) == before
    assert actions_of(version) == ["publish"]


def test_publishing_now_clears_a_schedule(editor, approver):
    version = version_in(S.APPROVED, author=editor)
    review.factor_version_schedule_publication(version=version, actor=approver,
                                               at=timezone.now() + dt.timedelta(days=3))
    review.factor_version_publish(version=version, actor=approver)
    version.refresh_from_db()
    assert version.scheduled_publication_at is None
    assert review.publish_due_versions(now=timezone.now() + dt.timedelta(days=4)) == []
