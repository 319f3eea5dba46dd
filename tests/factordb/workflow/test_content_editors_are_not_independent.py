"""Whoever changed a version's content is not independent of it: they cannot be assigned to review
it, cannot decide on it, and their approval never counts (docs/adr/0015)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import ForbiddenAction, Role
from factordb import selectors
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import GasAmount, ReviewAssignment, ReviewDecision, VersionSource
from factordb.services import review
from factordb.services.editing import factor_version_update_draft
from tests.factories import SourceFactory
from tests.roles import with_roles

from .helpers import pending_assignment, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def meddler(editor):
    """An editor who also holds the reviewer role."""
    return with_roles(editor, Role.REVIEWER)


def approve(assignment):
    return review.review_approve(assignment=assignment, actor=assignment.reviewer, declares_no_conflict=True)


def refused_assignment(version, reviewer, approver) -> None:
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert str(reviewer) in " ".join(caught.value.message_dict["reviewer"])
    assert snapshot(version) == before


# --- How a user comes to have changed a version's content ----------------------------


def edit_a_field(version, user) -> None:
    version.refresh_from_db()
    version.notes_en = "tightened the wording"
    version._history_user = user
    version.save()


def edit_a_gas_amount(version, user) -> None:
    row = GasAmount.objects.filter(version=version).first()
    row.amount += Decimal("0.001")
    row._history_user = user
    row.save()


def edit_a_citation(version, user) -> None:
    cited = VersionSource.objects.filter(version=version).first()
    cited.locator = "Table 9"
    cited._history_user = user
    cited.save()


def add_a_citation(version, user) -> None:
    cited = VersionSource(version=version, source=SourceFactory(), locator="p. 3")
    cited._history_user = user
    cited.save()


def remove_a_citation(version, user) -> None:
    cited = VersionSource.objects.filter(version=version).first()
    cited._history_user = user
    cited.delete()


EDITS = [edit_a_field, edit_a_gas_amount, edit_a_citation, add_a_citation, remove_a_citation]


# --- The story from the security review ------------------------------------------------


def test_an_editor_reviewer_who_edited_another_editors_draft_neither_reviews_nor_counts(
        other_editor, meddler, reviewers, approver):
    version = version_in(S.DRAFT, author=other_editor)
    factor_version_update_draft(version=version, actor=meddler, revision=version.revision,
                                changes={"co2e_total": Decimal("0.6")}, gas_amounts={"CO2": Decimal("0.6")})
    review.factor_version_submit(version=version, actor=other_editor)
    review.review_assign(version=version, reviewer=reviewers[0], actor=approver)
    version.refresh_from_db()

    refused_assignment(version, meddler, approver)

    # An assignment that slipped through anyway cannot be decided…
    slipped = pending_assignment(version, meddler)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction, match="修改过"):
        approve(slipped)
    assert snapshot(version) == before
    # …and their approval, written behind the services' back, is not one of the two.
    ReviewAssignment.objects.filter(pk=slipped.pk).update(decision=ReviewDecision.APPROVED,
                                                          conflict_of_interest=False)
    approve(ReviewAssignment.objects.get(version=version, reviewer=reviewers[0]))
    assert review.approvals_in_current_round(version) == 1
    assert status_of(version) == S.IN_REVIEW


# --- Assignment ----------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "gas_amounts"), [
    ({"notes_en": "tightened the wording"}, None),
    ({"co2e_total": Decimal("0.7")}, {"CO2": Decimal("0.7")}),  # a breakdown agrees with its total
])
def test_an_edit_through_the_editing_service_is_on_record(changes, gas_amounts, other_editor, meddler,
                                                          approver):
    version = version_in(S.DRAFT, author=other_editor)
    factor_version_update_draft(version=version, actor=meddler, revision=version.revision,
                                changes=changes, gas_amounts=gas_amounts)
    review.factor_version_submit(version=version, actor=other_editor)
    version.refresh_from_db()
    refused_assignment(version, meddler, approver)


@pytest.mark.parametrize("edit", EDITS)
def test_someone_who_changed_the_content_cannot_be_assigned(edit, other_editor, meddler, approver):
    version = version_in(S.SUBMITTED, author=other_editor)
    edit(version, meddler)
    refused_assignment(version, meddler, approver)


def test_an_edit_to_another_version_of_the_factor_does_not_count_against_them(other_editor, meddler,
                                                                               approver):
    earlier = version_in(S.REJECTED, author=other_editor)
    edit_a_field(earlier, meddler)
    version = version_in(S.SUBMITTED, author=other_editor, factor=earlier.factor, version=2)
    assert review.review_assign(version=version, reviewer=meddler, actor=approver).reviewer == meddler


def test_steps_along_the_road_do_not_make_anyone_an_editor(other_editor, meddler, reviewers, approver):
    # Submitting, assigning and the approval that moves the version on are history records of
    # the version too; they change no content, so whoever took them stays independent.
    version = version_in(S.DRAFT, author=other_editor)
    review.factor_version_submit(version=version, actor=meddler)
    review.review_assign(version=version, reviewer=reviewers[0], actor=approver)
    review.review_assign(version=version, reviewer=meddler, actor=approver)
    approve(ReviewAssignment.objects.get(version=version, reviewer=reviewers[0]))
    approve(ReviewAssignment.objects.get(version=version, reviewer=meddler))
    assert status_of(version) == S.APPROVED
    version.refresh_from_db()
    assert review.approvals_in_current_round(version) == 2


# --- Decisions -----------------------------------------------------------------------


@pytest.mark.parametrize("edit", EDITS)
def test_an_approval_is_refused_if_they_edited_after_being_assigned(edit, other_editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=other_editor)
    assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
    edit(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        approve(assignment)
    assert snapshot(version) == before


@pytest.mark.parametrize("decide", [review.review_request_changes, review.review_reject])
def test_they_cannot_end_the_round_either(decide, other_editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=other_editor)
    assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
    edit_a_citation(version, reviewer)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        decide(assignment=assignment, actor=reviewer, comment="not right")
    assert snapshot(version) == before


def test_they_may_still_step_aside(other_editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=other_editor)
    assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
    edit_a_citation(version, reviewer)
    review.review_declare_conflict(assignment=assignment, actor=reviewer, comment="I edited it")
    assert ReviewAssignment.objects.get(pk=assignment.pk).decision == ReviewDecision.RECUSED


# --- Counting ------------------------------------------------------------------------


@pytest.mark.parametrize("edit", EDITS)
def test_an_approval_written_before_the_edit_stops_counting(edit, other_editor, reviewers):
    version = version_in(S.IN_REVIEW, author=other_editor)
    approve(pending_assignment(version, reviewers[0]))
    assert review.approvals_in_current_round(version) == 1
    edit(version, reviewers[0])
    assert review.approvals_in_current_round(version) == 0
    approve(pending_assignment(version, reviewers[1]))
    assert status_of(version) == S.IN_REVIEW


def test_publication_counts_the_same_way(other_editor, reviewers, approver):
    version = version_in(S.APPROVED, author=other_editor, reviewers=reviewers[:2])
    edit_a_citation(version, reviewers[1])
    before = snapshot(version)
    with pytest.raises(InvalidTransition, match="不足"):
        review.factor_version_publish(version=version, actor=approver)
    assert snapshot(version) == before


def test_the_dashboard_counts_the_same_way(settings, other_editor, reviewers):
    settings.REVIEW_REQUIRED_APPROVALS = 3  # two approvals leave it in review
    in_review = version_in(S.IN_REVIEW, author=other_editor)
    approve(pending_assignment(in_review, reviewers[0]))
    approve(pending_assignment(in_review, reviewers[1]))
    approved = version_in(S.APPROVED, author=other_editor, reviewers=reviewers[:3])
    for version in (in_review, approved):
        edit_a_gas_amount(version, reviewers[0])
    [listed_in_review] = selectors.versions_in_review()
    [listed_approved] = selectors.versions_approved()
    assert listed_in_review.approvals == review.approvals_in_current_round(in_review) == 1
    assert listed_approved.approvals == review.approvals_in_current_round(approved) == 2


@pytest.mark.parametrize("step", ["publish", "schedule"])
def test_an_approver_who_changed_the_content_cannot_publish_it(step, other_editor, reviewers, approver):
    """Publishing is the last review of a version: whoever changed it is not independent of it."""
    version = version_in(S.APPROVED, author=other_editor, reviewers=reviewers[:2])
    edit_a_field(version, approver)
    steps = {
        "publish": lambda: review.factor_version_publish(version=version, actor=approver),
        "schedule": lambda: review.factor_version_schedule_publication(
            version=version, actor=approver, at=timezone.now() + dt.timedelta(days=1)),
    }
    before = snapshot(version)
    with pytest.raises(ForbiddenAction, match="修改过此版本的内容"):
        steps[step]()
    assert snapshot(version) == before
