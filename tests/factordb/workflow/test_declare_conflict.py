"""A reviewer with a conflict of interest steps aside; their assignment counts for nothing."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ReviewDecision, WorkflowEvent
from factordb.services import review

from .helpers import latest_history, others, pending_assignment, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.IN_REVIEW]


def recuse(assignment, comment="I co-authored the source"):
    return review.review_declare_conflict(assignment=assignment, actor=assignment.reviewer, comment=comment)


@pytest.mark.parametrize("status", ALLOWED)
def test_a_reviewer_recuses_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = recuse(pending_assignment(version, reviewer))
    assignment.refresh_from_db()
    assert (assignment.decision, assignment.conflict_of_interest, assignment.comment) == (
        ReviewDecision.RECUSED, True, "I co-authored the source")
    assert status_of(version) == status  # not a transition of the version
    assert not WorkflowEvent.objects.filter(version=version).exists()
    assert latest_history(assignment).history_change_reason == "recused: I co-authored the source"


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_recuse_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        recuse(assignment)
    assert snapshot(version) == before


@pytest.mark.parametrize("comment", ["", "  ", None])
def test_it_needs_a_comment(comment, editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        recuse(assignment, comment=comment)
    assert "comment" in caught.value.message_dict
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["editor", "approver", "outsider"])
def test_only_the_assigned_reviewer_recuses(role, request, other_editor, reviewer):
    version = version_in(S.IN_REVIEW, author=other_editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.review_declare_conflict(assignment=assignment, actor=request.getfixturevalue(role),
                                       comment="x")
    assert snapshot(version) == before


def test_a_recused_reviewer_cannot_then_approve(editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = recuse(pending_assignment(version, reviewer))
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.review_approve(assignment=assignment, actor=reviewer, declares_no_conflict=True)
    assert snapshot(version) == before
    assert review.approvals_in_current_round(version) == 0
