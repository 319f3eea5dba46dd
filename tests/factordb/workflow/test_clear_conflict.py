"""An approver clears a declared conflict of interest, with a reason on record; then the reviewer may
be assigned to the factor again."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction, Role
from factordb import selectors
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ConflictOfInterest
from factordb.services import review
from tests.roles import with_roles

from .helpers import latest_history, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db


def declare(version, reviewer, approver):
    assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
    return review.review_declare_conflict(assignment=assignment, actor=reviewer, comment="my own study")


def clear(version, reviewer, actor, reason="the study was retracted in 2021; no link remains"):
    return review.review_clear_conflict(factor=version.factor, reviewer=reviewer, actor=actor, reason=reason)


@pytest.fixture
def conflicted(editor, reviewer, approver):
    """A version in review whose first reviewer declared a conflict of interest."""
    version = version_in(S.SUBMITTED, author=editor)
    declare(version, reviewer, approver)
    version.refresh_from_db()
    return version


def test_an_approver_clears_a_conflict_with_a_reason(conflicted, reviewer, other_approver):
    conflict = clear(conflicted, reviewer, other_approver, reason="  retracted study  ")
    conflict.refresh_from_db()
    assert (conflict.cleared_by, conflict.clearance_reason, conflict.is_cleared) == (
        other_approver, "retracted study", True)
    assert conflict.cleared_at is not None
    record = latest_history(conflict)
    assert (record.history_user, record.history_change_reason) == (other_approver, "cleared: retracted study")


def test_after_clearing_the_reviewer_may_be_assigned_and_counts(conflicted, reviewers, approver,
                                                               other_approver):
    clear(conflicted, reviewers[0], other_approver)
    later = version_in(S.SUBMITTED, author=conflicted.author, factor=conflicted.factor)
    for reviewer in reviewers[:2]:
        assignment = review.review_assign(version=later, reviewer=reviewer, actor=approver)
        review.review_approve(assignment=assignment, actor=reviewer, declares_no_conflict=True)
    assert status_of(later) == S.APPROVED


def test_a_new_declaration_after_clearing_opens_a_new_conflict(conflicted, reviewer, approver,
                                                               other_approver):
    clear(conflicted, reviewer, other_approver)
    later = version_in(S.SUBMITTED, author=conflicted.author, factor=conflicted.factor)
    declare(later, reviewer, approver)
    assert [c.is_cleared for c in ConflictOfInterest.objects.order_by("pk")] == [True, False]
    with pytest.raises(ValidationError):
        review.review_assign(version=later, reviewer=reviewer, actor=approver)


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider", "other_editor"])
def test_only_an_approver_clears(role, request, conflicted, reviewer):
    before = snapshot(conflicted)
    with pytest.raises(ForbiddenAction):
        clear(conflicted, reviewer, request.getfixturevalue(role))
    assert snapshot(conflicted) == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_it_needs_a_reason(reason, conflicted, reviewer, other_approver):
    before = snapshot(conflicted)
    with pytest.raises(ValidationError) as caught:
        clear(conflicted, reviewer, other_approver, reason=reason)
    assert "reason" in caught.value.message_dict
    assert snapshot(conflicted) == before


def test_an_approver_cannot_clear_their_own_conflict(editor, approver, other_approver):
    both = with_roles(other_approver, Role.REVIEWER)
    version = version_in(S.SUBMITTED, author=editor)
    declare(version, both, approver)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction, match="自己"):
        clear(version, both, both)
    assert snapshot(version) == before
    assert clear(version, both, approver).cleared_by == approver  # another approver may


def test_nothing_to_clear_is_a_conflict(editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        clear(version, reviewer, approver)
    assert snapshot(version) == before


def test_clearing_twice_is_refused_the_second_time(conflicted, reviewer, other_approver):
    clear(conflicted, reviewer, other_approver)
    before = snapshot(conflicted)
    with pytest.raises(InvalidTransition):
        clear(conflicted, reviewer, other_approver)
    assert snapshot(conflicted) == before


def test_the_factors_story_shows_the_clearance(conflicted, reviewer, other_approver):
    clear(conflicted, reviewer, other_approver, reason="retracted study")
    entry = selectors.factor_story(conflicted.factor)[-1]
    assert (entry.kind, entry.actor, entry.comment) == ("conflict_cleared", other_approver, "retracted study")
    assert str(reviewer) in entry.what
