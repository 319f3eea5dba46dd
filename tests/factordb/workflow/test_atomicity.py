"""A step that fails half-way leaves nothing behind: no status, no event, no history row."""

import pytest

from factordb.constants import FactorStatus as S
from factordb.models import FactorVersion, ReviewAssignment, WorkflowEvent
from factordb.services import review
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory

from .helpers import pending_assignment, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def failing_event_save(monkeypatch):
    """The workflow event fails to save: the version row it follows has been written already."""

    def save(self, *args, **kwargs):
        assert FactorVersion.objects.get(pk=self.version_id).status == self.to_status  # half-way
        raise Boom

    monkeypatch.setattr(WorkflowEvent, "save", save)


@pytest.mark.usefixtures("failing_event_save")
def test_a_failed_publication_leaves_both_versions_as_they_were(editor, approver):
    old = SourcedPublishedVersionFactory()
    new = ApprovedVersionFactory(factor=old.factor, author=editor)
    before = snapshot(new)
    with pytest.raises(Boom):
        review.factor_version_publish(version=new, actor=approver)
    assert (status_of(old), status_of(new)) == (S.PUBLISHED, S.APPROVED)
    assert snapshot(new) == before


def test_a_publication_failing_after_the_supersession_leaves_both_as_they_were(monkeypatch, editor, approver):
    old = SourcedPublishedVersionFactory()
    new = ApprovedVersionFactory(factor=old.factor, author=editor)
    before = snapshot(new)
    real_save = WorkflowEvent.save

    def save(self, *args, **kwargs):
        if self.action == "publish":
            raise Boom
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(WorkflowEvent, "save", save)
    with pytest.raises(Boom):
        review.factor_version_publish(version=new, actor=approver)
    assert (status_of(old), status_of(new)) == (S.PUBLISHED, S.APPROVED)
    assert snapshot(new) == before


@pytest.mark.usefixtures("failing_event_save")
def test_a_failed_first_assignment_leaves_the_version_submitted(editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=editor)
    before = snapshot(version)
    with pytest.raises(Boom):
        review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert status_of(version) == S.SUBMITTED
    assert not ReviewAssignment.objects.filter(version=version).exists()
    assert snapshot(version) == before


def test_an_assignment_failing_after_the_event_leaves_nothing(monkeypatch, editor, reviewer, approver):
    version = version_in(S.SUBMITTED, author=editor)
    before = snapshot(version)

    def save(self, *args, **kwargs):
        raise Boom

    monkeypatch.setattr(ReviewAssignment, "save", save)
    with pytest.raises(Boom):
        review.review_assign(version=version, reviewer=reviewer, actor=approver)
    assert snapshot(version) == before


@pytest.mark.usefixtures("failing_event_save")
def test_a_failed_final_approval_leaves_the_decision_undone(editor, reviewers):
    version = version_in(S.IN_REVIEW, author=editor, reviewers=reviewers[:2])
    first, second = ReviewAssignment.objects.filter(version=version).order_by("pk")
    review.review_approve(assignment=first, actor=first.reviewer, declares_no_conflict=True)  # no event
    before = snapshot(version)
    with pytest.raises(Boom):
        review.review_approve(assignment=second, actor=second.reviewer, declares_no_conflict=True)
    assert snapshot(version) == before


@pytest.mark.usefixtures("failing_event_save")
@pytest.mark.parametrize("step", ["request_changes", "reject"])
def test_a_failed_decision_leaves_the_round_open(step, editor, reviewers):
    version = version_in(S.IN_REVIEW, author=editor, reviewers=reviewers[1:])
    assignment = pending_assignment(version, reviewers[0])
    before = snapshot(version)
    with pytest.raises(Boom):
        getattr(review, f"review_{step}")(assignment=assignment, actor=reviewers[0], comment="wrong unit")
    assert snapshot(version) == before  # the other assignments were not closed either


@pytest.mark.usefixtures("failing_event_save")
def test_a_failed_submission_does_not_open_a_round(editor):
    version = version_in(S.DRAFT, author=editor)
    before = snapshot(version)
    with pytest.raises(Boom):
        review.factor_version_submit(version=version, actor=editor)
    assert snapshot(version) == before


@pytest.mark.usefixtures("failing_event_save")
def test_a_failed_withdrawal_leaves_the_version_published(editor, approver):
    version = version_in(S.PUBLISHED, author=editor)
    before = snapshot(version)
    with pytest.raises(Boom):
        review.factor_version_withdraw(version=version, actor=approver, reason="retracted")
    assert snapshot(version) == before
