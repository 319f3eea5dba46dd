"""An approver assigns expert reviewers to a submitted version."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ReviewAssignment, ReviewDecision, WorkflowEvent
from factordb.services import review
from tests.roles import with_roles

from .helpers import actions_of, others, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.SUBMITTED, S.IN_REVIEW]


@pytest.mark.parametrize("status", ALLOWED)
def test_it_assigns_from(status, editor, reviewer, approver):
    version = version_in(status, author=editor)
    assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert status_of(version) == S.IN_REVIEW
    assert (assignment.reviewer, assignment.assigned_by, assignment.decision, assignment.review_round) == (
        reviewer, approver, ReviewDecision.PENDING, 1)
    assert assignment.history.get().history_change_reason == "assigned"


def test_the_first_assignment_starts_the_review(editor, reviewers, approver):
    version = version_in(S.SUBMITTED, author=editor)
    review.review_assign(version=version, reviewer=reviewers[0], actor=approver)
    review.review_assign(version=version, reviewer=reviewers[1], actor=approver)
    assert actions_of(version) == ["start_review"]
    event = WorkflowEvent.objects.get(version=version)
    assert (event.from_status, event.to_status, event.actor) == (S.SUBMITTED, S.IN_REVIEW, approver)
    assert str(reviewers[0]) in event.comment


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_assign_from(status, editor, reviewer, approver):
    version = version_in(status, author=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider"])
def test_only_an_approver_assigns(role, request, other_editor, reviewers):
    version = version_in(S.SUBMITTED, author=other_editor)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.review_assign(version=version, reviewer=reviewers[1], actor=request.getfixturevalue(role))
    assert snapshot(version) == before


def _refused(version, reviewer, approver, match):
    before = snapshot(version)
    with pytest.raises(ValidationError, match=match) as caught:
        review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert "reviewer" in caught.value.message_dict
    assert snapshot(version) == before


def test_a_reviewer_who_is_the_author_is_refused(editor, approver):
    version = version_in(S.SUBMITTED, author=with_roles(editor, Role.REVIEWER))
    _refused(version, editor, approver, "作者")


def test_someone_who_is_not_a_reviewer_is_refused(editor, outsider, approver):
    _refused(version_in(S.SUBMITTED, author=editor), outsider, approver, "不是评审专家")


def test_an_inactive_reviewer_is_refused(editor, reviewer, approver):
    reviewer.is_active = False
    reviewer.save()
    _refused(version_in(S.SUBMITTED, author=editor), reviewer, approver, "不是评审专家")


def test_the_same_reviewer_is_assigned_once_per_round(editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=editor)
    review.review_assign(version=version, reviewer=reviewer, actor=approver)
    _refused(version, reviewer, approver, "已被指派")
    assert ReviewAssignment.objects.filter(version=version).count() == 1


def test_a_reviewer_of_an_earlier_round_may_be_assigned_again(editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=editor, review_round=2)
    ReviewAssignment.objects.create(version=version, review_round=1, reviewer=reviewer, assigned_by=approver,
                                    decision=ReviewDecision.CHANGES_REQUESTED)
    assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert assignment.review_round == 2
