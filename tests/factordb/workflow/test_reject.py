"""One reviewer's rejection rejects the version for good."""

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


def reject(assignment, comment="not a national factor"):
    return review.review_reject(assignment=assignment, actor=assignment.reviewer, comment=comment)


@pytest.mark.parametrize("status", ALLOWED)
def test_it_rejects_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = reject(pending_assignment(version, reviewer))
    assert status_of(version) == S.REJECTED
    assert (assignment.decision, assignment.comment) == (ReviewDecision.REJECTED, "not a national factor")
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
        "reject", S.IN_REVIEW, S.REJECTED, reviewer, "not a national factor")


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_reject_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        reject(assignment)
    assert snapshot(version) == before


def test_one_rejection_is_enough_even_after_an_approval(editor, reviewers):
    version = version_in(S.IN_REVIEW, author=editor, reviewers=reviewers)
    a, b, c = ReviewAssignment.objects.filter(version=version).order_by("pk")
    review.review_approve(assignment=a, actor=a.reviewer, declares_no_conflict=True)
    reject(b)
    assert status_of(version) == S.REJECTED
    c.refresh_from_db()
    assert c.decision == ReviewDecision.CLOSED
    with pytest.raises(InvalidTransition):
        review.review_approve(assignment=c, actor=c.reviewer, declares_no_conflict=True)


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_it_needs_a_comment(comment, editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        reject(assignment, comment=comment)
    assert "comment" in caught.value.message_dict
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["editor", "approver", "outsider"])
def test_only_the_assigned_reviewer_rejects(role, request, other_editor, reviewer):
    version = version_in(S.IN_REVIEW, author=other_editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.review_reject(assignment=assignment, actor=request.getfixturevalue(role), comment="no")
    assert snapshot(version) == before


def test_a_rejected_version_cannot_be_revised(editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    reject(pending_assignment(version, reviewer))
    with pytest.raises(InvalidTransition):
        review.factor_version_revise(version=version, actor=editor)
