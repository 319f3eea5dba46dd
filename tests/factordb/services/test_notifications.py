"""Each workflow step tells the people who act next, by e-mail, once the step has committed."""

import pytest
from django.core import mail

from factordb.errors import InvalidTransition
from factordb.generation import data_changed
from factordb.models import VersionSource
from factordb.services import review
from tests.factories import DraftVersionFactory, SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def draft(editor):
    version = DraftVersionFactory(author=editor)
    VersionSource.objects.create(version=version, source=SourceFactory())
    return version


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_an_assignment_tells_the_reviewer_with_a_link_to_the_review(
        draft, editor, approver, reviewer, django_capture_on_commit_callbacks):
    review.factor_version_submit(version=draft, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = review.review_assign(version=draft, reviewer=reviewer, actor=approver)

    [message] = sent_to(reviewer.email)
    assert draft.factor.public_id in message.subject
    assert f"/review/assignments/{assignment.pk}/" in message.body


def test_a_submission_tells_the_approvers(draft, editor, approver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_submit(version=draft, actor=editor)
    assert len(sent_to(approver.email)) == 1


def test_a_rejection_tells_the_author_with_the_reviewers_comment(
        draft, editor, approver, reviewer, django_capture_on_commit_callbacks):
    review.factor_version_submit(version=draft, actor=editor)
    assignment = review.review_assign(version=draft, reviewer=reviewer, actor=approver)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_reject(assignment=assignment, actor=reviewer, comment="单位换算有误")

    [message] = sent_to(editor.email)
    assert "单位换算有误" in message.body


def test_nothing_is_sent_before_the_step_commits(draft, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review.factor_version_submit(version=draft, actor=editor)
    # The others renew the API's cache generation (factordb.generation).
    assert len([c for c in callbacks if c is not data_changed]) == 1
    assert mail.outbox == []


def test_a_refused_step_sends_nothing(draft, approver, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        review.review_assign(version=draft, reviewer=reviewer, actor=approver)  # still a draft
    assert mail.outbox == []
