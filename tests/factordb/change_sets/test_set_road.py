"""A change set goes through review as a whole, under the rules of one version."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ReviewAssignment, ReviewComment, ReviewDecision, VersionSource, WorkflowEvent
from factordb.services import change_set_review as road
from factordb.services import change_sets, editing, review
from tests.factordb.change_sets.helpers import approve, decide, draft_by
from tests.factories import DraftVersionFactory, PublishedVersionFactory, SourceFactory
from tests.roles import with_roles

pytestmark = pytest.mark.django_db


def statuses(change_set):
    return [*sorted({v.status for v in change_set.current_versions()}), change_set.status]


def test_submitting_a_set_submits_every_row(change_set, editor):
    road.change_set_submit(change_set=change_set, actor=editor, comment="请评审")
    change_set.refresh_from_db()
    assert statuses(change_set) == [S.SUBMITTED, S.SUBMITTED]
    assert change_set.review_round == 1
    assert WorkflowEvent.objects.filter(action="submit").count() == 3


def test_assigning_a_reviewer_assigns_every_row(in_review, reviewers):
    assert statuses(in_review) == [S.IN_REVIEW, S.IN_REVIEW]
    assert ReviewAssignment.objects.filter(change_set=in_review, reviewer=reviewers[0]).count() == 3


def test_n_distinct_approvals_approve_the_set(in_review, reviewers):
    approve(in_review, reviewers[0])
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    approve(in_review, reviewers[1])
    in_review.refresh_from_db()
    assert statuses(in_review) == [S.APPROVED, S.APPROVED]


def test_a_decision_is_a_comment_with_its_verdict(in_review, reviewers):
    said = decide(in_review, reviewers[0], "changes_requested", "2023 年数值引用了错误的表")
    assert (said.verdict, said.body, said.review_round) == (
        "changes_requested",
        "2023 年数值引用了错误的表",
        1,
    )
    assert ReviewComment.objects.filter(change_set=in_review).count() == 1


def test_publication_publishes_every_row_at_one_instant(approved, approver):
    road.change_set_publish(change_set=approved, actor=approver)
    approved.refresh_from_db()
    assert statuses(approved) == [S.PUBLISHED, S.PUBLISHED]
    assert len({v.published_at for v in approved.current_versions()}) == 1


def test_publication_supersedes_each_factors_published_version(editor, approver, reviewers):
    old = PublishedVersionFactory()
    VersionSource.objects.create(
        version=DraftVersionFactory(factor=old.factor, author=editor), source=SourceFactory()
    )
    revision = old.factor.versions.get(status=S.DRAFT)
    change_set = change_sets.change_set_create(
        actor=editor, title="修订", description="新数据", versions=[revision, draft_by(editor)]
    )
    road.change_set_submit(change_set=change_set, actor=editor)
    for reviewer in reviewers[:2]:
        road.change_set_assign(change_set=change_set, reviewer=reviewer, actor=approver)
        approve(change_set, reviewer)
    road.change_set_publish(change_set=change_set, actor=approver)
    old.refresh_from_db()
    assert old.status == S.SUPERSEDED


def test_a_reviewer_who_edited_one_row_is_not_assigned_to_the_set(
    change_set, editor, approver, reviewers, drafts
):
    staff_reviewer = with_roles(reviewers[2], Role.EDITOR)
    current = drafts[1]
    editing.factor_version_update_draft(
        version=current, actor=staff_reviewer, revision=current.revision, changes={"notes_zh": "改了一处"}
    )
    road.change_set_submit(change_set=change_set, actor=editor)
    with pytest.raises(ValidationError) as refused:
        road.change_set_assign(change_set=change_set, reviewer=staff_reviewer, actor=approver)
    assert current.factor.public_id in str(refused.value)
    assert not ReviewAssignment.objects.filter(reviewer=staff_reviewer).exists()


def test_a_reviewer_who_edited_one_row_after_assignment_cannot_approve_the_set(
    in_review, reviewers, approver
):
    # However the change got in (here a plain save, as a script would), history names the writer.
    reviewer = with_roles(reviewers[0], Role.EDITOR)
    row = in_review.current_versions()[1]
    row.notes_zh = "由评审专家修改"
    row._history_user = reviewer
    row.save()
    before = ReviewAssignment.objects.filter(reviewer=reviewer, decision=ReviewDecision.PENDING).count()
    with pytest.raises(ForbiddenAction) as refused:
        approve(in_review, reviewer)
    assert row.factor.public_id in str(refused.value)
    assert (
        ReviewAssignment.objects.filter(reviewer=reviewer, decision=ReviewDecision.PENDING).count() == before
    )
    assert not ReviewComment.objects.exists()


def test_the_author_of_a_row_is_not_assigned(change_set, editor, approver):
    reviewer_editor = with_roles(editor, Role.REVIEWER)
    road.change_set_submit(change_set=change_set, actor=editor)
    with pytest.raises(ValidationError):
        road.change_set_assign(change_set=change_set, reviewer=reviewer_editor, actor=approver)


def test_the_same_reviewer_twice_counts_once(in_review, reviewers):
    approve(in_review, reviewers[0])
    with pytest.raises(InvalidTransition):
        approve(in_review, reviewers[0])
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_an_approver_who_authored_a_row_cannot_publish_the_set(approved, editor):
    both = with_roles(editor, Role.APPROVER)
    with pytest.raises(ForbiddenAction):
        road.change_set_publish(change_set=approved, actor=both)
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


def test_a_decision_on_a_round_that_has_ended_is_refused(in_review, reviewers, editor, approver):
    decide(in_review, reviewers[0], "changes_requested", "缺少来源页码")
    road.change_set_revise(change_set=in_review, actor=editor)
    road.change_set_submit(change_set=in_review, actor=editor)
    with pytest.raises(InvalidTransition) as refused:
        road.change_set_decide(
            change_set=in_review,
            actor=reviewers[1],
            verdict="approved",
            review_round=1,
            declares_no_conflict=True,
        )
    assert "第 1 轮" in str(refused.value)


def test_rows_of_a_set_do_not_move_alone(in_review, reviewers):
    row = in_review.current_versions().first()
    assignment = ReviewAssignment.objects.filter(version=row, reviewer=reviewers[0]).first()
    with pytest.raises(InvalidTransition):
        review.review_approve(assignment=assignment, actor=reviewers[0], declares_no_conflict=True)
    assignment.refresh_from_db()
    assert assignment.decision == ReviewDecision.PENDING


def test_approving_needs_the_declaration_of_no_conflict(in_review, reviewers):
    with pytest.raises(ValidationError):
        road.change_set_decide(change_set=in_review, actor=reviewers[0], verdict="approved", review_round=1)
    assert not ReviewComment.objects.exists()


def test_requesting_changes_needs_a_reason(in_review, reviewers):
    with pytest.raises(ValidationError):
        decide(in_review, reviewers[0], "changes_requested", "  ")
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_someone_not_assigned_cannot_decide(in_review, reviewers):
    with pytest.raises(ForbiddenAction):
        approve(in_review, reviewers[2])


def test_unknown_verdicts_are_refused(in_review, reviewers):
    with pytest.raises(ValidationError):
        decide(in_review, reviewers[0], "publish", "x")
