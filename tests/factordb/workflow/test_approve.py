"""A reviewer approves; the version is approved once enough distinct reviewers have."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ReviewAssignment, ReviewDecision, WorkflowEvent
from factordb.services import review
from tests.roles import with_roles

from .helpers import actions_of, others, pending_assignment, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.IN_REVIEW]


def approve(assignment, comment=""):
    return review.review_approve(assignment=assignment, actor=assignment.reviewer,
                                 declares_no_conflict=True, comment=comment)


@pytest.mark.parametrize("status", ALLOWED)
def test_an_approval_is_recorded_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = approve(pending_assignment(version, reviewer), comment="  sources check out ")
    assignment.refresh_from_db()
    assert (assignment.decision, assignment.conflict_of_interest, assignment.comment) == (
        ReviewDecision.APPROVED, False, "sources check out")
    assert assignment.decided_at is not None
    assert status_of(version) == S.IN_REVIEW  # one of two


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_approve_from(status, editor, reviewer):
    version = version_in(status, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        approve(assignment)
    assert snapshot(version) == before


def test_two_approvals_approve_the_version(editor, reviewers):
    version = version_in(S.IN_REVIEW, author=editor, reviewers=reviewers[:2])
    first, second = ReviewAssignment.objects.filter(version=version).order_by("pk")
    approve(first)
    assert status_of(version) == S.IN_REVIEW
    approve(second)
    assert status_of(version) == S.APPROVED
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "approve", S.IN_REVIEW, S.APPROVED, reviewers[1])


def test_the_number_of_approvals_is_a_setting(settings, editor, reviewers):
    settings.REVIEW_REQUIRED_APPROVALS = 3
    version = version_in(S.IN_REVIEW, author=editor, reviewers=reviewers)
    assignments = list(ReviewAssignment.objects.filter(version=version).order_by("pk"))
    approve(assignments[0])
    approve(assignments[1])
    assert status_of(version) == S.IN_REVIEW
    approve(assignments[2])
    assert status_of(version) == S.APPROVED


def test_a_recused_reviewer_does_not_count(editor, reviewers, fourth_reviewer):
    version = version_in(S.IN_REVIEW, author=editor, reviewers=[*reviewers, fourth_reviewer])
    a, b, c, _d = ReviewAssignment.objects.filter(version=version).order_by("pk")
    review.review_declare_conflict(assignment=a, actor=a.reviewer, comment="co-author of the source")
    approve(b)
    assert status_of(version) == S.IN_REVIEW
    with pytest.raises(InvalidTransition):
        approve(a)
    assert status_of(version) == S.IN_REVIEW
    approve(c)
    assert status_of(version) == S.APPROVED


def test_an_approval_needs_a_declaration_of_no_conflict(editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        review.review_approve(assignment=assignment, actor=reviewer, declares_no_conflict=False)
    assert "declares_no_conflict" in caught.value.message_dict
    assert snapshot(version) == before


def test_the_author_cannot_approve_their_own_version(editor, reviewer):
    author = with_roles(editor, Role.REVIEWER)
    version = version_in(S.IN_REVIEW, author=author)
    assignment = pending_assignment(version, author)  # slipped past assignment somehow
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        approve(assignment)
    assert snapshot(version) == before


def test_an_authors_approval_never_counts(editor, reviewers):
    # Even an approval written behind the services' back is not counted towards the two.
    version = version_in(S.IN_REVIEW, author=editor)
    ReviewAssignment.objects.create(version=version, review_round=1, reviewer=editor, assigned_by=editor,
                                    decision=ReviewDecision.APPROVED, conflict_of_interest=False)
    approve(pending_assignment(version, reviewers[0]))
    assert status_of(version) == S.IN_REVIEW
    assert review.approvals_in_current_round(version) == 1


def test_another_reviewer_cannot_decide_someone_elses_assignment(editor, reviewers):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = pending_assignment(version, reviewers[0])
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.review_approve(assignment=assignment, actor=reviewers[1], declares_no_conflict=True)
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["editor", "approver", "outsider"])
def test_only_a_reviewer_approves(role, request, other_editor, reviewer):
    version = version_in(S.IN_REVIEW, author=other_editor)
    assignment = pending_assignment(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.review_approve(assignment=assignment, actor=request.getfixturevalue(role),
                              declares_no_conflict=True)
    assert snapshot(version) == before


def test_a_second_decision_on_the_same_assignment_is_refused(editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    assignment = pending_assignment(version, reviewer)
    approve(assignment)
    before = snapshot(version)
    with pytest.raises(InvalidTransition, match="已有结论"):
        approve(assignment)
    with pytest.raises(InvalidTransition, match="已有结论"):
        review.review_reject(assignment=assignment, actor=reviewer, comment="changed my mind")
    assert snapshot(version) == before


def test_an_unknown_assignment_is_refused(editor, reviewer):
    version = version_in(S.IN_REVIEW, author=editor)
    ghost = ReviewAssignment(pk=987654, version=version, reviewer=reviewer, review_round=1)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        approve(ghost)
    assert snapshot(version) == before


def test_approvals_of_an_earlier_round_do_not_count(editor, reviewers, approver):
    version = version_in(S.IN_REVIEW, author=editor, reviewers=reviewers)
    a, b, c = ReviewAssignment.objects.filter(version=version).order_by("pk")
    approve(a)
    review.review_request_changes(assignment=b, actor=b.reviewer, comment="unit is wrong")
    review.factor_version_revise(version=version, actor=editor)
    review.factor_version_submit(version=version, actor=editor)
    version.refresh_from_db()
    assert review.approvals_in_current_round(version) == 0
    # An open assignment of the old round can no longer be decided either.
    with pytest.raises(InvalidTransition):
        approve(c)
    new = review.review_assign(version=version, reviewer=reviewers[2], actor=approver)
    approve(new)
    assert status_of(version) == S.IN_REVIEW
    approve(review.review_assign(version=version, reviewer=reviewers[0], actor=approver))
    assert status_of(version) == S.APPROVED
    assert actions_of(version)[-1] == "approve"
