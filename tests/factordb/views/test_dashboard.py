import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from factordb.constants import FactorStatus
from factordb.models import FactorVersion, ReviewAssignment, WorkflowEvent
from factordb.services import change_set_review, change_sets
from tests.factordb.change_sets.helpers import draft_by
from tests.factories import (
    ApprovedVersionFactory,
    InReviewVersionFactory,
    SourcedPublishedVersionFactory,
    SubmittedVersionFactory,
)

from .helpers import messages_of, snapshot

pytestmark = pytest.mark.django_db

URL = reverse("review:dashboard")


def action_url(name: str, version) -> str:
    return reverse("review:version_step", args=[version.pk, name])


def assign(client, version, reviewer):
    return client.post(action_url("assign", version), {f"assign-{version.pk}-reviewer": reviewer.pk})


def status_of(version) -> str:
    return FactorVersion.objects.values_list("status", flat=True).get(pk=version.pk)


# --- Access -------------------------------------------------------------------------------


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["reviewer", "editor", "outsider"])
def test_it_is_forbidden_to_anyone_but_an_approver(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_a_non_approver_cannot_act_through_the_endpoints(client, reviewer):
    version = ApprovedVersionFactory()
    client.force_login(reviewer)
    before = snapshot()
    assert client.post(action_url("publish", version), {}).status_code == 403
    assert snapshot() == before


def test_the_endpoints_answer_only_post(approver_client):
    version = ApprovedVersionFactory()
    assert approver_client.get(action_url("publish", version)).status_code == 405


# --- What it shows ------------------------------------------------------------------------


def test_it_lists_each_section(approver_client, reviewers):
    submitted = SubmittedVersionFactory()
    in_review = InReviewVersionFactory(reviewers=reviewers[:2])
    ReviewAssignment.objects.filter(version=in_review, reviewer=reviewers[0]).update(
        decision="approved", conflict_of_interest=False)
    approved = ApprovedVersionFactory()
    published = SourcedPublishedVersionFactory()
    response = approver_client.get(URL)
    assert response.status_code == 200
    assert [row.version for row in response.context["submitted"]] == [submitted]
    assert [row.version for row in response.context["in_review"]] == [in_review]
    assert [row.version for row in response.context["approved"]] == [approved]
    assert [row.version for row in response.context["published"]] == [published]
    assert response.context["in_review"][0].version.approvals == 1
    assert "1 / 2" in response.content.decode()


def test_the_assign_form_offers_reviewers_but_not_the_author(approver_client, reviewers):
    version = SubmittedVersionFactory(author=reviewers[2])
    response = approver_client.get(URL)
    field = response.context["submitted"][0].forms["assign"].fields["reviewer"]
    choices = [value for value, _ in field.choices]
    assert reviewers[0].pk in choices
    assert reviewers[1].pk in choices
    assert version.author_id not in choices


@pytest.mark.parametrize("count", [3, 20])
def test_it_reads_a_bounded_number_of_queries(approver_client, reviewers, editor, count,
                                              django_assert_max_num_queries):
    for _ in range(count):
        SubmittedVersionFactory()
        InReviewVersionFactory(reviewers=reviewers[:2])
        ApprovedVersionFactory()
        SourcedPublishedVersionFactory()
        change_set = change_sets.change_set_create(actor=editor, title="组", description="理由",
                                                   versions=[draft_by(editor), draft_by(editor)])
        change_set_review.change_set_submit(change_set=change_set, actor=editor)
    # The independence rule reads history: 4 per list of versions, and 4 for all sets' rows;
    # the menu's inbox count is one more, and the session's second-factor device one more
    # (docs/adr/0038).
    with django_assert_max_num_queries(27):
        response = approver_client.get(URL)
    assert len(response.context["in_review"]) == count


# --- Assign -------------------------------------------------------------------------------


def test_assigning_a_reviewer_starts_the_review(approver_client, reviewer):
    version = SubmittedVersionFactory()
    response = assign(approver_client, version, reviewer)
    assert response.status_code == 302
    assert response["Location"] == URL
    assert status_of(version) == FactorStatus.IN_REVIEW
    assert ReviewAssignment.objects.filter(version=version, reviewer=reviewer).exists()


def test_assigning_the_author_is_refused(approver_client, reviewer):
    version = SubmittedVersionFactory(author=reviewer)
    before = snapshot()
    response = assign(approver_client, version, reviewer)
    assert response.status_code == 400
    assert "作者不能评审自己的版本。" in response.content.decode()
    assert snapshot() == before


def test_assigning_someone_without_the_reviewer_role_is_refused(approver_client, outsider):
    version = SubmittedVersionFactory()
    before = snapshot()
    response = assign(approver_client, version, outsider)
    assert response.status_code == 400
    assert snapshot() == before


def test_assigning_to_a_version_in_the_wrong_state_is_a_conflict(approver_client, reviewer):
    version = ApprovedVersionFactory()
    before = snapshot()
    response = assign(approver_client, version, reviewer)
    assert response.status_code == 409
    assert messages_of(response)
    assert snapshot() == before


def test_acting_on_an_unknown_version_is_not_found(approver_client):
    assert approver_client.post(action_url("publish", FactorVersion(pk=999999)), {}).status_code == 404


# --- Publish, schedule, withdraw ----------------------------------------------------------


def test_publishing_now_publishes_and_supersedes(approver_client):
    version = ApprovedVersionFactory()
    current = SourcedPublishedVersionFactory(factor=version.factor)
    response = approver_client.post(action_url("publish", version), {f"publish-{version.pk}-comment": ""})
    assert response.status_code == 302
    assert status_of(version) == FactorStatus.PUBLISHED
    assert status_of(current) == FactorStatus.SUPERSEDED


def test_publishing_twice_from_two_tabs_is_a_conflict_the_second_time(approver_client):
    version = ApprovedVersionFactory()
    assert approver_client.post(action_url("publish", version), {}).status_code == 302
    before = snapshot()
    response = approver_client.post(action_url("publish", version), {})
    assert response.status_code == 409
    assert any("已发布" in m for m in messages_of(response))
    assert snapshot() == before


def test_scheduling_a_future_publication_records_it(approver_client, approver):
    version = ApprovedVersionFactory()
    at = timezone.localtime() + dt.timedelta(days=3)
    response = approver_client.post(action_url("schedule", version),
                                    {f"schedule-{version.pk}-at": at.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.scheduled_publication_at == at.replace(second=0, microsecond=0)
    assert version.scheduled_by == approver
    assert version.status == FactorStatus.APPROVED


def test_scheduling_in_the_past_is_refused(approver_client):
    version = ApprovedVersionFactory()
    at = timezone.localtime() - dt.timedelta(hours=1)
    before = snapshot()
    response = approver_client.post(action_url("schedule", version),
                                    {f"schedule-{version.pk}-at": at.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400
    assert "计划发布时间须晚于当前时间。" in response.content.decode()
    assert snapshot() == before


def test_scheduling_without_a_date_is_refused(approver_client):
    version = ApprovedVersionFactory()
    before = snapshot()
    assert approver_client.post(action_url("schedule", version), {}).status_code == 400
    assert snapshot() == before


def test_withdrawing_with_a_reason_withdraws(approver_client):
    version = SourcedPublishedVersionFactory()
    response = approver_client.post(action_url("withdraw", version),
                                    {f"withdraw-{version.pk}-reason": "数据错误"})
    assert response.status_code == 302
    assert status_of(version) == FactorStatus.WITHDRAWN
    assert WorkflowEvent.objects.filter(version=version, action="withdraw", comment="数据错误").exists()


def test_withdrawing_without_a_reason_is_refused(approver_client):
    version = SourcedPublishedVersionFactory()
    before = snapshot()
    response = approver_client.post(action_url("withdraw", version), {f"withdraw-{version.pk}-reason": ""})
    assert response.status_code == 400
    assert "此操作必须填写意见。" in response.content.decode()
    assert snapshot() == before
