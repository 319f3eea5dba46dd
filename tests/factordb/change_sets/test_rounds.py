"""After a resubmission the previous round's reviewers are asked again; whoever's assignment
ends because another requested changes is told so, with the reason."""

import pytest
from django.core import mail

from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ReviewAssignment, ReviewDecision
from factordb.services import change_set_review as road
from tests.factordb.change_sets.helpers import approve, decide

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def sent_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def test_a_request_for_changes_closes_the_others_assignments_with_the_reason(in_review, reviewers):
    decide(in_review, reviewers[0], "changes_requested", "广东 2023 年数值与公告表 3 不符")
    closed = ReviewAssignment.objects.filter(change_set=in_review, reviewer=reviewers[1])
    assert {a.decision for a in closed} == {ReviewDecision.CLOSED}
    assert all("广东 2023 年数值与公告表 3 不符" in a.comment and "reviewer1" in a.comment for a in closed)


def test_the_reviewer_whose_round_ended_is_told_why(in_review, reviewers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(in_review, reviewers[0], "changes_requested", "缺少来源页码")
    [told] = sent_to(reviewers[1])
    assert "缺少来源页码" in told.body
    assert "reviewer1" in told.body


def test_resubmission_asks_the_previous_reviewers_again(in_review, reviewers, editor):
    decide(in_review, reviewers[0], "changes_requested", "缺少来源页码")
    road.change_set_revise(change_set=in_review, actor=editor)
    road.change_set_submit(change_set=in_review, actor=editor, comment="已补页码")
    in_review.refresh_from_db()
    assert (in_review.review_round, in_review.status) == (2, S.IN_REVIEW)
    assert [r.username for r in road.reviewers_of_round(in_review)] == ["reviewer1", "reviewer2"]
    assert (
        ReviewAssignment.objects.filter(
            change_set=in_review, change_set_round=2, decision=ReviewDecision.PENDING
        ).count()
        == 6
    )


def test_a_reviewer_who_recused_is_not_asked_again(in_review, reviewers, editor):
    in_review.refresh_from_db()
    road.change_set_declare_conflict(
        change_set=in_review, actor=reviewers[1], comment="曾为该企业提供咨询", review_round=1
    )
    decide(in_review, reviewers[0], "changes_requested", "缺少来源页码")
    road.change_set_revise(change_set=in_review, actor=editor)
    road.change_set_submit(change_set=in_review, actor=editor)
    in_review.refresh_from_db()
    assert [r.username for r in road.reviewers_of_round(in_review)] == ["reviewer1"]


def test_the_approver_may_change_the_reviewers_of_a_round(in_review, reviewers, approver):
    road.change_set_unassign(change_set=in_review, reviewer=reviewers[1], actor=approver, reason="工作量调整")
    road.change_set_assign(change_set=in_review, reviewer=reviewers[2], actor=approver)
    approve(in_review, reviewers[0])
    approve(in_review, reviewers[2])
    in_review.refresh_from_db()
    assert in_review.status == S.APPROVED


def test_a_released_reviewer_cannot_decide(in_review, reviewers, approver):
    road.change_set_unassign(change_set=in_review, reviewer=reviewers[1], actor=approver, reason="工作量调整")
    with pytest.raises(InvalidTransition, match="已作出结论"):
        approve(in_review, reviewers[1])


def test_an_approval_of_round_one_does_not_count_in_round_two(in_review, reviewers, editor, approver):
    approve(in_review, reviewers[0])
    decide(in_review, reviewers[1], "changes_requested", "需补充")
    road.change_set_revise(change_set=in_review, actor=editor)
    road.change_set_submit(change_set=in_review, actor=editor)
    approve(in_review, reviewers[1])
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW  # reviewer1 must approve again
