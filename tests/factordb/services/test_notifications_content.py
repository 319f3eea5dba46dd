"""Each version mail says who did what to which factor, the value change and the reason, with a
subject in Chinese and English; the one who took the step is not told of it."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from accounts.roles import Role
from factordb.services import review
from factordb.tasks import send_notification
from tests.factories import PublishedVersionFactory, SourcedDraftVersionFactory
from tests.roles import user_with_roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
OLD, NEW = Decimal("0.5366"), Decimal("0.6012")


@pytest.fixture
def published(editor):
    return PublishedVersionFactory(co2e_total=OLD, factor__name_zh="华北区域电网排放因子",
                                   factor__name_en="North China grid emission factor")


@pytest.fixture
def draft(published, editor):
    """A new value for a factor that has one in force."""
    return SourcedDraftVersionFactory(factor=published.factor, author=editor, co2e_total=NEW)


@pytest.fixture
def submitted(draft, editor):
    review.factor_version_submit(version=draft, actor=editor, comment="依据 2023 年公告更新")
    return draft


@pytest.fixture
def in_review(submitted, approver, reviewers):
    for reviewer in reviewers[:2]:
        review.review_assign(version=submitted, reviewer=reviewer, actor=approver)
    return submitted


@pytest.fixture
def approved(in_review, reviewers):
    for reviewer in reviewers[:2]:
        review.review_approve(assignment=in_review.assignments.get(reviewer=reviewer), actor=reviewer,
                              declares_no_conflict=True)
    return in_review


def mail_to(user):
    [message] = [m for m in mail.outbox if user.email in m.to]
    return message


def assert_tells(message, *, version, chinese: str, english: str, actor, reason: str | None,
                 value: str) -> None:
    factor = version.factor
    said_zh, said_en = message.subject.split(" / ")
    assert said_zh == f"[碳足迹因子库] {chinese}: {factor.public_id} v{version.version}"
    assert said_en == f"[Carbon Footprint Factor Database] {english}: {factor.public_id} v{version.version}"
    part_zh, part_en = message.body.split("\n----\n")
    for part in (part_zh, part_en):
        assert factor.public_id in part
        assert value in part
        if reason:
            assert reason in part
    assert f"操作人：{actor.username}" in part_zh
    assert f"Performed by: {actor.username}" in part_en
    assert factor.name_zh in part_zh
    assert factor.name_en in part_en
    assert chinese in part_zh
    assert english in part_en
    # The English part is English, but for what people wrote (the reason, the Chinese name).
    assert not HAN.search(part_en.replace(reason or "", "").replace(factor.name_zh, ""))


CHANGE = f"{OLD} → {NEW} kg CO2e/"


def test_a_submission_tells_the_approver_who_submitted_which_value_and_why(
        draft, editor, approver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_submit(version=draft, actor=editor, comment="依据 2023 年公告更新")
    assert_tells(mail_to(approver), version=draft, chinese="待指派评审",
                 english="Awaiting reviewer assignment", actor=editor, reason="依据 2023 年公告更新",
                 value=CHANGE)


def test_an_assignment_tells_the_reviewer_who_assigned_them(
        submitted, approver, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review.review_assign(version=submitted, reviewer=reviewer, actor=approver)
    assert_tells(mail_to(reviewer), version=submitted, chinese="新的评审任务",
                 english="New review assignment", actor=approver, reason=None, value=CHANGE)


def test_a_recusal_tells_the_approver_who_stepped_aside_and_why(
        in_review, reviewer, approver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review.review_declare_conflict(assignment=in_review.assignments.get(reviewer=reviewer),
                                       actor=reviewer, comment="本人参与了该数据的测算")
    assert_tells(mail_to(approver), version=in_review, chinese="评审专家回避，需重新指派",
                 english="Reviewer recused; reassignment needed", actor=reviewer,
                 reason="本人参与了该数据的测算", value=CHANGE)


def test_an_approval_tells_the_author_and_approver_whose_approval_completed_it(
        in_review, reviewers, editor, approver, django_capture_on_commit_callbacks):
    review.review_approve(assignment=in_review.assignments.get(reviewer=reviewers[0]), actor=reviewers[0],
                          declares_no_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_approve(assignment=in_review.assignments.get(reviewer=reviewers[1]), actor=reviewers[1],
                              declares_no_conflict=True)
    event = in_review.events.get(action="approve")
    for person in (editor, approver):
        assert_tells(mail_to(person), version=in_review, chinese="评审通过，待发布",
                     english="Review passed; awaiting publication", actor=reviewers[1], reason=event.comment,
                     value=CHANGE)


@pytest.mark.parametrize(("step", "chinese", "english"), [
    (review.review_request_changes, "评审要求修改", "Reviewer requested changes"),
    (review.review_reject, "评审驳回", "Rejected in review"),
])
def test_a_decision_tells_the_author_who_decided_and_the_reviewers_comment(
        in_review, reviewer, editor, step, chinese, english, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        step(assignment=in_review.assignments.get(reviewer=reviewer), actor=reviewer,
             comment="低位发热量取值无出处")
    message = mail_to(editor)
    assert_tells(message, version=in_review, chinese=chinese, english=english, actor=reviewer,
                 reason="低位发热量取值无出处", value=CHANGE)
    assert "评审意见: 低位发热量取值无出处" in message.body
    assert "Review comments: 低位发热量取值无出处" in message.body


def test_a_publication_tells_the_author_and_reviewers_the_value_it_replaced(
        approved, published, editor, reviewers, approver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_publish(version=approved, actor=approver, comment="按 2023 年公告发布")
    published.refresh_from_db()
    assert published.status == "superseded"  # the old value, now replaced, is still named in the mail
    for person in (editor, *reviewers[:2]):
        assert_tells(mail_to(person), version=approved, chinese="已发布", english="Published", actor=approver,
                     reason="按 2023 年公告发布", value=CHANGE)


def test_a_first_publication_shows_the_new_value_alone(editor, approver, reviewers,
                                                        django_capture_on_commit_callbacks):
    version = SourcedDraftVersionFactory(author=editor, co2e_total=Decimal("100.000"))
    review.factor_version_submit(version=version, actor=editor)
    for reviewer in reviewers[:2]:
        assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
        review.review_approve(assignment=assignment, actor=reviewer, declares_no_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_publish(version=version, actor=approver)
    body = mail_to(editor).body
    assert f"数值: 100 kg CO2e/{version.factor.unit.symbol}" in body  # no exponent, no arrow from nothing
    assert "→" not in body


def test_a_withdrawal_tells_who_withdrew_the_value_and_why(
        approved, editor, approver, django_capture_on_commit_callbacks):
    review.factor_version_publish(version=approved, actor=approver)
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_withdraw(version=approved, actor=approver, reason="原始公告已被撤销")
    assert_tells(mail_to(editor), version=approved, chinese="已撤回", english="Withdrawn", actor=approver,
                 reason="原始公告已被撤销", value=f"{NEW} kg CO2e/")


# --- Nobody is told what they did themselves ---------------------------------------------------


def test_an_editor_who_is_also_an_approver_is_not_told_of_their_own_submission(
        published, approver, django_capture_on_commit_callbacks):
    both = user_with_roles("editor-approver", Role.EDITOR, Role.APPROVER)
    version = SourcedDraftVersionFactory(factor=published.factor, author=both, co2e_total=NEW)
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_submit(version=version, actor=both)
    assert [m.to for m in mail.outbox] == [[approver.email]]


def test_the_reviewer_whose_approval_completes_the_round_is_not_told_of_it_as_approver(
        submitted, reviewers, editor, approver, django_capture_on_commit_callbacks):
    both = user_with_roles("reviewer-approver", Role.REVIEWER, Role.APPROVER)
    for reviewer in (reviewers[0], both):
        review.review_assign(version=submitted, reviewer=reviewer, actor=approver)
    review.review_approve(assignment=submitted.assignments.get(reviewer=reviewers[0]), actor=reviewers[0],
                          declares_no_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_approve(assignment=submitted.assignments.get(reviewer=both), actor=both,
                              declares_no_conflict=True)
    assert sorted(address for m in mail.outbox for address in m.to) == sorted([editor.email, approver.email])


def test_an_approver_who_reviewed_the_round_is_not_told_of_their_own_publication(
        submitted, reviewers, editor, approver, django_capture_on_commit_callbacks):
    both = user_with_roles("reviewer-approver", Role.REVIEWER, Role.APPROVER)
    for reviewer in (reviewers[0], both):
        assignment = review.review_assign(version=submitted, reviewer=reviewer, actor=approver)
        review.review_approve(assignment=assignment, actor=reviewer, declares_no_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        review.factor_version_publish(version=submitted, actor=both)
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted([editor.email, reviewers[0].email])


# --- Messages queued before the actor and reason travelled with them still go out ------------


def test_a_message_queued_with_the_old_three_arguments_still_sends(submitted, approver):
    assert send_notification.delay("submitted", submitted.pk, None).get() == 1
    message = mail_to(approver)
    assert "操作人" not in message.body  # unknown, so not said
    assert f"{OLD} → {NEW}" in message.body


def test_the_task_takes_the_actor_and_reason_as_its_last_arguments(submitted, approver, editor):
    assert send_notification.delay("submitted", submitted.pk, None, editor.pk, "补充来源").get() == 1
    assert f"操作人：{editor.username}" in mail_to(approver).body
    assert "理由: 补充来源" in mail_to(approver).body
