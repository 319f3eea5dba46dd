"""The approver's dashboard lists declared conflicts of interest and clears one, with a reason."""

import pytest
from django.urls import reverse

from factordb.models import ConflictOfInterest
from factordb.services import review
from tests.factories import SubmittedVersionFactory

from .helpers import messages_of, snapshot

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("review:dashboard")


@pytest.fixture
def conflict(reviewer, approver) -> ConflictOfInterest:
    version = SubmittedVersionFactory()
    assignment = review.review_assign(version=version, reviewer=reviewer, actor=approver)
    review.review_declare_conflict(assignment=assignment, actor=reviewer, comment="我参与了来源研究")
    return ConflictOfInterest.objects.get()


def clear(client, conflict, reason="来源研究已撤回，不再存在关联"):
    return client.post(reverse("review:clear_conflict", args=[conflict.pk]),
                       {f"clear_conflict-{conflict.pk}-reason": reason})


def test_the_dashboard_lists_open_conflicts_with_a_form_to_clear_each(approver_client, conflict):
    response = approver_client.get(DASHBOARD)
    [row] = response.context["conflicts"]
    assert row.conflict == conflict
    page = response.content.decode()
    assert "我参与了来源研究" in page
    assert reverse("review:clear_conflict", args=[conflict.pk]) in page


def test_clearing_with_a_reason_clears_and_returns_to_the_dashboard(approver_client, approver, conflict):
    response = clear(approver_client, conflict)
    assert (response.status_code, response["Location"]) == (302, DASHBOARD)
    conflict.refresh_from_db()
    assert (conflict.cleared_by, conflict.clearance_reason) == (approver, "来源研究已撤回，不再存在关联")
    assert approver_client.get(DASHBOARD).context["conflicts"] == []


def test_clearing_without_a_reason_re_renders_with_the_error(approver_client, conflict):
    before = snapshot()
    response = clear(approver_client, conflict, reason=" ")
    assert response.status_code == 400
    assert "此操作必须填写意见。" in response.content.decode()
    [row] = response.context["conflicts"]
    assert row.form.errors["reason"]
    assert snapshot() == before


@pytest.mark.parametrize("who", ["reviewer", "editor", "outsider"])
def test_only_an_approver_clears(client, request, who, conflict):
    client.force_login(request.getfixturevalue(who))
    before = snapshot()
    assert clear(client, conflict).status_code == 403
    assert snapshot() == before


def test_nothing_left_to_clear_is_a_conflict(approver_client, conflict):
    assert clear(approver_client, conflict).status_code == 302
    before = snapshot()
    response = clear(approver_client, conflict)  # a second tab
    assert response.status_code == 409
    assert any("没有待解除" in m for m in messages_of(response))
    assert snapshot() == before


def test_an_unknown_conflict_is_not_found(approver_client):
    assert approver_client.post(reverse("review:clear_conflict", args=[987654]), {}).status_code == 404


def test_it_answers_only_post(approver_client, conflict):
    assert approver_client.get(reverse("review:clear_conflict", args=[conflict.pk])).status_code == 405


def test_it_requires_login(client, conflict):
    response = clear(client, conflict)
    assert response.status_code == 302
    assert "login" in response["Location"]
