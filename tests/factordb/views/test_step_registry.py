"""One registry of steps (factordb.steps): where a step may be taken is read from the
transition table, and one entry is enough for a step to appear on, and be taken from, the
dashboard, the workspace and the admin's version page."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from factordb import forms, steps, workflow
from factordb.constants import FactorStatus as S
from factordb.models import ReviewAssignment
from factordb.steps import Step, Surface
from tests.factordb.admin.helpers import admin_url
from tests.factories import InReviewVersionFactory, SourcedPublishedVersionFactory, StaffUserFactory
from tests.roles import with_roles

pytestmark = pytest.mark.django_db


# --- Where a step may be taken: the transition table's word --------------------------------


def test_assigning_is_offered_where_the_review_starts_and_while_it_runs():
    start_review = workflow.TRANSITIONS["start_review"]
    assert steps.STEPS["assign"].sources == (*start_review.sources, start_review.target)
    assert steps.STEPS["assign"].sources == (S.SUBMITTED, S.IN_REVIEW)


def test_scheduling_is_offered_where_the_recorded_step_may_be_written():
    assert steps.STEPS["schedule"].sources == workflow.RECORDED_STEPS["schedule"] == (S.APPROVED,)


def test_a_change_to_the_transition_table_moves_the_button_with_it(monkeypatch, approver):
    superseded = SourcedPublishedVersionFactory()
    superseded.status = S.SUPERSEDED
    assert "withdraw" not in [s.name for s in steps.available_steps(superseded, approver)]

    monkeypatch.setitem(workflow.TRANSITIONS, "withdraw",
                        workflow.Transition("withdraw", (S.PUBLISHED, S.SUPERSEDED), S.WITHDRAWN))

    assert steps.STEPS["withdraw"].sources == (S.PUBLISHED, S.SUPERSEDED)
    assert "withdraw" in [s.name for s in steps.available_steps(superseded, approver)]


@pytest.mark.parametrize(("road", "and_target"), [("teleport", False), ("schedule", True)])
def test_a_step_on_a_road_the_workflow_does_not_have_fails_when_it_is_written(road, and_target):
    with pytest.raises(ValueError, match=road):
        Step("odd", "奇怪", road, frozenset({Role.EDITOR}), steps.plain_form(forms.NoteForm),
             lambda v, user, d: None, "完成。", and_target=and_target)


def test_every_surface_dispatches_from_the_registry():
    for surface in Surface:
        assert steps.on(surface) == [s for s in steps.STEPS.values() if surface in s.surfaces]
    assert {s.name for s in steps.on(Surface.WORKSPACE)} == {
        "approve", "request_changes", "reject", "declare_conflict"}
    assert {s.name for s in steps.on(Surface.DASHBOARD)} == {"assign", "publish", "schedule", "withdraw"}
    assert {name for name, s in steps.STEPS.items() if not s.on_change_set} == {
        s.name for s in steps.on(Surface.ADMIN)}
    assert {s.name for s in steps.on(Surface.CHANGE_SET)} == {
        "set_submit", "set_revise", "set_assign", "set_unassign", "set_decide", "set_declare_conflict",
        "set_publish"}


# --- A new step is one entry ---------------------------------------------------------------


@pytest.fixture
def asked(monkeypatch) -> list:
    """A step added in one entry: approvers and reviewers may ask the author a question while a
    version is in review. Its service notes what it was called with."""
    calls = []

    def ask_author(version, actor, data):
        calls.append((version, actor, data["comment"]))

    monkeypatch.setitem(steps.STEPS, "ask_author", Step(
        "ask_author", "向作者提问", "approve", frozenset({Role.APPROVER, Role.REVIEWER}),
        steps.plain_form(forms.NoteForm), ask_author, "已提问。", surfaces=frozenset(Surface)))
    return calls


@pytest.fixture
def staff_approver(db):
    return with_roles(StaffUserFactory(username="staff-approver"), Role.APPROVER)


def test_a_new_entry_appears_on_the_dashboard_and_is_taken_there(client, asked, approver, reviewer):
    version = InReviewVersionFactory(reviewers=[reviewer])
    client.force_login(approver)
    address = reverse("review:version_step", args=[version.pk, "ask_author"])

    page = client.get(reverse("review:dashboard")).content.decode()
    assert f'action="{address}"' in page
    assert "向作者提问" in page

    response = client.post(address, {f"ask_author-{version.pk}-comment": "来源为何年？"})
    assert response.status_code == 302
    assert asked == [(version, approver, "来源为何年？")]


def test_a_new_entry_appears_in_the_workspace_and_is_taken_there(client, asked, reviewer):
    version = InReviewVersionFactory(reviewers=[reviewer])
    assignment = ReviewAssignment.objects.get(version=version, reviewer=reviewer)
    client.force_login(reviewer)
    address = reverse("review:assignment", args=[assignment.pk])

    page = client.get(address).content.decode()
    assert 'name="action" value="ask_author"' in page

    response = client.post(address, {"action": "ask_author", "ask_author-comment": "单位？"})
    assert response.status_code == 302
    assert asked == [(version, reviewer, "单位？")]


def test_a_new_entry_appears_on_the_admin_version_page_and_is_taken_there(client, asked, staff_approver):
    version = InReviewVersionFactory()
    client.force_login(staff_approver)

    buttons = client.get(admin_url(version, "change")).context["workflow_buttons"]
    assert [b.name for b in buttons] == ["assign", "ask_author"]

    response = client.post(reverse("admin:factordb_factorversion_workflow", args=[version.pk, "ask_author"]),
                           {"ask_author-comment": "年份？"})
    assert response.status_code == 302
    assert asked == [(version, staff_approver, "年份？")]


def test_a_new_entry_is_offered_only_to_its_roles(asked, editor, reviewer):
    version = InReviewVersionFactory(reviewers=[reviewer])
    assert "ask_author" not in [s.name for s in steps.available_steps(version, editor)]
    published = SourcedPublishedVersionFactory()
    assert "ask_author" not in [s.name for s in steps.available_steps(published, reviewer)]
