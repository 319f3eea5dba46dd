"""One reviewer's change request sends the version back to its editor."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ReviewAssignment, ReviewDecision, WorkflowEvent
from factordb.services import review

from .helpers import others, pending_assignment, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.IN_REVIEW]


def request_changes(assignment, comment="the NCV is from 2005"):
    return review.review_request_changes(assignment=assignment, actor=assignment.reviewer, comment=comment)


@pytest.mark.parametrize("status", ALLOWED)
def test_it_sends_the_version_back_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = request_changes(pending_assignment(version, reviewer))
    assert status_of(version) == S.CHANGES_REQUESTED
    assert (assignment.decision, assignment.comment) == (
        ReviewDecision.CHANGES_REQUESTED, "the NCV is from 2005")
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
        "request_changes", S.IN_REVIEW, S.CHANGES_REQUESTED, reviewer, "the NCV is from 2005")


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_request_changes_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        request_changes(assignment)
    assert snapshot(version) == before


def test_one_change_request_is_enough_even_after_an_approval(editor, reviewers):
    version = version_in(S.IN_REVIEW, author=editor, reviewers=reviewers)
    a, b, c = ReviewAssignment.objects.filter(version=version).order_by("pk")
    review.review_approve(assignment=a, actor=a.reviewer, declares_no_conflict=True)
    request_changes(b)
    assert status_of(version) == S.CHANGES_REQUESTED
    c.refresh_from_db()
    assert c.decision == ReviewDecision.CLOSED  # the round is over: nothing left to decide


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_it_needs_a_comment(comment, editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        request_changes(assignment, comment=comment)
    assert "comment" in caught.value.message_dict
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["editor", "approver", "outsider"])
def test_only_the_assigned_reviewer_requests_changes(role, request, other_editor, reviewer):
    version = version_in(S.IN_REVIEW, author=other_editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.review_request_changes(assignment=assignment, actor=request.getfixturevalue(role),
                                      comment="no")
    assert snapshot(version) == before


def test_a_second_decision_is_refused(editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = request_changes(pending_assignment(version, reviewer))
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        request_changes(assignment)
    assert snapshot(version) == before
