"""The admin's workflow buttons call the same services as the workspace: same rules, same records."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from factordb.constants import FactorStatus
from factordb.models import FactorVersion, ReviewAssignment, WorkflowEvent
from tests.factordb.admin.helpers import admin_url
from tests.factories import (
    ApprovedVersionFactory,
    FactorFactory,
    InReviewVersionFactory,
    SourcedDraftVersionFactory,
    SourcedPublishedVersionFactory,
    StaffUserFactory,
    SubmittedVersionFactory,
)
from tests.roles import with_roles

pytestmark = pytest.mark.django_db


def staff_with(username: str, *roles: Role):
    return with_roles(StaffUserFactory(username=username), *roles)


@pytest.fixture
def as_staff(client):
    def login(*roles: Role, username: str = "staff_member"):
        user = staff_with(username, *roles)
        client.force_login(user)
        return user
    return login


def step_url(version, step: str) -> str:
    return reverse("admin:factordb_factorversion_workflow", args=[version.pk, step])


def status_of(version) -> str:
    return FactorVersion.objects.values_list("status", flat=True).get(pk=version.pk)


def refusal(response) -> str:
    """The page a refused step answers with: why, and the form as it was sent."""
    assert response.templates[0].name == "admin/factordb/factorversion/workflow_step.html"
    return response.content.decode()


def test_the_change_page_offers_the_steps_of_the_versions_state(client, as_staff):
    as_staff(Role.APPROVER)
    version = ApprovedVersionFactory()
    response = client.get(admin_url(version, "change"))
    assert [b.name for b in response.context["workflow_buttons"]] == ["publish", "schedule"]
    assert step_url(version, "publish") in response.content.decode()


def test_the_decision_buttons_appear_only_for_the_assigned_reviewer(client, as_staff):
    user = as_staff(Role.REVIEWER)
    mine = InReviewVersionFactory(reviewers=[user])
    other = InReviewVersionFactory()
    names = [b.name for b in client.get(admin_url(mine, "change")).context["workflow_buttons"]]
    assert names == ["approve", "request_changes", "reject", "declare_conflict"]
    names = [b.name for b in client.get(admin_url(other, "change")).context["workflow_buttons"]]
    assert names == []


def test_submit_button_submits_the_draft(client, as_staff):
    editor = as_staff(Role.EDITOR)
    version = SourcedDraftVersionFactory()
    response = client.post(step_url(version, "submit"), {"submit-comment": "请评审"})
    assert response.status_code == 302
    assert response["Location"] == admin_url(version, "change")
    assert status_of(version) == FactorStatus.SUBMITTED
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.actor, event.comment) == ("submit", editor, "请评审")


def test_assign_then_approve_then_publish_through_the_buttons(client, as_staff, reviewers):
    version = SubmittedVersionFactory()
    approver = as_staff(Role.APPROVER, username="approver_staff")
    for reviewer in reviewers[:2]:
        client.post(step_url(version, "assign"), {"assign-reviewer": reviewer.pk})
    assert status_of(version) == FactorStatus.IN_REVIEW
    for reviewer in reviewers[:2]:
        client.force_login(with_roles(reviewer))
        reviewer.is_staff = reviewer.is_superuser = True
        reviewer.save()
        client.post(step_url(version, "approve"), {"approve-declares_no_conflict": "on"})
    assert status_of(version) == FactorStatus.APPROVED
    client.force_login(approver)
    client.post(step_url(version, "publish"), {})
    assert status_of(version) == FactorStatus.PUBLISHED
    assert list(WorkflowEvent.objects.filter(version=version).values_list("action", flat=True)) == [
        "start_review", "approve", "publish"]


def test_request_changes_without_a_comment_is_refused_with_a_message(client, as_staff):
    user = as_staff(Role.REVIEWER)
    version = InReviewVersionFactory(reviewers=[user])
    response = client.post(step_url(version, "request_changes"), {"request_changes-comment": ""})
    assert response.status_code == 400
    assert "此操作必须填写意见。" in refusal(response)
    assert status_of(version) == FactorStatus.IN_REVIEW
    assert ReviewAssignment.objects.get(version=version).decision == "pending"


def test_a_decision_without_an_own_assignment_is_refused(client, as_staff):
    as_staff(Role.REVIEWER)
    version = InReviewVersionFactory()
    response = client.post(step_url(version, "reject"), {"reject-comment": "no"})
    assert response.status_code == 403
    assert "评审指派" in refusal(response)
    assert "no</textarea>" in refusal(response)  # what the reviewer typed is kept
    assert status_of(version) == FactorStatus.IN_REVIEW


def test_a_step_the_role_does_not_allow_is_refused(client, as_staff):
    as_staff(Role.EDITOR)
    version = ApprovedVersionFactory()
    response = client.post(step_url(version, "publish"), {})
    assert response.status_code == 403
    assert "审批人" in refusal(response)
    assert status_of(version) == FactorStatus.APPROVED
    assert not WorkflowEvent.objects.filter(version=version).exists()


def test_a_step_in_the_wrong_state_is_refused_and_changes_nothing(client, as_staff):
    as_staff(Role.APPROVER)
    version = SourcedDraftVersionFactory()
    response = client.post(step_url(version, "publish"), {})
    assert response.status_code == 409
    assert "不能执行" in refusal(response)
    assert status_of(version) == FactorStatus.DRAFT


def test_schedule_and_withdraw_buttons(client, as_staff):
    as_staff(Role.APPROVER)
    approved = ApprovedVersionFactory()
    at = timezone.localtime() + dt.timedelta(days=1)
    client.post(step_url(approved, "schedule"), {"schedule-at": at.strftime("%Y-%m-%dT%H:%M")})
    approved.refresh_from_db()
    assert approved.scheduled_publication_at is not None
    published = SourcedPublishedVersionFactory()
    client.post(step_url(published, "withdraw"), {"withdraw-reason": "错误"})
    assert status_of(published) == FactorStatus.WITHDRAWN


def test_past_schedule_is_refused(client, as_staff):
    as_staff(Role.APPROVER)
    approved = ApprovedVersionFactory()
    at = timezone.localtime() - dt.timedelta(days=1)
    typed = at.strftime("%Y-%m-%dT%H:%M")
    response = client.post(step_url(approved, "schedule"), {"schedule-at": typed})
    assert response.status_code == 400
    assert "计划发布时间须晚于当前时间。" in refusal(response)
    assert typed in refusal(response)
    approved.refresh_from_db()
    assert approved.scheduled_publication_at is None


def test_the_step_endpoint_answers_only_post(client, as_staff):
    as_staff(Role.APPROVER)
    version = ApprovedVersionFactory()
    assert client.get(step_url(version, "publish")).status_code == 405
    assert status_of(version) == FactorStatus.APPROVED


def test_an_unknown_step_is_not_found(client, as_staff):
    as_staff(Role.APPROVER)
    version = ApprovedVersionFactory()
    assert client.post(step_url(version, "teleport"), {}).status_code == 404


def test_the_factor_page_tells_its_whole_story_in_order(client, as_staff, reviewers):
    factor = FactorFactory()
    first = SourcedPublishedVersionFactory(factor=factor, version=1)
    second = SubmittedVersionFactory(factor=factor, version=2)
    approver = as_staff(Role.APPROVER, username="approver_staff")
    client.post(step_url(second, "assign"), {"assign-reviewer": reviewers[0].pk})
    reviewer = reviewers[0]
    reviewer.is_staff = reviewer.is_superuser = True
    reviewer.save()
    client.force_login(reviewer)
    client.post(step_url(second, "request_changes"), {"request_changes-comment": "补充来源"})
    client.force_login(approver)
    client.post(step_url(first, "withdraw"), {"withdraw-reason": "数据有误"})

    response = client.get(admin_url(factor, "change"))
    story = response.context["story"]
    assert [(entry.version.version, entry.kind) for entry in story] == [
        (2, "event"), (2, "assigned"), (2, "decision"), (2, "event"), (1, "event")]
    assert [entry.at for entry in story] == sorted(entry.at for entry in story)
    body = response.content.decode()
    assert body.index("补充来源") < body.index("数据有误")


def test_revising_a_published_version_opens_a_new_draft_and_leaves_it_untouched(client, editor):
    from factordb.models import FactorVersion
    from tests.factories import PublishedVersionFactory

    published = PublishedVersionFactory()
    editor.is_staff = True
    editor.save()
    client.force_login(editor)

    response = client.post(f"/admin/factordb/factorversion/{published.pk}/workflow/start_revision/",
                           {"start_revision-comment": ""})

    draft = FactorVersion.objects.get(factor=published.factor, status="draft")
    assert response["Location"].endswith(f"/factorversion/{draft.pk}/change/")
    published.refresh_from_db()
    assert published.status == "published"


def test_a_scheduled_publication_is_in_the_factors_story(client, as_staff):
    as_staff(Role.APPROVER)
    approved = ApprovedVersionFactory()
    at = timezone.localtime() + dt.timedelta(days=1)
    client.post(step_url(approved, "schedule"), {"schedule-at": at.strftime("%Y-%m-%dT%H:%M")})
    story = client.get(admin_url(approved.factor, "change")).context["story"]
    assert [(entry.kind, entry.what) for entry in story][-1] == ("event", "已安排发布")
    assert at.strftime("%Y-%m-%dT%H:%M") in story[-1].comment
