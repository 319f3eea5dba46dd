"""Each workflow step tells the people who act next, by e-mail, once the step has committed."""

import re

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


# --- Decisions and publication: who hears, and a link each can follow -------------------------

SITE_URL = "https://factors.example.gov.cn"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def staff_editor(editor):
    editor.is_staff = True  # editors draft in the admin, where the version's page is
    editor.save()
    return editor


@pytest.fixture
def in_review(draft, staff_editor, approver, reviewers):
    review.factor_version_submit(version=draft, actor=staff_editor)
    for reviewer in reviewers[:2]:
        review.review_assign(version=draft, reviewer=reviewer, actor=approver)
    return draft


def approve_all(version, reviewers) -> None:
    for assignment in version.assignments.filter(decision="pending").select_related("reviewer"):
        review.review_approve(assignment=assignment, actor=assignment.reviewer, declares_no_conflict=True)


def links_in(message) -> list[str]:
    return re.findall(rf"{re.escape(SITE_URL)}/\S*", message.body)


def assert_each_can_follow_their_links(client, version, people) -> None:
    """Every recipient's mail links, in Chinese then English, to a page about this version
    that this recipient may open."""
    for person in people:
        [message] = sent_to(person.email)
        chinese, english = links_in(message)
        assert english.startswith(f"{SITE_URL}/en/")
        client.force_login(person)
        for link in (chinese, english):
            response = client.get(link.removeprefix(SITE_URL))
            assert response.status_code == 200, (person, link)
            assert version.factor.public_id in response.content.decode()


def test_an_approval_tells_the_approvers_and_the_author(
        in_review, staff_editor, approver, reviewers, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(in_review, reviewers)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [approver.email, staff_editor.email])
    assert_each_can_follow_their_links(client, in_review, [approver, staff_editor])


def test_a_publication_tells_the_author_and_the_reviewers_of_the_round(
        in_review, staff_editor, approver, reviewers, client, django_capture_on_commit_callbacks):
    approve_all(in_review, reviewers)
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_publish(version=in_review, actor=approver)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [staff_editor.email, reviewers[0].email, reviewers[1].email])
    assert_each_can_follow_their_links(client, in_review, [staff_editor, *reviewers[:2]])


def test_a_change_request_tells_the_author_with_the_comment(
        in_review, staff_editor, reviewer, client, django_capture_on_commit_callbacks):
    assignment = in_review.assignments.get(reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_request_changes(assignment=assignment, actor=reviewer, comment="请补充低位发热量来源")
    [message] = mail.outbox
    assert message.to == [staff_editor.email]
    assert "请补充低位发热量来源" in message.body
    assert_each_can_follow_their_links(client, in_review, [staff_editor])


def test_the_mail_says_it_in_chinese_then_in_english(
        in_review, reviewer, django_capture_on_commit_callbacks):
    assignment = in_review.assignments.get(reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_request_changes(assignment=assignment, actor=reviewer, comment="单位有误")
    body = mail.outbox[0].body
    assert body.index("评审要求修改") < body.index("Reviewer requested changes")
    assert body.index(in_review.factor.name_zh) < body.index(in_review.factor.name_en)
    assert body.index("评审意见") < body.index("Review comments")
