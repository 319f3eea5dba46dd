"""Two people acting on one set at the same instant, on PostgreSQL: one wins, the other is told.

PostgreSQL only: SQLite serialises whole-database writes, so the race cannot happen there.
"""

import pytest
from django.db import connection

from accounts.roles import Role
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ReviewComment, WorkflowEvent
from factordb.services import change_set_review as road
from factordb.services.change_set_review import content_fingerprint
from tests.factordb.services.test_publication_lock import run_at_once
from tests.roles import user_with_roles

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks need PostgreSQL; SQLite serialises whole-database writes"),
]


def test_two_approvers_publishing_one_set_at_once_publish_it_once(approved, approver):
    second = user_with_roles("approver2", Role.APPROVER)
    fingerprint = content_fingerprint(list(approved.current_versions()))
    errors = run_at_once(
        lambda: road.change_set_publish(change_set=approved, actor=approver, fingerprint=fingerprint),
        lambda: road.change_set_publish(change_set=approved, actor=second, fingerprint=fingerprint),
    )
    assert len(errors) == 1
    assert isinstance(errors[0], InvalidTransition)
    assert "已发布" in str(errors[0])
    approved.refresh_from_db()
    assert approved.status == S.PUBLISHED
    assert WorkflowEvent.objects.filter(action="publish").count() == 3  # one per row, once


def test_two_reviewers_deciding_at_once_leave_one_consistent_outcome(in_review, reviewers):
    # One approves while the other requests changes: whichever commits second sees the set as
    # the first left it, so the set is never approved with a pending request for changes.
    errors = run_at_once(
        lambda: road.change_set_decide(change_set=in_review, actor=reviewers[0], verdict="approved",
                                       review_round=1, declares_no_conflict=True),
        lambda: road.change_set_decide(change_set=in_review, actor=reviewers[1], verdict="changes_requested",
                                       review_round=1, comment="第 2 行来源页码有误"),
    )
    in_review.refresh_from_db()
    verdicts = set(ReviewComment.objects.values_list("verdict", flat=True))
    assert in_review.status == S.CHANGES_REQUESTED
    if errors:  # the approval came second and found the round closed
        assert verdicts == {"changes_requested"}
    else:
        assert verdicts == {"approved", "changes_requested"}
    assert {v.status for v in in_review.current_versions()} == {S.CHANGES_REQUESTED}
