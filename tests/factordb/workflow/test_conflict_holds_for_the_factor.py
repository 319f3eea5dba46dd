"""A declared conflict of interest holds for the factor, not for one round: the reviewer stays out of
every later round and later version of it until an approver clears it (docs/adr/0015)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus as S
from factordb.models import ConflictOfInterest, ReviewAssignment, ReviewDecision
from factordb.services import review
from tests.roles import with_roles

from .helpers import latest_history, pending_assignment, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db


def approve(assignment):
    return review.review_approve(assignment=assignment, actor=assignment.reviewer, declares_no_conflict=True)


def declare(assignment, comment="I co-authored the source"):
    return review.review_declare_conflict(assignment=assignment, actor=assignment.reviewer, comment=comment)


def refused_assignment(version, reviewer, approver) -> None:
    before = snapshot(version)
    with pytest.raises(ValidationError, match="利益冲突") as caught:
        review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert str(reviewer) in " ".join(caught.value.message_dict["reviewer"])
    assert snapshot(version) == before


@pytest.fixture
def round_two(editor, reviewers, approver):
    """reviewers[0] declared a conflict in round 1; reviewers[1] sent it back; it is submitted again."""
    version = version_in(S.SUBMITTED, author=editor)
    declare(review.review_assign(version=version, reviewer=reviewers[0], actor=approver))
    changes = review.review_assign(version=version, reviewer=reviewers[1], actor=approver)
    review.review_request_changes(assignment=changes, actor=reviewers[1], comment="unit is wrong")
    review.factor_version_revise(version=version, actor=editor)
    review.factor_version_submit(version=version, actor=editor)
    version.refresh_from_db()
    assert version.review_round == 2
    return version


def test_a_declaration_records_the_conflict_for_the_factor(editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=editor)
    assignment = declare(review.review_assign(version=version, reviewer=reviewer, actor=approver))
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.factor, conflict.reviewer, conflict.declared_in, conflict.is_cleared) == (
        version.factor, reviewer, assignment, False)
    assert latest_history(conflict).history_user == reviewer


def test_the_reviewer_who_declared_a_conflict_in_round_one_is_not_assigned_in_round_two(
        round_two, reviewers, approver):
    refused_assignment(round_two, reviewers[0], approver)


def test_their_approval_in_round_two_is_refused_and_never_counts(round_two, reviewers, approver):
    third = review.review_assign(version=round_two, reviewer=reviewers[2], actor=approver)
    round_two.refresh_from_db()
    slipped = pending_assignment(round_two, reviewers[0])  # an assignment no approver could make
    before = snapshot(round_two)
    with pytest.raises(ForbiddenAction, match="利益冲突"):
        approve(slipped)
    assert snapshot(round_two) == before
    ReviewAssignment.objects.filter(pk=slipped.pk).update(decision=ReviewDecision.APPROVED,
                                                          conflict_of_interest=False)
    approve(third)
    assert review.approvals_in_current_round(round_two) == 1
    assert status_of(round_two) == S.IN_REVIEW


def test_the_conflict_holds_for_later_versions_of_the_factor(editor, reviewer, approver):
    first = version_in(S.SUBMITTED, author=editor)
    declare(review.review_assign(version=first, reviewer=reviewer, actor=approver))
    later = version_in(S.SUBMITTED, author=editor, factor=first.factor)
    refused_assignment(later, reviewer, approver)


def test_it_does_not_reach_other_factors(editor, reviewer, approver):
    declare(review.review_assign(version=version_in(S.SUBMITTED, author=editor), reviewer=reviewer,
                                 actor=approver))
    other = version_in(S.SUBMITTED, author=editor)
    assert review.review_assign(version=other, reviewer=reviewer, actor=approver).reviewer == reviewer


def test_a_second_declaration_on_the_factor_keeps_one_open_conflict(editor, reviewer, approver):
    first = version_in(S.SUBMITTED, author=editor)
    declare(review.review_assign(version=first, reviewer=reviewer, actor=approver))
    slipped = pending_assignment(version_in(S.IN_REVIEW, author=editor, factor=first.factor), reviewer)
    declare(slipped, comment="still conflicted")
    assert ConflictOfInterest.objects.filter(reviewer=reviewer).count() == 1


def test_a_conflict_on_record_excludes_an_approval_written_before_it(editor, reviewers, approver):
    version = version_in(S.IN_REVIEW, author=editor)
    approve(pending_assignment(version, reviewers[0]))
    sibling = version_in(S.IN_REVIEW, author=editor, factor=version.factor)
    declare(pending_assignment(sibling, reviewers[0]))
    assert review.approvals_in_current_round(version) == 0


def test_a_reviewer_approver_with_a_declared_conflict_cannot_publish(editor, reviewers, approver):
    """Publishing is the last review of a version: a declared conflict keeps them out of it too."""
    both = with_roles(reviewers[0], Role.APPROVER)
    version = version_in(S.SUBMITTED, author=editor)
    declare(review.review_assign(version=version, reviewer=both, actor=approver))
    for other in reviewers[1:3]:
        approve(review.review_assign(version=version, reviewer=other, actor=approver))
    assert status_of(version) == S.APPROVED
    before = snapshot(version)
    with pytest.raises(ForbiddenAction, match="利益冲突"):
        review.factor_version_publish(version=version, actor=both)
    assert snapshot(version) == before
