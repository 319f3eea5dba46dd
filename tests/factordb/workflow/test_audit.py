"""Every transition is on record twice: an append-only workflow event and a history row with the reason."""

import datetime as dt

import pytest
import time_machine

from factordb.constants import FactorStatus as S
from factordb.models import FactorVersion, ReviewAssignment, WorkflowEvent
from factordb.services import review
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory

from .helpers import latest_history, pending_assignment, version_in

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


def _submit(v, actors):
    review.factor_version_submit(version=v, actor=actors["editor"], comment="please review")


def _assign(v, actors):
    review.review_assign(version=v, reviewer=actors["reviewer"], actor=actors["approver"])


def _approve(v, actors):
    for assignment in ReviewAssignment.objects.filter(version=v).order_by("pk"):
        review.review_approve(assignment=assignment, actor=assignment.reviewer, declares_no_conflict=True)


def _request_changes(v, actors):
    review.review_request_changes(assignment=pending_assignment(v, actors["reviewer"]),
                                  actor=actors["reviewer"], comment="wrong unit")


def _reject(v, actors):
    review.review_reject(assignment=pending_assignment(v, actors["reviewer"]),
                         actor=actors["reviewer"], comment="not national")


def _revise(v, actors):
    review.factor_version_revise(version=v, actor=actors["editor"], comment="fixing")


def _publish(v, actors):
    review.factor_version_publish(version=v, actor=actors["approver"], comment="in force")


def _withdraw(v, actors):
    review.factor_version_withdraw(version=v, actor=actors["approver"], reason="source retracted")


# step, the state it starts from, who acts, the expected action, target and comment
STEPS = [
    (_submit, S.DRAFT, "editor", "submit", S.SUBMITTED, "please review"),
    (_assign, S.SUBMITTED, "approver", "start_review", S.IN_REVIEW, "reviewer1"),
    (_approve, S.IN_REVIEW, "reviewer", "approve", S.APPROVED, "2"),
    (_request_changes, S.IN_REVIEW, "reviewer", "request_changes", S.CHANGES_REQUESTED, "wrong unit"),
    (_reject, S.IN_REVIEW, "reviewer", "reject", S.REJECTED, "not national"),
    (_revise, S.CHANGES_REQUESTED, "editor", "revise", S.DRAFT, "fixing"),
    (_publish, S.APPROVED, "approver", "publish", S.PUBLISHED, "in force"),
    (_withdraw, S.PUBLISHED, "approver", "withdraw", S.WITHDRAWN, "source retracted"),
]


@pytest.mark.parametrize(("step", "source", "who", "action", "target", "comment"), STEPS,
                         ids=[s[3] for s in STEPS])
def test_each_transition_is_recorded(step, source, who, action, target, comment,
                                     editor, reviewers, approver):
    actors = {"editor": editor, "reviewer": reviewers[0], "approver": approver}
    version = version_in(source, author=editor, **({"reviewers": reviewers[:2]} if step is _approve else {}))
    with time_machine.travel(NOW, tick=False):
        step(version, actors)
    event = WorkflowEvent.objects.get(version=version)
    expected_actor = reviewers[1] if step is _approve else actors[who]
    assert (event.action, event.from_status, event.to_status, event.actor, event.at) == (
        action, source, target, expected_actor, NOW)
    assert comment in event.comment
    record = latest_history(version)
    assert record.status == target
    assert record.history_user == expected_actor
    assert record.history_change_reason.startswith(action)
    assert comment in record.history_change_reason


def test_supersession_is_recorded_on_the_old_version(editor, approver):
    old = SourcedPublishedVersionFactory()
    new = ApprovedVersionFactory(factor=old.factor, author=editor)
    review.factor_version_publish(version=new, actor=approver)
    event = WorkflowEvent.objects.get(version=old)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "supersede", S.PUBLISHED, S.SUPERSEDED, approver)
    assert f"v{new.version}" in event.comment
    record = latest_history(old)
    assert (record.status, record.history_user) == (S.SUPERSEDED, approver)
    assert record.history_change_reason.startswith("supersede")


@pytest.fixture
def event(editor):
    version = version_in(S.DRAFT, author=editor)
    review.factor_version_submit(version=version, actor=editor)
    return WorkflowEvent.objects.get(version=version)


def test_an_event_cannot_be_changed(event):
    event.comment = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    assert WorkflowEvent.objects.get(pk=event.pk).comment == ""


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(TypeError):
        event.delete()
    assert WorkflowEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(TypeError):
        WorkflowEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(TypeError):
        WorkflowEvent.objects.all().update(to_status=S.PUBLISHED)
    assert WorkflowEvent.objects.get(pk=event.pk).comment == ""


def test_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(TypeError):
        WorkflowEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        WorkflowEvent.objects.all().delete()
    assert WorkflowEvent.objects.filter(pk=event.pk).exists()


def test_a_version_with_events_cannot_be_deleted_away_from_them(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        FactorVersion.objects.get(pk=event.version_id).delete()
