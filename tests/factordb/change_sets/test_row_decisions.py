"""A decision on one row alone takes that row out of the set, into a set of its own."""

import pytest

from factordb.constants import FactorStatus as S
from factordb.models import ChangeSet, ChangeSetRow
from factordb.services import change_set_review as road
from tests.factordb.change_sets.helpers import approve, decide

pytestmark = pytest.mark.django_db


def decide_row(change_set, version, reviewer, verdict, comment=""):
    return decide(change_set, reviewer, verdict, comment, version=version, declares_no_conflict=True)


def test_changes_requested_on_one_row_send_it_back_alone(in_review, reviewers, drafts):
    alone = decide_row(in_review, drafts[0], reviewers[0], "changes_requested", "该行单位应为 kg/t")
    in_review.refresh_from_db()
    alone.refresh_from_db()
    assert alone.split_from == in_review
    assert list(alone.current_versions()) == [drafts[0]]
    assert alone.status == S.CHANGES_REQUESTED
    assert in_review.status == S.IN_REVIEW
    assert set(in_review.current_versions()) == set(drafts[1:])
    left = ChangeSetRow.objects.get(change_set=in_review, version=drafts[0])
    assert left.left_to == alone
    assert "reviewer1" in left.left_reason


def test_the_rest_of_the_set_goes_on_to_publication(in_review, reviewers, drafts, approver):
    decide_row(in_review, drafts[0], reviewers[0], "changes_requested", "该行单位应为 kg/t")
    approve(in_review, reviewers[0])
    approve(in_review, reviewers[1])
    road.change_set_publish(change_set=in_review, actor=approver)
    assert {v.status for v in in_review.current_versions()} == {S.PUBLISHED}
    drafts[0].refresh_from_db()
    assert drafts[0].status == S.CHANGES_REQUESTED


def test_a_row_approved_alone_keeps_its_reviewers(in_review, reviewers, drafts):
    alone = decide_row(in_review, drafts[0], reviewers[0], "approved")
    approve(alone, reviewers[1])
    alone.refresh_from_db()
    assert alone.status == S.APPROVED
    assert ChangeSet.objects.get(pk=in_review.pk).status == S.IN_REVIEW


def test_when_the_split_row_was_the_only_one_missing_the_rest_is_approved(in_review, reviewers, drafts):
    # reviewer2 approves the set; reviewer1 approves row by row: the last one completes it.
    approve(in_review, reviewers[1])
    decide_row(in_review, drafts[0], reviewers[0], "approved")
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    approve(in_review, reviewers[0])
    in_review.refresh_from_db()
    assert in_review.status == S.APPROVED


def test_a_row_not_in_the_set_is_refused_and_nothing_splits(in_review, reviewers, editor):
    from django.core.exceptions import ValidationError

    from tests.factordb.change_sets.helpers import draft_by

    with pytest.raises(ValidationError):
        decide_row(in_review, draft_by(editor), reviewers[0], "approved")
    assert ChangeSet.objects.count() == 1


def test_someone_not_assigned_splits_nothing(in_review, reviewers, drafts):
    from accounts.roles import ForbiddenAction

    with pytest.raises(ForbiddenAction):
        decide_row(in_review, drafts[0], reviewers[2], "changes_requested", "x")
    assert ChangeSet.objects.count() == 1
