"""A user sees exactly the steps their roles allow in the version's state, on each page that
offers steps; a step hidden from them and posted anyway is refused by the service and
changes nothing."""

import re

import pytest
from django.urls import reverse

from factordb.models import ReviewAssignment
from tests.factordb.admin.helpers import admin_url
from tests.factories import (
    ApprovedVersionFactory,
    ChangesRequestedVersionFactory,
    InReviewVersionFactory,
    SourcedDraftVersionFactory,
    SourcedPublishedVersionFactory,
    SubmittedVersionFactory,
)
from tests.permission_matrix import (
    APPROVER,
    EDITOR,
    EDITOR_APPROVER,
    EDITOR_REVIEWER,
    REVIEWER,
    database_snapshot,
    make_actor,
)

pytestmark = pytest.mark.django_db

DECISIONS = ["approve", "request_changes", "reject", "declare_conflict"]
ROLES = (EDITOR, REVIEWER, APPROVER, EDITOR_REVIEWER, EDITOR_APPROVER)
APPROVERS = {APPROVER, EDITOR_APPROVER}
REVIEWERS = {REVIEWER, EDITOR_REVIEWER}


def version_in(state: str, actor):
    """A version in the state; one in review has an open assignment for the actor, whatever
    their roles (the role alone then decides what they are offered)."""
    return {
        "draft": SourcedDraftVersionFactory,
        "changes_requested": ChangesRequestedVersionFactory,
        "submitted": SubmittedVersionFactory,
        "in_review": lambda: InReviewVersionFactory(reviewers=[actor]),
        "approved": ApprovedVersionFactory,
        "published": SourcedPublishedVersionFactory,
    }[state]()


# The steps each role is offered in each state (the admin's version page offers all steps).
OFFERED = {
    "draft": {EDITOR: ["submit"], EDITOR_REVIEWER: ["submit"], EDITOR_APPROVER: ["submit"]},
    "changes_requested": {EDITOR: ["revise"], EDITOR_REVIEWER: ["revise"], EDITOR_APPROVER: ["revise"]},
    "submitted": {APPROVER: ["assign"], EDITOR_APPROVER: ["assign"]},
    "in_review": {REVIEWER: DECISIONS, EDITOR_REVIEWER: DECISIONS, APPROVER: ["assign"],
                  EDITOR_APPROVER: ["assign"]},
    "approved": {APPROVER: ["publish", "schedule"], EDITOR_APPROVER: ["publish", "schedule"]},
    "published": {EDITOR: ["start_revision"], EDITOR_REVIEWER: ["start_revision"],
                  APPROVER: ["withdraw"], EDITOR_APPROVER: ["start_revision", "withdraw"]},
}
DASHBOARD_STEPS = {"assign", "publish", "schedule", "withdraw"}


def offered(state: str, role: str, surface_steps=None) -> list[str]:
    names = OFFERED[state].get(role, [])
    return [name for name in names if surface_steps is None or name in surface_steps]


@pytest.fixture
def login(client):
    def sign_in(role: str):
        actor = make_actor(role)
        client.force_login(actor)
        return actor
    return sign_in


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(OFFERED))
def test_the_admin_version_page_offers_exactly_the_roles_steps(client, login, state, role):
    actor = login(role)
    version = version_in(state, actor)

    response = client.get(admin_url(version, "change"))

    if not actor.is_staff:  # an expert reviewer works in the workspace, not the admin
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        return
    assert response.status_code == 200
    assert [button.name for button in response.context["workflow_buttons"]] == offered(state, role)
    shown = re.findall(r'class="workflow-step workflow-(\w+)"', response.content.decode())
    assert shown == offered(state, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(OFFERED))
def test_the_dashboard_offers_exactly_the_roles_steps(client, login, state, role):
    actor = login(role)
    version = version_in(state, actor)

    response = client.get(reverse("review:dashboard"))

    if role not in APPROVERS:
        assert response.status_code == 403
        return
    html = response.content.decode()
    posts_to = re.findall(rf'action="/review/dashboard/versions/{version.pk}/(\w+)/"', html)
    assert posts_to == offered(state, role, DASHBOARD_STEPS)


@pytest.mark.parametrize("role", ROLES)
def test_the_workspace_offers_decisions_to_reviewers_with_an_open_assignment_only(client, login, role):
    actor = login(role)
    version = version_in("in_review", actor)
    assignment = ReviewAssignment.objects.get(version=version, reviewer=actor)

    page = client.get(reverse("review:assignment", args=[assignment.pk])).content.decode()

    assert re.findall(r'name="action" value="(\w+)"', page) == (DECISIONS if role in REVIEWERS else [])


def test_a_decided_assignment_offers_no_decision(client, login):
    reviewer = login(REVIEWER)
    assignment = ApprovedVersionFactory(reviewers=[reviewer, make_actor(EDITOR_REVIEWER)]).assignments.get(
        reviewer=reviewer)
    page = client.get(reverse("review:assignment", args=[assignment.pk])).content.decode()
    assert 'name="action"' not in page


def test_an_editor_who_also_approves_sees_no_editor_step_on_the_dashboard(client, login):
    # The dashboard is the approvers' page: a published row offers withdrawal, not a revision.
    login(EDITOR_APPROVER)
    version = SourcedPublishedVersionFactory()
    page = client.get(reverse("review:dashboard")).content.decode()
    assert re.findall(rf'/review/dashboard/versions/{version.pk}/(\w+)/', page) == ["withdraw"]


# --- Hidden, and posted anyway ----------------------------------------------------------


def dashboard_post(version, step: str, **values):
    return reverse("review:version_step", args=[version.pk, step]), {
        f"{step}-{version.pk}-{name}": value for name, value in values.items()}


def admin_post(version, step: str, **values):
    return reverse("admin:factordb_factorversion_workflow", args=[version.pk, step]), {
        f"{step}-{name}": value for name, value in values.items()}


def workspace_post(version, step: str, **values):
    assignment = version.assignments.get()
    return reverse("review:assignment", args=[assignment.pk]), {
        "action": step, **{f"{step}-{name}": value for name, value in values.items()}}


def a_reviewer() -> str:
    return str(make_actor(REVIEWER).pk)


FORGED = [
    # (role, state, how it is posted, step, the form's values)
    (EDITOR, "approved", dashboard_post, "publish", dict),
    (REVIEWER, "published", dashboard_post, "withdraw", lambda: {"reason": "伪造"}),
    (EDITOR, "submitted", admin_post, "assign", lambda: {"reviewer": a_reviewer()}),
    (EDITOR_REVIEWER, "published", admin_post, "withdraw", lambda: {"reason": "伪造"}),
    (APPROVER, "draft", admin_post, "submit", dict),
    (EDITOR_APPROVER, "in_review", admin_post, "approve", lambda: {"declares_no_conflict": "on"}),
    (APPROVER, "in_review", workspace_post, "reject", lambda: {"comment": "伪造"}),
    (EDITOR, "in_review", workspace_post, "approve", lambda: {"declares_no_conflict": "on"}),
]


@pytest.mark.parametrize(("role", "state", "post", "step", "values"), FORGED,
                         ids=[f"{f[0]}-{f[2].__name__}-{f[3]}" for f in FORGED])
def test_a_hidden_step_posted_anyway_is_refused_by_the_service(client, login, role, state, post, step,
                                                               values):
    actor = login(role)
    version = version_in(state, actor)
    assert step not in offered(state, role)
    url, data = post(version, step, **values())
    before = database_snapshot()

    response = client.post(url, data)

    assert response.status_code == 403
    assert database_snapshot() == before
