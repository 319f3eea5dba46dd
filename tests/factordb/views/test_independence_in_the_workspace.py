"""In the reviewer's workspace, a reviewer no longer independent of the version decides nothing."""

import pytest
from django.urls import reverse

from factordb.models import ConflictOfInterest, ReviewAssignment, VersionSource
from factordb.services import review

from .helpers import messages_of, snapshot

pytestmark = pytest.mark.django_db


def approve(client, assignment):
    return client.post(reverse("review:assignment", args=[assignment.pk]),
                       {"action": "approve", "approve-declares_no_conflict": "on"})


def test_a_reviewer_who_edited_the_version_after_being_assigned_cannot_approve(reviewer_client, assignment,
                                                                              reviewer):
    cited = VersionSource.objects.filter(version=assignment.version).first()
    cited.locator = "Table 9"
    cited._history_user = reviewer
    cited.save()
    before = snapshot()
    response = approve(reviewer_client, assignment)
    assert response.status_code == 403
    assert any("修改过此版本的内容" in m for m in messages_of(response))
    assert snapshot() == before


def test_a_reviewer_with_an_uncleared_conflict_in_the_factor_cannot_approve(reviewer_client, assignment,
                                                                           reviewer, approver):
    # Declared on another version of the factor, while this assignment was open.
    other = ReviewAssignment.objects.create(version=assignment.version, review_round=0, reviewer=reviewer,
                                            assigned_by=approver)
    ConflictOfInterest.objects.create(factor=assignment.version.factor, reviewer=reviewer, declared_in=other,
                                      declared_at=other.assigned_at)
    before = snapshot()
    response = approve(reviewer_client, assignment)
    assert response.status_code == 403
    assert any("利益冲突" in m for m in messages_of(response))
    assert snapshot() == before


def test_once_an_approver_cleared_it_they_may(reviewer_client, assignment, reviewer, approver):
    other = ReviewAssignment.objects.create(version=assignment.version, review_round=0, reviewer=reviewer,
                                            assigned_by=approver)
    ConflictOfInterest.objects.create(factor=assignment.version.factor, reviewer=reviewer, declared_in=other,
                                      declared_at=other.assigned_at)
    review.review_clear_conflict(factor=assignment.version.factor, reviewer=reviewer, actor=approver,
                                 reason="the link ended in 2020")
    assert approve(reviewer_client, assignment).status_code == 302
